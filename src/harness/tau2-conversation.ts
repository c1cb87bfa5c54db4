/**
 * One conversation as tau2's half-duplex `Orchestrator` plays it (orchestrator/orchestrator.py, `LLMAgent`,
 * `UserSimulator`): the agent's greeting or the task's message history first, then steps that pass one
 * message from one role to the next (agent → user or env, user → agent or env, env → whoever called), a
 * `sync_tools()` after every step, and tau2's termination checks after every step that does not go to the
 * environment. The models see exactly what tau2 sends; the trajectory is tau2's message list. Tracing,
 * LLM calls and endings belong to the orchestrator (./orchestrator.ts), reached through {@link Tau2IO}. With
 * `--use-model-tool` each agent turn is the ToolOrchestra fork's (./tau2-orchestra-turn.ts), else tau2's LLMAgent.
 * Decisions where the harness differs from tau2 are listed in docs/tau2-fidelity.md, "Simulation".
 */
import { existsSync } from 'node:fs';
import type { Context } from '@opentelemetry/api';
import { AGENT_GREETING, OUT_OF_SCOPE, STOP, TRANSFER } from '../domains/protocol.js';
import type { ToolCall } from '../domains/tau2/env/environment.js';
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
import type { Tau2Play } from '../domains/tau2/play.js';
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

/** Sets the trial up (tau2's `Orchestrator.initialize`); a set-up that raises throws its `PyError`. */
export function createTau2Conversation(io: Tau2IO): Tau2Conversation {
  const { play, task, settings } = io;
  const { env, history } = play.start(task.id);
  const user = play.user(task.id);
  // With experts on, the agent is the ToolOrchestra fork's (./tau2-orchestra-turn.ts); without, tau2's LLMAgent.
  const orchestra: OrchestraSetup | undefined = settings.useModelTool
    ? {
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
      }
    : undefined;
  const trajectory: ConversationMessage[] = [];
  let agentState: ConversationMessage[];
  let userState: ConversationMessage[];
  // The message in flight, from `from` to `to` (several tool messages travel together).
  let message: ConversationMessage | Tau2ToolResult[];
  let from: Tau2Role;
  let to: Tau2Role;
  let done: LoopEnding | undefined;
  let stepCount = 0;
  let numErrors = 0;

  io.transcript.length = 0;
  const note = (m: ConversationMessage) => {
    if (m.role === 'tool') io.transcript.push(`tool: ${m.content}`);
    else if (m.tool_calls)
      io.transcript.push(
        `${m.role}: [tool calls] ${m.tool_calls.map((c) => `${c.name}(${dumpsPy(c.arguments)})`).join(', ')}`,
      );
    else io.transcript.push(`${m.role}: ${m.content ?? ''}`);
  };

  const last = history.at(-1);
  if (last === undefined) {
    const greeting: Tau2Turn = { role: 'assistant', content: AGENT_GREETING, tool_calls: null };
    trajectory.push(greeting);
    // The fork's agent state never holds the greeting (quirk O9): its first request is [system, user].
    agentState = orchestra ? [] : [greeting];
    userState = [];
    message = greeting;
    from = 'agent';
    to = 'user';
  } else {
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
    agentState = upTo('agent').filter(agentSees);
    userState = upTo('user').filter(userSees);
    trajectory.push(...history);
    message = last;
  }
  for (const m of trajectory) note(m);

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
    if (!hasText(m) && !isToolCall(m))
      return { invalid: 'sent an empty message', errorType: 'empty_message' };
    return m;
  }

  const take = (state: ConversationMessage[], incoming: ConversationMessage | Tau2ToolResult[]) => {
    if (Array.isArray(incoming)) state.push(...incoming);
    else state.push(incoming);
  };

  async function userStep(ctx: Context): Promise<Tau2Role> {
    // The user skips an empty message, as `UserSimulator._generate_next_message` does.
    const m = message;
    if (Array.isArray(m) || m.role === 'tool' || hasText(m) || isToolCall(m)) take(userState, m);
    const r = await io.chat(
      {
        kind: Kind.userSim,
        model: settings.userModel,
        messages: [{ role: 'system', content: user.systemPrompt }, ...userWire(userState)],
        ...(user.tools ? { tools: user.tools } : {}),
        temperature: 0,
      },
      ctx,
      'user',
    );
    const msg = received(r, 'user');
    if ('invalid' in msg) throw io.end('user_error', `the user simulator ${msg.invalid}`, msg.errorType);
    if (userStops(msg))
      done = msg.content!.includes(TRANSFER) && !msg.content!.includes(STOP) ? 'user_transfer' : 'user_stop';
    userState.push(msg);
    trajectory.push(msg);
    note(msg);
    message = msg;
    from = 'user';
    to = isToolCall(msg) ? 'env' : 'agent';
    return to;
  }

  /** tau2's LLMAgent: one request, its answer is the agent's message. */
  async function llmAgentTurn(ctx: Context): Promise<Tau2Turn> {
    const r = await io.chat(
      {
        kind: Kind.llmCall,
        model: settings.agentModel,
        messages: [{ role: 'system', content: play.agentSystemPrompt }, ...agentWire(agentState)],
        tools: play.agentTools,
        temperature: 0,
      },
      ctx,
      'agent',
    );
    const msg = received(r, 'assistant');
    if ('invalid' in msg) throw io.end('agent_error', `the agent ${msg.invalid}`, msg.errorType);
    return msg;
  }

  async function agentStep(ctx: Context): Promise<Tau2Role> {
    take(agentState, message);
    const msg = orchestra ? await orchestraTurn(io, ctx, orchestra, agentState) : await llmAgentTurn(ctx);
    agentState.push(msg);
    trajectory.push(msg);
    note(msg);
    message = msg;
    from = 'agent';
    to = isToolCall(msg) ? 'env' : 'user';
    return to;
  }

  async function envStep(ctx: Context): Promise<Tau2Role> {
    const m = message as Tau2Turn;
    const results: Tau2ToolResult[] = [];
    for (const call of m.tool_calls ?? []) {
      const id = call.id ?? '';
      // A `call_expert` the fork left in the agent's message (an unknown expert) is a tool like any other here.
      const r = io.tool(ctx, { id, name: call.name, arguments: dumpsPy(call.arguments) }, () => {
        const res = env.getResponse(call);
        return { ok: !res.error, content: res.content };
      });
      const content = r.content;
      const error = !r.ok;
      io.made.push({ name: call.name, arguments: call.arguments as Record<string, unknown> });
      // `_execute_tool_calls`: every tool error counts, in a row or not.
      if (error) numErrors++;
      const result: Tau2ToolResult = { role: 'tool', id, content, requestor: call.requestor, error };
      results.push(result);
      trajectory.push(result);
      note(result);
    }
    message = results.length === 1 ? results[0]! : results;
    to = from;
    from = 'env';
    return to;
  }

  return {
    environment: {
      execute(name, args, requestor = 'assistant') {
        const r = env.getResponse({ name, arguments: args as ToolCall['arguments'], requestor });
        return { ok: !r.error, content: r.content };
      },
      dbHash: () => env.dbHash(),
    },
    trajectory: () => trajectory,
    terminationReason: () => (done === undefined ? undefined : TAU2_REASON[done]),
    async run(): Promise<never> {
      while (done === undefined) {
        await io.step(from, (ctx) =>
          to === 'user' ? userStep(ctx) : to === 'agent' ? agentStep(ctx) : envStep(ctx),
        );
        stepCount++;
        env.sync();
        // `_check_termination`: skipped while a message waits for the environment; it overrides a stop.
        if (to !== 'env') {
          if (stepCount >= settings.maxSteps) done = 'max_steps';
          if (numErrors >= settings.maxErrors) done = 'too_many_errors';
        }
      }
      throw io.end(done);
    },
  };
}
