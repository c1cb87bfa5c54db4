/**
 * How the fork reads a model's reply into the agent's message (tau2/utils/llm_utils.py `generate`,
 * `_extract_message_text`; LLM_CALL.py's stream assembly). The orchestrator's reply either names an expert,
 * whose reply then BECOMES the agent's message, or is the agent's message itself.
 */
import { loadsPy, type PyValue } from '../../../util/pyjson.js';
import { validationError } from '../env/model.js';
import { expertModel } from './experts.js';
import type { OrchestraSettings } from './requests.js';
import { CALL_EXPERT } from './tools.js';

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
