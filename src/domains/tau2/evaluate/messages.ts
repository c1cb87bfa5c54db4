/**
 * A simulation's trajectory as tau2 scores it (`SimulationRun.messages`, data_model/message.py), reduced to what
 * scoring reads. A harness builds it from its OpenAI-style conversation: the orchestrator's view, in order, with
 * the tau2 first agent message (`Hi! How can I help you today?`) or the task's message history first, the
 * agent's turns as `assistant` messages, the user simulator's as `user` messages (their tool calls with
 * `requestor: 'user'`), and one `tool` message per tool call (never grouped), right after the call.
 */
import type { HistoryMessage, Requestor, ToolCall } from '../env/environment.js';
import { modelDump } from '../env/model.js';
import type { PyDict } from '../env/python.js';

/** A system message (`SystemMessage`); tau2's half-duplex trajectories have none, but the judge would see it. */
export interface Tau2SystemMessage {
  role: 'system';
  content: string | null;
}

/** An agent or user turn (`AssistantMessage`, `UserMessage`): text, or tool calls (arguments as Python values). */
export interface Tau2ParticipantMessage {
  role: 'assistant' | 'user';
  content?: string | null;
  /** null or absent: not a tool call. Each call's `requestor` should be the message's role. */
  tool_calls?: ToolCall[] | null;
}

/** A tool's answer (`ToolMessage`): `id` is the call's id; `content` and `error` as `get_response` gave them. */
export interface Tau2ToolMessage {
  role: 'tool';
  id: string;
  content: string | null;
  requestor: Requestor;
  error: boolean;
}

/** One message of a trajectory. */
export type Tau2Message = Tau2SystemMessage | Tau2ParticipantMessage | Tau2ToolMessage;

/**
 * The trajectory as `Environment.set_state` replays it (the predicted environment of the DB check): a copy, as
 * tau2 deep-copies it, so no tool can change the arguments the action check reads afterwards.
 */
export function toHistory(messages: readonly Tau2Message[]): HistoryMessage[] {
  return messages.map((m): HistoryMessage => {
    if (m.role === 'tool') return { role: 'tool', id: m.id, content: m.content };
    if (m.role === 'system') return { role: 'system', content: m.content };
    const calls = m.tool_calls?.map((c) => ({ ...c, arguments: modelDump(c.arguments) as PyDict }));
    return { role: m.role, content: m.content ?? null, tool_calls: calls ?? null };
  });
}
