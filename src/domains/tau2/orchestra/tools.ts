/**
 * The tools the ToolOrchestra fork offers its orchestrator with `--use_model_tool` (tau2/utils/llm_utils.py,
 * `extra_tool` and the `updated_tools` of `generate`): the domain's tools without `transfer_to_human_agents`,
 * then `call_expert`. OpenAI experts get the domain's tools unchanged, vLLM experts none (./requests.ts).
 */
import type { OpenAiToolSchema } from '../env/schema.js';

/** The name of the tool through which the orchestrator hands its turn to an expert model. */
export const CALL_EXPERT = 'call_expert';

/** The tool the fork removes from the orchestrator's list when experts are on. */
export const TRANSFER_TOOL = 'transfer_to_human_agents';

// The fork's text, verbatim: the model was trained on it. The parameter's title ("Expression") and the
// absent `enum` are the fork's too; the prices and latencies are those of the default experts
// (gpt-5, gpt-5-mini, Qwen3-32B) whatever `oss_expert_mapping` says.
const EXPERT_DESCRIPTION =
  "The expert. Choices: ['expert-1', 'expert-2', 'expert-3']. expert-1 exhibits strong functional calling " +
  'abilities and performs excellent in most domains (math, physics, social science, etc.), but could lack ' +
  'domain knowledge in some cases. expert-2 presents reasonable solutions in most tasks, but could get stuck ' +
  'in complex reasoning and specific domain knowledge. expert-3 demonstrates moderate performance: it can ' +
  'parse complex prompts, performs some mathematical derivations, call functions, yet it sometimes misreads ' +
  'details, mixes concepts. The table below shows the pricing and latency of each model:\n' +
  'Model | price per million input tokens | price per million output tokens | average latency\n' +
  'expert-1 | $1.25 | $10 | 96s\nexpert-2 | $0.25 | $2 | 27s\nexpert-3 | $0.8 | $0.8 | 11s';

/** `call_expert` as the fork declares it, keys in the fork's order. */
export const CALL_EXPERT_TOOL: OpenAiToolSchema = {
  type: 'function',
  function: {
    name: CALL_EXPERT,
    description:
      'Call the expert such that the user request can be better solved compared to existing functions',
    parameters: {
      properties: {
        expert: { description: EXPERT_DESCRIPTION, title: 'Expression', type: 'string' },
      },
      required: ['expert'],
      title: 'parameters',
      type: 'object',
    },
  },
};

/** The orchestrator's tools with experts on: the domain's, minus the transfer tool, plus `call_expert` last. */
export function orchestratorTools(domainTools: readonly OpenAiToolSchema[]): OpenAiToolSchema[] {
  return [...domainTools.filter((t) => t.function.name !== TRANSFER_TOOL), CALL_EXPERT_TOOL];
}

// Tools of a2c0247 that the fork's older tau2 does not have (tested against the fork's schemas).
const NOT_IN_FORK: Readonly<Record<string, readonly string[]>> = { retail: ['get_item_details'] };

/**
 * The domain's tools as the fork's tau2 declares them: a2c0247's schemas, without the tools the fork's older
 * tau2 lacks (retail's `get_item_details`). This is the `domainTools` of every request built here.
 */
export function forkDomainTools(
  domain: string,
  a2c0247Tools: readonly OpenAiToolSchema[],
): OpenAiToolSchema[] {
  const missing = NOT_IN_FORK[domain] ?? [];
  return a2c0247Tools.filter((t) => !missing.includes(t.function.name));
}
