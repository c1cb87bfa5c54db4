/**
 * Which model answers for an expert, and through which API (tau2/utils/llm_utils.py `generate`, LLM_CALL.py
 * `get_llm_response`). The names come from the orchestrator's `call_expert` arguments; the model config's
 * `oss_expert_mapping` wins over the built-in defaults.
 */
import { valueError } from '../env/python.js';

/** The fork's models for the three experts when the model config has no `oss_expert_mapping` entry. */
export const DEFAULT_EXPERT_MODELS: Readonly<Record<string, string>> = {
  'expert-1': 'gpt-5',
  'expert-2': 'gpt-5-mini',
  'expert-3': 'Qwen/Qwen3-32B',
};

/** `oss_expert_mapping` of the model config: expert name → model name. */
export type ExpertMapping = Readonly<Record<string, string>>;

/**
 * The model for `expert`, or undefined when the fork calls none (an unknown name, or a name that is not a
 * string). An empty mapping counts as none, as Python's truthiness has it; a mapping that lacks the name falls
 * back to the defaults.
 */
export function expertModel(expert: unknown, mapping: ExpertMapping | null | undefined): string | undefined {
  if (typeof expert !== 'string') return undefined;
  if (mapping && Object.keys(mapping).length > 0 && Object.hasOwn(mapping, expert)) return mapping[expert];
  return Object.hasOwn(DEFAULT_EXPERT_MODELS, expert) ? DEFAULT_EXPERT_MODELS[expert] : undefined;
}

/** The OpenAI API (proprietary gpt-5 models) or a vLLM endpoint of the model config. */
export type ExpertBackend = 'openai' | 'vllm';

// get_llm_response takes its OpenAI branch only for these names; another "gpt-5…" would go nowhere useful.
const OPENAI_MODELS = new Set(['gpt-5', 'gpt-5-mini']);

/** How the fork reaches `model`; its `ValueError` for a model it cannot call (the task then fails). */
export function expertBackend(model: string): ExpertBackend {
  const m = model.toLowerCase();
  if (model.includes('gpt-5') && !m.includes('gpt-oss')) {
    if (!OPENAI_MODELS.has(model))
      throw new Error(`expert model ${model}: the fork's handling is not reproduced`);
    return 'openai';
  }
  if (m.includes('gpt-oss') || m.includes('qwen3')) return 'vllm';
  throw valueError(`Model ${model} is not supported`);
}
