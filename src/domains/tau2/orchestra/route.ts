/**
 * One agent turn of the ToolOrchestra fork with experts on (tau2/utils/llm_utils.py `generate`, role
 * `assistant`, the orchestrator served by vLLM). There is no tool message for `call_expert`: the fork sends the
 * orchestrator's request, and when the reply calls `call_expert` it sends the same conversation to the expert
 * and the expert's reply BECOMES the agent's message, in place of the orchestrator's, whatever else the
 * orchestrator said or called. The call_expert call never enters the conversation.
 *
 * The caller does the I/O: {@link orchestratorRequest} → send → {@link readOrchestratorReply}; when that names an
 * expert, {@link expertRequest} → send → {@link expertAnswer}, or {@link llmFailure} when the call fails for good.
 */
import { loadsPy, type PyValue } from '../../../util/pyjson.js';
import { validationError } from '../env/model.js';
import type { PyError } from '../env/python.js';
import type { OpenAiToolSchema } from '../env/schema.js';
import { type ExpertMapping, expertBackend, expertModel } from './experts.js';
import { CALL_EXPERT, orchestratorTools } from './tools.js';
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

/** The part of a chat-completion reply (`choices[0].message`) the fork reads. */
export interface ModelReply {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: readonly { function: { name: string; arguments: string } }[] | null;
}

/** The agent's message at the end of the turn (`AssistantMessage.content` and `tool_calls`, ids aside). */
export interface AgentMessage {
  content: string;
  /** At most six; the fork gives each a fresh uuid4 as id. */
  toolCalls: { name: string; arguments: PyValue }[] | null;
}

/** What the orchestrator's reply means: an expert to call, or the agent's message as it stands. */
export type OrchestratorOutcome =
  | { kind: 'expert'; expert: string; model: string }
  | { kind: 'message'; message: AgentMessage };

/** The fork's text when a reply has neither text nor tool calls. */
export const FILLER = 'Wait a minute, I will take it very soon';

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
    ...streamed(settings.streamOrchestrator && isMainOrchestrator(settings.orchestratorModel)),
    ...extraBody(settings),
  };
}

// `_extract_message_text`: the content, or the reasoning when the content is empty (gpt-oss on vLLM).
function messageText(reply: ModelReply): string {
  const content = reply.content;
  const text =
    content === null || content === undefined || content === ''
      ? reply.reasoning_content || reply.reasoning
      : content;
  return text ?? '';
}

// Python's str.strip(): its whitespace set, not JavaScript's (\x1c-\x1f and \x85 yes, \ufeff no).
const PY_SPACE =
  '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu');
const pyStrip = (s: string): string => s.replace(PY_STRIP, '');

const toolCallsOf = (reply: ModelReply) =>
  (reply.tool_calls ?? []).map((c) => ({ name: c.function.name, arguments: loadsPy(c.function.arguments) }));

const isDict = (v: PyValue): v is { [key: string]: PyValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// The end of generate: the filler for an empty turn, at most six tool calls (the fork breaks after the 6th),
// each built as tau2's ToolCall, whose `arguments: dict` rejects anything else json.loads gave.
function agentMessage(content: string, calls: { name: string; arguments: PyValue }[]): AgentMessage {
  const kept = calls.slice(0, 6);
  for (const c of kept) {
    if (!isDict(c.arguments)) {
      throw validationError('ToolCall', [
        {
          loc: ['arguments'],
          type: 'dict_type',
          msg: 'Input should be a valid dictionary',
          input: c.arguments,
        },
      ]);
    }
  }
  return {
    content: content === '' && calls.length === 0 ? FILLER : content,
    toolCalls: kept.length === 0 ? null : kept,
  };
}

/** Reads the orchestrator's reply as the fork does. */
export function readOrchestratorReply(reply: ModelReply, settings: OrchestraSettings): OrchestratorOutcome {
  const raw = messageText(reply);
  let content = raw === '' ? '' : pyStrip(raw.split('</think>').at(-1)!);
  if ([...content].length > 5 && content.includes('<message>') && content.includes('</message>')) {
    content = content.split('<message>').at(-1)!.split('</message>')[0]!;
  }
  const calls = toolCallsOf(reply);
  let expert: { expert: string; model: string } | undefined;
  for (const c of calls) {
    if (c.name !== CALL_EXPERT || !isDict(c.arguments) || !Object.hasOwn(c.arguments, 'expert')) continue;
    const choice = c.arguments.expert;
    // An unknown name keeps the previous choice: with several calls, the last known expert wins.
    const model = expertModel(choice, settings.ossMapping);
    if (model !== undefined) expert = { expert: choice as string, model };
  }
  return expert ? { kind: 'expert', ...expert } : { kind: 'message', message: agentMessage(content, calls) };
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

/** One `delta` of a streamed chat completion, as far as the fork reads it. */
export interface StreamDelta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: readonly {
    index?: number | null;
    id?: string | null;
    function?: { name?: string | null; arguments?: string | null } | null;
  }[];
}

/**
 * A streamed reply as LLM_CALL assembles it: the text is every content AND reasoning delta in arrival order
 * (`reasoning_content`, else `reasoning`), so a gpt-oss expert's thoughts end up in the agent's message;
 * tool calls are merged by `index` (a missing index means "the next one") and come out in index order.
 */
export function streamedReply(deltas: readonly StreamDelta[]): ModelReply {
  const parts: string[] = [];
  const calls = new Map<number, { name: string; arguments: string }>();
  for (const d of deltas) {
    if (d.content) parts.push(d.content);
    if (d.reasoning_content) parts.push(d.reasoning_content);
    else if (d.reasoning) parts.push(d.reasoning);
    for (const tc of d.tool_calls ?? []) {
      const index = tc.index ?? calls.size;
      const entry = calls.get(index) ?? { name: '', arguments: '' };
      calls.set(index, entry);
      if (tc.function?.name) entry.name = tc.function.name;
      if (tc.function?.arguments) entry.arguments += tc.function.arguments;
    }
  }
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => ({ function: c }));
  return { content: parts.join(''), tool_calls: ordered.length > 0 ? ordered : null };
}

/** The agent's message made of the expert's reply: its text as is (no `</think>` or `<message>` cut). */
export function expertAnswer(reply: ModelReply): AgentMessage {
  return agentMessage(messageText(reply), toolCallsOf(reply));
}

/** The fork's classes for a model call that failed for good (LLM_CALL.py). */
export type LlmFailure = 'ContextLengthExceededError' | 'MaxRetriesExceededError' | 'LLMTimeoutError';

/**
 * LLM_CALL's test for a context-length failure, on the error's text (`str(error)`, e.g. `Error code: 400 -
 * {...}`): the fork raises `ContextLengthExceededError` for it, `LLMTimeoutError` when its wall-time budget
 * (600 s per call, retries included) runs out, and `MaxRetriesExceededError` for every other final failure
 * (401/403, other 400s, retries exhausted).
 */
export function isContextLengthError(errorText: string): boolean {
  const t = errorText.toLowerCase();
  return (
    t.includes('context_length_exceeded') ||
    t.includes('maximum context length') ||
    t.includes('context length') ||
    t.includes('input tokens exceed')
  );
}

/**
 * What the fork does when the expert (or orchestrator) call fails for good: it means to end the task with
 * `###STOP### (LLM_ERROR: <class>)`, but builds that AssistantMessage without its required `role`, so pydantic
 * raises instead; the task fails and `run_tasks` drops it (no simulation, no reward). The error to raise.
 */
export function llmFailure(failure: LlmFailure): PyError {
  return validationError('AssistantMessage', [
    {
      loc: ['role'],
      type: 'missing',
      msg: 'Field required',
      input: { content: `###STOP### (LLM_ERROR: ${failure})`, tool_calls: null },
    },
  ]);
}
