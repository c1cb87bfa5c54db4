/**
 * tau2's message list (data_model/message.py) and how it reaches a model: `to_litellm_messages`
 * (utils/llm_utils.py) for the agent, `UserState.flip_roles` (user/user_simulator_base.py) for the user
 * simulator. A simulation's trajectory is a list of these; tau2's evaluator reads it.
 */
import type OpenAI from 'openai';
import { dumpsPy, type PyValue } from '../../util/pyjson.js';
import type { Requestor, ToolCall } from './env/environment.js';
import { type PyDict, PyError } from './env/python.js';
import { jsonLoads } from './evaluate/json-loads.js';
import type {
  Tau2ToolMessage as ScoredToolMessage,
  Tau2ParticipantMessage as ScoredTurn,
  Tau2Message,
} from './evaluate/messages.js';

/**
 * An `AssistantMessage` or `UserMessage` as the conversation builds it: the scorer's type (`evaluate/messages.ts`)
 * with both fields always set (tau2 allows text and tool calls together; neither is invalid).
 */
export type Tau2Turn = ScoredTurn & { content: string | null; tool_calls: ToolCall[] | null };

/** A `ToolMessage`: `id` is the tool call's, `requestor` who made it, `error` whether the tool raised. */
export type Tau2ToolResult = ScoredToolMessage & { content: string };

/** One message of a conversation's trajectory: a {@link Tau2Message} for tau2's scorer as it is. */
export type ConversationMessage = Tau2Turn | Tau2ToolResult;

/** `Message.has_text_content()`: content that is not blank. */
export const hasText = (m: Tau2Turn): boolean => m.content !== null && m.content.trim() !== '';

/** `is_tool_call()`: tau2 tests `tool_calls is not None`; an empty list never arises (it becomes None). */
export const isToolCall = (m: Tau2Turn): boolean => m.tool_calls !== null;

/** `is_valid_agent_history_message`: what of a task's message history the agent is given. */
export function agentSees(m: ConversationMessage): boolean {
  if (m.role === 'tool') return m.requestor === 'assistant';
  return m.role === 'assistant' || !isToolCall(m);
}

/** `is_valid_user_history_message`: what of a task's message history the user simulator is given. */
export function userSees(m: ConversationMessage): boolean {
  if (m.role === 'tool') return m.requestor === 'user';
  return m.role === 'user' || !isToolCall(m);
}

type Wire = OpenAI.Chat.ChatCompletionMessageParam;

// A participant message on the wire. tau2 re-serialises the arguments with json.dumps (Python's separators
// and escapes), so the model gets back `{"x": 2.0}` whatever spacing it produced. litellm also sends
// `tool_calls: None` for a text message; OpenAI's API refuses a null there, so the key is left out.
function participant(role: 'assistant' | 'user', m: Tau2Turn): Wire {
  if (role === 'user') return { role: 'user', content: m.content } as Wire;
  if (m.tool_calls === null) return { role: 'assistant', content: m.content };
  return {
    role: 'assistant',
    content: m.content,
    tool_calls: m.tool_calls.map((c) => ({
      id: c.id ?? '',
      type: 'function' as const,
      function: { name: c.name, arguments: dumpsPy(c.arguments) },
    })),
  };
}

/** `to_litellm_messages` of the agent's history, after its system message. */
export function agentWire(messages: readonly ConversationMessage[]): Wire[] {
  return messages.map((m) =>
    m.role === 'tool' ? { role: 'tool', content: m.content, tool_call_id: m.id } : participant(m.role, m),
  );
}

/**
 * `flip_roles()` then `to_litellm_messages`: the user simulator's own messages become `assistant` ones (with
 * their tool calls), the agent's text becomes `user` text; the agent's tool calls and tool results never
 * reach it (tau2 raises if they do, which its orchestrator never lets happen).
 */
export function userWire(messages: readonly ConversationMessage[]): Wire[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.id };
    if (m.role === 'user') return participant('assistant', m);
    return participant('user', { role: 'user', content: m.content, tool_calls: null });
  });
}

const str = (v: PyValue | undefined): string | null => (typeof v === 'string' ? v : null);

/** A task's `initial_state.message_history` as tau2 messages (already checked by the task reader). */
export function historyMessages(raw: readonly PyValue[]): ConversationMessage[] {
  return raw.map((v) => {
    const m = v as PyDict;
    const requestor: Requestor = m['requestor'] === 'user' ? 'user' : 'assistant';
    if (m['role'] === 'tool') {
      return {
        role: 'tool',
        id: str(m['id']) ?? '',
        content: str(m['content']) ?? '',
        requestor,
        error: m['error'] === true,
      };
    }
    const calls = Array.isArray(m['tool_calls']) ? (m['tool_calls'] as PyDict[]) : null;
    return {
      role: m['role'] === 'user' ? 'user' : 'assistant',
      content: str(m['content']),
      tool_calls:
        calls === null
          ? null
          : calls.map((c) => ({
              id: str(c['id']) ?? '',
              name: String(c['name']),
              arguments: c['arguments'] as PyDict,
              requestor: c['requestor'] === 'user' ? 'user' : 'assistant',
            })),
    };
  });
}

/**
 * A model's tool-call arguments as tau2 reads them: `json.loads` (2 and 2.0 stay apart; duplicate keys, `NaN`
 * and `Infinity` read as Python reads them), and `ToolCall` accepts only a dict. Where tau2 raises (invalid
 * JSON, or JSON that is not an object) its `generate` fails, and the whole simulation with it: then the
 * result says why, with Python's `JSONDecodeError` text.
 */
export function parseToolArguments(text: string): { arguments: PyDict } | { error: string } {
  let v: PyValue;
  try {
    v = jsonLoads(text);
  } catch (err) {
    if (err instanceof PyError) return { error: `${err.pyType}: ${err.message}` };
    throw err;
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { arguments: v };
  return { error: `not a JSON object (ToolCall.arguments must be a dict): ${dumpsPy(v)}` };
}
