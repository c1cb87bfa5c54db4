/**
 * One agent turn of a faithful tau2 domain with experts on (`--use-model-tool`), as the ToolOrchestra fork plays
 * it: the orchestrator's request, and when its reply calls `call_expert` with a known expert, the expert's
 * request, whose reply becomes the agent's message. The fork's bytes come from domains/tau2/orchestra; this
 * module does the I/O through the conversation's {@link OrchestraIO} and turns the fork's crashes into our
 * failed endings. See docs/tau2-fidelity.md, "ToolOrchestra expert routing".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import type { PyDict } from '../domains/tau2/env/python.js';
import { PyError } from '../domains/tau2/env/python.js';
import type { OpenAiToolSchema } from '../domains/tau2/env/schema.js';
import type { ConversationMessage, Tau2Turn } from '../domains/tau2/messages.js';
import {
  type AgentMessage,
  expertAnswer,
  expertRequest,
  type ModelReply,
  type OrchestraSettings,
  orchestratorRequest,
  readOrchestratorReply,
  type Tau2Message,
} from '../domains/tau2/orchestra/index.js';
import type { ChatRequest, ChatResult, WireBody } from '../llm/client.js';
import { Kind } from '../telemetry/names.js';
import type { TerminationReason } from './orchestrator.js';

/** What a turn needs from the conversation running it. */
export interface OrchestraIO {
  /** An LLM call; a failure ends the trial as the caller's error (it throws the ending). */
  chat(request: ChatRequest, ctx: Context, caller: 'agent' | 'expert'): Promise<ChatResult>;
  /** The error that ends the trial with `reason`. */
  end(reason: TerminationReason, message?: string, errorType?: string): Error;
}

/** What stays the same for every turn of a trial. */
export interface OrchestraSetup {
  settings: OrchestraSettings;
  /** The agent's system prompt (tau2's; the module rewrites it where the fork does). */
  systemPrompt: string;
  /** The domain's tools as the fork declares them (`forkDomainTools`). */
  domainTools: readonly OpenAiToolSchema[];
}

/** The fork's router job id for a task: `tau2:<domain>:<task id>:<8 random hex digits>`, drawn per trial. */
export const routerJobId = (domain: string, taskId: string): string =>
  `tau2:${domain}:${taskId}:${randomBytes(4).toString('hex')}`;

// The agent's state (tau2 messages the agent may see) in the module's shape.
function toOrchestra(m: ConversationMessage): Tau2Message {
  if (m.role === 'tool') return { role: 'tool', id: m.id, content: m.content };
  if (m.role === 'user') return { role: 'user', content: m.content };
  return {
    role: 'assistant',
    content: m.content,
    tool_calls: m.tool_calls?.map((c) => ({ id: c.id ?? '', name: c.name, arguments: c.arguments })) ?? null,
  };
}

// A reply as the fork reads it: a stream's text is every content and reasoning delta in arrival order
// (LLM_CALL's assembly); a whole completion keeps its reasoning apart, as the fallback for an empty text.
function modelReply(r: ChatResult): ModelReply {
  const tool_calls = r.toolCalls.length
    ? r.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } }))
    : null;
  return r.arrivalText !== undefined
    ? { content: r.arrivalText, tool_calls }
    : { content: r.content, reasoning_content: r.reasoning, tool_calls };
}

// The fork raises where a reply cannot become tau2's message (arguments that are no JSON object): our ending.
function read<T>(io: OrchestraIO, who: 'agent' | 'expert', body: () => T): T {
  try {
    return body();
  } catch (err) {
    const why = err instanceof PyError ? `${err.pyType}: ${err.message}` : String(err);
    const reason = who === 'agent' ? 'agent_error' : 'expert_error';
    throw io.end(reason, `the ${who}'s reply cannot become tau2's message: ${why}`, 'tool_arguments');
  }
}

const chatOf = (body: WireBody, extra: Omit<ChatRequest, 'model' | 'messages' | 'body'>): ChatRequest => ({
  ...extra,
  model: body.model,
  messages: body.messages as ChatRequest['messages'],
  body,
});

/**
 * Plays one agent turn on `state` (the agent's messages after its system prompt, without tau2's greeting: the
 * fork's agent never holds it) and resolves with the agent's message. Throws the trial's ending when a call
 * fails for good (`agent_error` for the orchestrator, `expert_error` for the expert: the fork crashes the task
 * there) or the fork would raise (`tool_arguments`, `expert_routing`).
 */
export async function orchestraTurn(
  io: OrchestraIO,
  ctx: Context,
  setup: OrchestraSetup,
  state: readonly ConversationMessage[],
): Promise<Tau2Turn> {
  const { settings, domainTools } = setup;
  const conversation: Tau2Message[] = [
    { role: 'system', content: setup.systemPrompt },
    ...state.map(toOrchestra),
  ];
  const body = orchestratorRequest(conversation, domainTools, settings);
  const reply = await io.chat(chatOf(body, { kind: Kind.llmCall }), ctx, 'agent');
  const turn = read(io, 'agent', () => readOrchestratorReply(modelReply(reply), settings));
  let message: AgentMessage;
  if (turn.kind === 'message') {
    message = turn.message;
  } else {
    let request: ReturnType<typeof expertRequest>;
    try {
      request = expertRequest(conversation, domainTools, turn.model, settings);
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      // An expert model the fork cannot route (or a conversation it cannot convert): the task crashes there.
      throw io.end(
        'expert_error',
        `${turn.expert} (${turn.model}): ${err.pyType}: ${err.message}`,
        'expert_routing',
      );
    }
    const answer = await io.chat(
      chatOf(request.body, { kind: Kind.expertCall, expertName: turn.expert }),
      ctx,
      'expert',
    );
    message = read(io, 'expert', () => expertAnswer(modelReply(answer)));
  }
  return {
    role: 'assistant',
    content: message.content,
    // The fork gives every call a fresh uuid4.
    tool_calls:
      message.toolCalls?.map((c) => ({
        id: randomUUID(),
        name: c.name,
        arguments: c.arguments as PyDict,
        requestor: 'assistant' as const,
      })) ?? null,
  };
}
