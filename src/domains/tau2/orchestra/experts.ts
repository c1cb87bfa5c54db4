/**
 * Which model answers for an expert, and through which API (tau2/utils/llm_utils.py `generate`, LLM_CALL.py
 * `get_llm_response`). The names come from the orchestrator's `call_expert` arguments; the model config's
 * `oss_expert_mapping` wins over the built-in defaults.
 */
import { PyError, valueError } from '../env/python.js';

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

// The names of get_llm_response's OpenAI list that contain "gpt-5" (the others never get here).
const OPENAI_MODELS = new Set(['gpt-5', 'gpt-5-mini']);

/**
 * How the fork reaches `model`, or what it raises instead (the task then fails): `ValueError` for a model it
 * does not route, and for another "gpt-5…" name the `AttributeError` of reading a reply get_llm_response never
 * made (it falls through all its branches and returns None, without a request).
 */
export function expertBackend(model: string): ExpertBackend {
  const m = model.toLowerCase();
  if (model.includes('gpt-5') && !m.includes('gpt-oss')) {
    if (!OPENAI_MODELS.has(model))
      throw new PyError('AttributeError', "'NoneType' object has no attribute 'choices'");
    return 'openai';
  }
  if (m.includes('gpt-oss') || m.includes('qwen3')) return 'vllm';
  throw valueError(`Model ${model} is not supported`);
}
