/**
 * One conversation as tau2's half-duplex `Orchestrator` plays it (orchestrator/orchestrator.py, `LLMAgent`,
 * `UserSimulator`): the agent's greeting or the task's message history first, then steps that pass one
 * message from one role to the next (agent → user or env, user → agent or env, env → whoever called), a
 * `sync_tools()` after every step, and tau2's termination checks after every step that does not go to the
 * environment. The models see exactly what tau2 sends; the trajectory is tau2's message list. Tracing,
 * LLM calls and endings belong to the trial (./trial-context.ts, wired in ./orchestrator.ts), reached through
 * {@link Tau2IO}. With `useModelTool` each agent turn is the ToolOrchestra fork's (./tau2-orchestra-turn.ts),
 * else tau2's LLMAgent.
 * Decisions where the harness differs from tau2 are listed in docs/tau2-fidelity.md, "Simulation".
 */
import { existsSync } from 'node:fs';
import type { Context } from '@opentelemetry/api';
import { AGENT_GREETING, OUT_OF_SCOPE, STOP, TRANSFER } from '../domains/protocol.js';
import type { Tau2Environment, ToolCall } from '../domains/tau2/env/environment.js';
import type { TerminationReason as Tau2TerminationReason } from '../domains/tau2/evaluate/reward-info.js';
import {
  agentSees,
  agentWire,
  type ConversationMessage,
  hasText,
  isToolCall,
  parseToolArguments,
  type Tau2ToolResult,
  type Tau2Turn,
  userSees,
  userWire,
} from '../domains/tau2/messages.js';
import { forkDomainTools } from '../domains/tau2/orchestra/index.js';
import type { Tau2Play, Tau2UserSetup } from '../domains/tau2/play.js';
import type { DomainEnvironment, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { Kind } from '../telemetry/names.js';
import { dumpsPy } from '../util/pyjson.js';
import type { MadeCall } from './evaluator.js';
import type { TerminationReason, TrialSettings } from './orchestrator.js';
import { type OrchestraSetup, orchestraTurn, routerJobId } from './tau2-orchestra-turn.js';

/** tau2's roles of a step. */
export type Tau2Role = 'agent' | 'user' | 'env';

/** What the conversation needs from the orchestrator running it. */
export interface Tau2IO {
  play: Tau2Play;
  task: Task;
  settings: TrialSettings;
  /** One traced step from `from`; `body` returns the role the step's message goes to. */
  step(from: Tau2Role, body: (ctx: Context) => Promise<Tau2Role>): Promise<void>;
  /** An LLM call; a failure ends the trial as the caller's error (it throws the ending). */
  chat(request: ChatRequest, ctx: Context, caller: 'agent' | 'user' | 'expert'): Promise<ChatResult>;
  /** Runs a tool call inside its span. */
  tool(
    ctx: Context,
    call: { id: string; name: string; arguments: string },
    run: () => { ok: boolean; content: string },
  ): { ok: boolean; content: string };
  /** Tool calls made, for today's evaluator's action check. */
  made: MadeCall[];
  /** The transcript today's judge reads; rewritten from the start. */
  transcript: string[];
  /** The error that ends the trial with `reason` (thrown by the conversation). */
  end(reason: TerminationReason, message?: string, errorType?: string): Error;
}

/** A conversation, ready to run. */
export interface Tau2Conversation {
  /** The trial's environment as today's evaluator reads it. */
  readonly environment: DomainEnvironment;
  /** Plays to the end; always throws the ending (`io.end(...)` or an LLM call's). */
  run(): Promise<never>;
  /** tau2's message list so far (`SimulationRun.messages`). */
  trajectory(): readonly ConversationMessage[];
  /**
   * tau2's `TerminationReason` once the conversation has ended by itself (`user_stop` also for a transfer);
   * undefined while it runs and when a failure ended it (tau2 would crash; see docs/tau2-fidelity.md).
   */
  terminationReason(): Tau2TerminationReason | undefined;
}

/** The endings the loop decides itself (failures end it through `io.end` where they happen). */
type LoopEnding = Extract<TerminationReason, 'user_stop' | 'user_transfer' | 'max_steps' | 'too_many_errors'>;

// Those endings as tau2 names them.
const TAU2_REASON: Record<LoopEnding, Tau2TerminationReason> = {
  user_stop: 'user_stop',
  user_transfer: 'user_stop',
  max_steps: 'max_steps',
  too_many_errors: 'too_many_errors',
};

// `UserSimulator.is_stop`: any of tau2's three tokens in a text message.
const userStops = (m: Tau2Turn): boolean =>
  !isToolCall(m) && m.content !== null && [STOP, TRANSFER, OUT_OF_SCOPE].some((t) => m.content!.includes(t));

/** The ToolOrchestra fork's agent for this trial when experts are on; without, the agent is tau2's LLMAgent. */
function orchestraOf({ play, task, settings }: Tau2IO): OrchestraSetup | undefined {
  if (!settings.useModelTool) return undefined;
  return {
    settings: {
      orchestratorModel: settings.agentModel,
      orchestratorIsLocalPath: settings.orchestratorIsLocalPath ?? existsSync(settings.agentModel),
      ossMapping: settings.expertMapping,
      jobId: routerJobId(task.domain, task.id),
      // The fork with its profiling switches on (the only way it measures TTFT), for any agent model.
      streamOrchestrator: true,
      streamAnyOrchestrator: true,
      streamExperts: true,
    },
    systemPrompt: play.agentSystemPrompt,
    domainTools: forkDomainTools(task.domain, play.agentTools),
  };
}

/** One line of the transcript today's judge reads. */
function transcriptLine(m: ConversationMessage): string {
  if (m.role === 'tool') return `tool: ${m.content}`;
  if (m.tool_calls)
    return `${m.role}: [tool calls] ${m.tool_calls.map((c) => `${c.name}(${dumpsPy(c.arguments)})`).join(', ')}`;
  return `${m.role}: ${m.content ?? ''}`;
}

/** A model's answer as tau2's `generate` builds the message, or why tau2 would raise on it. */
function received(
  r: ChatResult,
  role: 'assistant' | 'user',
): Tau2Turn | { invalid: string; errorType: string } {
  const calls: ToolCall[] = [];
  for (const c of r.toolCalls) {
    const args = parseToolArguments(c.arguments);
    if ('error' in args) {
      return {
        invalid: `tool call ${c.name} has arguments tau2 cannot read (${args.error}): ${JSON.stringify(c.arguments)}`,
        errorType: 'tool_arguments',
      };
    }
    calls.push({ id: c.id, name: c.name, arguments: args.arguments, requestor: role });
  }
  const m: Tau2Turn = {
    role,
    content: r.content === '' && calls.length > 0 ? null : r.content,
    tool_calls: calls.length > 0 ? calls : null,
  };
  // `Message.validate()`: neither text nor tool calls.
  if (!hasText(m) && !isToolCall(m)) return { invalid: 'sent an empty message', errorType: 'empty_message' };
  return m;
}

const take = (state: ConversationMessage[], incoming: ConversationMessage | Tau2ToolResult[]) => {
  if (Array.isArray(incoming)) state.push(...incoming);
  else state.push(incoming);
};

/** Where a conversation stands between two steps. */
interface Position {
  /** tau2's message list so far. */
  trajectory: ConversationMessage[];
  /** What the agent and the user have seen, each filtered to what it may see. */
  agentState: ConversationMessage[];
  userState: ConversationMessage[];
  /** The message in flight, from `from` to `to` (several tool messages travel together). */
  message: ConversationMessage | Tau2ToolResult[];
  from: Tau2Role;
  to: Tau2Role;
  done: LoopEnding | undefined;
}

/**
 * The start of tau2's `Orchestrator.initialize`: the agent's greeting to the user, or the task's message
 * history with its last message as the first step's input. `forkAgent`: the agent is the ToolOrchestra fork's.
 */
function startPosition(history: ConversationMessage[], forkAgent: boolean): Position {
  const last = history.at(-1);
  if (last === undefined) {
    const greeting: Tau2Turn = { role: 'assistant', content: AGENT_GREETING, tool_calls: null };
    // The fork's agent state never holds the greeting (quirk O9): its first request is [system, user].
    const agentState = forkAgent ? [] : [greeting];
    return {
      trajectory: [greeting],
      agentState,
      userState: [],
      message: greeting,
      from: 'agent',
      to: 'user',
      done: undefined,
    };
  }
  let from: Tau2Role;
  let to: Tau2Role;
  let done: LoopEnding | undefined;
  if (last.role === 'tool') {
    from = 'env';
    to = last.requestor === 'assistant' ? 'agent' : 'user';
  } else {
    from = last.role === 'assistant' ? 'agent' : 'user';
    to = isToolCall(last) ? 'env' : from === 'agent' ? 'user' : 'agent';
    if (from === 'user' && userStops(last)) done = 'user_stop';
  }
  // The side the last message is for gets all but it (it arrives as the first step's input), the other
  // side all of it; each keeps only what it may see. (A last tool call's sender keeps it; the other side
  // would filter it out either way.)
  const upTo = (side: Tau2Role) => (to === side ? history.slice(0, -1) : history);
  return {
    trajectory: [...history],
    agentState: upTo('agent').filter(agentSees),
    userState: upTo('user').filter(userSees),
    message: last,
    from,
    to,
    done,
  };
}

/** The conversation's loop and its steps; its position changes with every step. */
class Conversation implements Tau2Conversation {
  readonly environment: DomainEnvironment;
  private readonly env: Tau2Environment;
  private readonly user: Tau2UserSetup;
  private readonly orchestra: OrchestraSetup | undefined;
  private readonly at: Position;
  private stepCount = 0;
  private numErrors = 0;

  constructor(private readonly io: Tau2IO) {
    const { env, history } = io.play.start(io.task.id);
    this.env = env;
    this.user = io.play.user(io.task.id);
    this.orchestra = orchestraOf(io);
    io.transcript.length = 0;
    this.at = startPosition(history, this.orchestra !== undefined);
    for (const m of this.at.trajectory) io.transcript.push(transcriptLine(m));
    this.environment = {
      execute(name, args, requestor = 'assistant') {
        const r = env.getResponse({ name, arguments: args as ToolCall['arguments'], requestor });
        return { ok: !r.error, content: r.content };
      },
      dbHash: () => env.dbHash(),
    };
  }

  trajectory(): readonly ConversationMessage[] {
    return this.at.trajectory;
  }

  terminationReason(): Tau2TerminationReason | undefined {
    return this.at.done === undefined ? undefined : TAU2_REASON[this.at.done];
  }

  async run(): Promise<never> {
    const { at, io, env } = this;
    while (at.done === undefined) {
      await io.step(at.from, (ctx) =>
        at.to === 'user' ? this.userStep(ctx) : at.to === 'agent' ? this.agentStep(ctx) : this.envStep(ctx),
      );
      this.stepCount++;
      env.sync();
      // `_check_termination`: skipped while a message waits for the environment; it overrides a stop.
      if (at.to !== 'env') {
        if (this.stepCount >= io.settings.maxSteps) at.done = 'max_steps';
        if (this.numErrors >= io.settings.maxErrors) at.done = 'too_many_errors';
      }
    }
    throw io.end(at.done);
  }

  /** Records a step's message as sent from `from`; returns the role it goes to. */
  private sent(msg: ConversationMessage | Tau2ToolResult[], from: Tau2Role, to: Tau2Role): Tau2Role {
    this.at.message = msg;
    this.at.from = from;
    this.at.to = to;
    return to;
  }

  private note(m: ConversationMessage): void {
    this.at.trajectory.push(m);
    this.io.transcript.push(transcriptLine(m));
  }

  private async userStep(ctx: Context): Promise<Tau2Role> {
    const { at, io, user } = this;
    // The user skips an empty message, as `UserSimulator._generate_next_message` does.
    const m = at.message;
    if (Array.isArray(m) || m.role === 'tool' || hasText(m) || isToolCall(m)) take(at.userState, m);
    const r = await io.chat(
      {
        kind: Kind.userSim,
        model: io.settings.userModel,
        messages: [{ role: 'system', content: user.systemPrompt }, ...userWire(at.userState)],
        ...(user.tools ? { tools: user.tools } : {}),
        temperature: 0,
      },
      ctx,
      'user',
    );
    const msg = received(r, 'user');
    if ('invalid' in msg) throw io.end('user_error', `the user simulator ${msg.invalid}`, msg.errorType);
    if (userStops(msg))
      at.done =
        msg.content!.includes(TRANSFER) && !msg.content!.includes(STOP) ? 'user_transfer' : 'user_stop';
    at.userState.push(msg);
    this.note(msg);
    return this.sent(msg, 'user', isToolCall(msg) ? 'env' : 'agent');
  }

  /** tau2's LLMAgent: one request, its answer is the agent's message. */
  private async llmAgentTurn(ctx: Context): Promise<Tau2Turn> {
    const { io } = this;
    const r = await io.chat(
      {
        kind: Kind.llmCall,
        model: io.settings.agentModel,
        messages: [{ role: 'system', content: io.play.agentSystemPrompt }, ...agentWire(this.at.agentState)],
        tools: io.play.agentTools,
        temperature: 0,
      },
      ctx,
      'agent',
    );
    const msg = received(r, 'assistant');
    if ('invalid' in msg) throw io.end('agent_error', `the agent ${msg.invalid}`, msg.errorType);
    return msg;
  }

  private async agentStep(ctx: Context): Promise<Tau2Role> {
    const { at, orchestra } = this;
    take(at.agentState, at.message);
    const msg = orchestra
      ? await orchestraTurn(this.io, ctx, orchestra, at.agentState)
      : await this.llmAgentTurn(ctx);
    at.agentState.push(msg);
    this.note(msg);
    return this.sent(msg, 'agent', isToolCall(msg) ? 'env' : 'user');
  }

  private async envStep(ctx: Context): Promise<Tau2Role> {
    const { at, io, env } = this;
    const results: Tau2ToolResult[] = [];
    for (const call of (at.message as Tau2Turn).tool_calls ?? []) {
      const id = call.id ?? '';
      // A `call_expert` the fork left in the agent's message (an unknown expert) is a tool like any other here.
      const r = io.tool(ctx, { id, name: call.name, arguments: dumpsPy(call.arguments) }, () => {
        const res = env.getResponse(call);
        return { ok: !res.error, content: res.content };
      });
      io.made.push({ name: call.name, arguments: call.arguments as Record<string, unknown> });
      // `_execute_tool_calls`: every tool error counts, in a row or not.
      if (!r.ok) this.numErrors++;
      const result: Tau2ToolResult = {
        role: 'tool',
        id,
        content: r.content,
        requestor: call.requestor,
        error: !r.ok,
      };
      results.push(result);
      this.note(result);
    }
    // The results go back to whoever called.
    return this.sent(results.length === 1 ? results[0]! : results, 'env', at.from);
  }
}

/** Sets the trial up (tau2's `Orchestrator.initialize`); a set-up that raises throws its `PyError`. */
export function createTau2Conversation(io: Tau2IO): Tau2Conversation {
  return new Conversation(io);
}
