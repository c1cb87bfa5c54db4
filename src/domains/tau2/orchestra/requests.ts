/**
 * The requests of one agent turn with experts on (tau2/utils/llm_utils.py `generate`, role `assistant`, and
 * LLM_CALL.py `get_llm_response`): the orchestrator's, to its vLLM endpoints, and the expert's, to the OpenAI API
 * or a vLLM endpoint. Bodies are what the `openai` client puts on the wire.
 */
import type { OpenAiToolSchema } from '../env/schema.js';
import { type ExpertMapping, expertBackend } from './experts.js';
import { orchestratorTools } from './tools.js';
import { type Tau2Message, toWireMessages, type WireMessage } from './wire.js';

/** What the caller knows of the run: the model config and the fork's router job. */
export interface OrchestraSettings {
  /** The orchestrator's model name as in the model config (the fork's runs use a checkpoint path). */
  orchestratorModel: string;
  /** `fs.existsSync(orchestratorModel)`: the fork sends `tools` to vLLM only for a model named by a local path. */
  orchestratorIsLocalPath: boolean;
  /** The model config's `oss_expert_mapping`, if any. */
  ossMapping?: ExpertMapping | null;
  /** The fork's ThunderReact job id (`tau2:<domain>:<task id>:<8 hex>`), sent with every vLLM request; null: none. */
  jobId?: string | null;
  /**
   * The fork's profiling switches (`TAU2_TOOLORCH_STREAM_PROFILE=1`, `TAU2_EXPERT_STREAM_PROFILE=1`, each with
   * log level PROFILE): stream the orchestrator's request (only for a model named like `*orchestrator*8b*`)
   * and the vLLM experts' requests. Read streamed replies with {@link streamedReply}.
   */
  streamOrchestrator?: boolean;
  streamExperts?: boolean;
  /**
   * Not the fork's: with `streamOrchestrator`, stream whatever the orchestrator model is called. The fork times
   * only a model named like its own orchestrator; a profiler must time every agent model (the request is the
   * fork's otherwise, and streaming does not change what the model answers).
   */
  streamAnyOrchestrator?: boolean;
}

/** A vLLM chat-completions body: the orchestrator's, or an open-weights expert's. */
export interface VllmBody {
  messages: WireMessage[];
  model: string;
  max_tokens: 8000;
  /** The fork writes `1` for the orchestrator and `1.0` for experts; equal on the wire for any JSON reader. */
  temperature: 1;
  tools?: OpenAiToolSchema[];
  stream?: true;
  stream_options?: { include_usage: true };
  job_id?: string;
  is_last_step?: false;
}

/** The OpenAI API body of a gpt-5 expert. */
export interface OpenAiBody {
  messages: WireMessage[];
  model: string;
  max_completion_tokens: 16384;
  temperature: 1;
  tools: OpenAiToolSchema[];
}

/** An expert request and where it goes. */
export type ExpertRequest = { backend: 'vllm'; body: VllmBody } | { backend: 'openai'; body: OpenAiBody };

// The router's extra body fields, and the fields of a streamed request.
const extraBody = (settings: OrchestraSettings) =>
  settings.jobId ? { job_id: settings.jobId, is_last_step: false as const } : {};
const streamed = (on: boolean | undefined) =>
  on ? { stream: true as const, stream_options: { include_usage: true as const } } : {};

/** Whether the fork takes `model` for its main orchestrator (the only agent model it streams and times). */
export function isMainOrchestrator(model: string): boolean {
  const m = model.toLowerCase();
  return m.includes('orchestrator') && m.includes('8b');
}

/** The orchestrator's request for the next agent turn; `conversation` is the agent's system message + state. */
export function orchestratorRequest(
  conversation: readonly Tau2Message[],
  domainTools: readonly OpenAiToolSchema[],
  settings: OrchestraSettings,
): VllmBody {
  return {
    messages: toWireMessages(conversation, {
      model: settings.orchestratorModel,
      useModelTool: true,
      role: 'assistant',
    }),
    model: settings.orchestratorModel,
    max_tokens: 8000,
    temperature: 1,
    ...(settings.orchestratorIsLocalPath ? { tools: orchestratorTools(domainTools) } : {}),
    ...streamed(
      settings.streamOrchestrator === true &&
        (settings.streamAnyOrchestrator === true || isMainOrchestrator(settings.orchestratorModel)),
    ),
    ...extraBody(settings),
  };
}

/**
 * The request to the expert `model`. An OpenAI expert gets the conversation converted for itself (tau2's
 * prompt, the gpt-5 note on the last message) and the domain's tools; a vLLM expert gets exactly the
 * orchestrator's messages and no tools (the fork sends tools only to local checkpoint paths).
 */
export function expertRequest(
  conversation: readonly Tau2Message[],
  domainTools: readonly OpenAiToolSchema[],
  model: string,
  settings: OrchestraSettings,
): ExpertRequest {
  // The fork converts for the expert before it looks at the backend: a conversion error wins over the rest.
  const own = toWireMessages(conversation, {
    model,
    useModelTool: false,
    role: 'assistant',
    enableThinking: !model.toLowerCase().includes('qwen3'),
  });
  if (expertBackend(model) === 'openai') {
    return {
      backend: 'openai',
      body: { messages: own, model, max_completion_tokens: 16384, temperature: 1, tools: [...domainTools] },
    };
  }
  const { messages } = orchestratorRequest(conversation, domainTools, settings);
  return {
    backend: 'vllm',
    body: {
      messages,
      model,
      max_tokens: 8000,
      temperature: 1,
      ...streamed(settings.streamExperts),
      ...extraBody(settings),
    },
  };
}
