/**
 * One task trial: the agent ↔ user ↔ tools loop with `call_expert` routing, its ending conditions, the
 * evaluation, and the trace (task → step → chat / execute_tool spans). Each trial is the root of its own trace.
 */
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type OpenAI from 'openai';
import { AGENT_GREETING, CALL_EXPERT, callExpertTool, STOP, TRANSFER } from '../domains/protocol.js';
import { Tau2EvaluationError } from '../domains/tau2/evaluate/evaluate.js';
import type { Tau2Play } from '../domains/tau2/play.js';
import type { Domain, DomainEnvironment, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { LlmError } from '../llm/errors.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, Kind, type LlmKind, SpanName } from '../telemetry/names.js';
import { type Evaluation, evaluate, JudgeFormatError, type MadeCall, recordEvaluation } from './evaluator.js';
import { agentSystemPrompt, expertSystemPrompt, userSystemPrompt } from './prompts.js';
import { createTau2Conversation, type Tau2Conversation } from './tau2-conversation.js';
import { scoreTau2Trial } from './tau2-scoring.js';

/**
 * Why a trial ended: tau2's reasons (`user_stop`, `agent_stop`, `max_steps`, `too_many_errors`, `agent_error`,
 * `user_error`), the transfer, and the endings of ours: an expert, the judge or the harness itself failed, the
 * trial ran past `--task-timeout`, or the run was cancelled under it.
 */
export type TerminationReason =
  | 'user_stop'
  | 'user_transfer'
  | 'agent_stop'
  | 'max_steps'
  | 'too_many_errors'
  | 'agent_error'
  | 'user_error'
  | 'expert_error'
  | 'evaluator_error'
  | 'timeout'
  | 'harness_error'
  | 'cancelled';

/**
 * Endings in which a component failed, not the agent: the trial was not played or scored to its end, so its
 * reward says nothing about the agent. They are recorded (with their trace) and `--resume` runs them again.
 */
const FAILED: ReadonlySet<TerminationReason> = new Set([
  'agent_error',
  'user_error',
  'expert_error',
  'evaluator_error',
  'timeout',
  'harness_error',
]);

/** True when the trial ended because a component failed (see {@link TerminationReason}). */
export function trialFailed(r: { termination_reason: TerminationReason }): boolean {
  return FAILED.has(r.termination_reason);
}

/** Parameters shared by every trial of a run. */
export interface TrialSettings {
  agentModel: string;
  userModel: string;
  judgeModel: string;
  expertMapping: Record<string, string>;
  useModelTool: boolean;
  maxSteps: number;
  maxErrors: number;
  captureContent: boolean;
  /** Wall-clock limit of one trial in milliseconds (0: none). */
  taskTimeoutMs: number;
}

/** What a trial needs to run. */
export interface TrialInput {
  domain: Domain;
  task: Task;
  trial: number;
  settings: TrialSettings;
  tracer: Tracer;
  chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult>;
  signal?: AbortSignal;
  /** Sees every successful LLM call (live progress figures). */
  onLlmCall?(kind: LlmKind, result: ChatResult): void;
}

/** One row of results.json. */
export interface TrialResult {
  task_id: string;
  domain: string;
  trial: number;
  reward: number;
  steps: number;
  termination_reason: TerminationReason;
  duration_ms: number;
  started_at: string;
  ended_at: string;
  trace_id: string;
  llm_calls: number;
  tool_calls: number;
  tool_errors: number;
  evaluation: { name: string; score: number; explanation: string }[];
  /** What failed, for the endings of {@link trialFailed} (and a judge that answered nonsense). */
  error?: string;
  /** `error.type` of the failed LLM call (`503`, `timeout`, …), when an LLM call ended the trial. */
  error_type?: string;
}

type Role = 'user' | 'agent' | 'env' | 'evaluator';

/** Who made a call that failed, and so which ending its failure gives. */
type Caller = 'agent' | 'user' | 'expert' | 'evaluator';

const CALLER_ENDING: Record<Caller, TerminationReason> = {
  agent: 'agent_error',
  user: 'user_error',
  expert: 'expert_error',
  evaluator: 'evaluator_error',
};

/** The end of a trial, thrown from wherever it is decided and caught once, in {@link runTrial}. */
class Ended extends Error {
  constructor(
    readonly reason: TerminationReason,
    message?: string,
    readonly errorType?: string,
  ) {
    super(message ?? reason);
  }
}

function parseArgs(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one task trial to its end and evaluates it. Never throws: every failure of every component (an LLM
 * call of any role, the judge, a tool, the harness itself) becomes the trial's ending, decided in one place.
 */
export async function runTrial(input: TrialInput): Promise<TrialResult> {
  const { domain, task, settings, tracer } = input;
  const startedAt = new Date();
  const t0 = performance.now();
  const root = tracer.startSpan(
    SpanName.task,
    {
      root: true,
      startTime: epochMs(t0),
      attributes: {
        [Attr.kind]: Kind.task,
        [Attr.taskId]: task.id,
        [Attr.domain]: task.domain,
        [Attr.trial]: input.trial,
      },
    },
    ROOT_CONTEXT,
  );
  // The trial's identity travels with every call as W3C baggage (see the propagator in llm/client.ts).
  const baggage = propagation.createBaggage({
    [Attr.domain]: { value: task.domain },
    [Attr.taskId]: { value: task.id },
    [Attr.trial]: { value: String(input.trial) },
  });
  const rootCtx = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, root), baggage);

  // One signal for every call of this trial: the run's cancel or this trial's own deadline.
  const controller = new AbortController();
  let timedOut = false;
  const onRunAbort = () => controller.abort();
  if (input.signal?.aborted) controller.abort();
  input.signal?.addEventListener('abort', onRunAbort, { once: true });
  const deadline =
    settings.taskTimeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, settings.taskTimeoutMs)
      : undefined;
  const signal = controller.signal;
  /** The ending of a trial whose signal fired. */
  const interrupted = () =>
    timedOut
      ? new Ended('timeout', `the trial ran longer than --task-timeout (${settings.taskTimeoutMs / 1000} s)`)
      : new Ended('cancelled');

  /** The one decision of how an error ends the trial. */
  function endingOf(err: unknown, caller: Caller): Ended {
    if (err instanceof Ended) return err;
    if (signal.aborted) return interrupted();
    if (err instanceof LlmError) return new Ended(CALLER_ENDING[caller], err.message, err.errorType);
    if (err instanceof JudgeFormatError) return new Ended('evaluator_error', err.message, 'judge_format');
    // Where tau2's evaluation raises (a judge answer that is not its JSON, an env assertion that raises).
    if (err instanceof Tau2EvaluationError)
      return new Ended('evaluator_error', `${err.pyType}: ${err.message}`, 'tau2_evaluation');
    const e = err instanceof Error ? err : new Error(String(err));
    return new Ended('harness_error', `${e.name}: ${e.message}`, e.name);
  }

  const made: MadeCall[] = [];
  const transcript: string[] = [`assistant: ${AGENT_GREETING}`];
  let steps = 0;
  let llmCalls = 0;
  let toolCalls = 0;
  let toolErrors = 0;
  let consecutiveErrors = 0;

  const chat = async (request: ChatRequest, parent: Context, caller: Caller) => {
    llmCalls++;
    try {
      const result = await input.chat(request, parent, signal);
      input.onLlmCall?.(request.kind, result);
      return result;
    } catch (err) {
      throw endingOf(err, caller);
    }
  };

  /** One traced step; `limited: false` for the tau2 loop, which checks `max_steps` itself, as tau2 does. */
  async function step<T>(
    from: Role,
    body: (ctx: Context, span: Span) => Promise<T>,
    limited = true,
  ): Promise<T> {
    if (signal.aborted) throw interrupted();
    if (limited && steps >= settings.maxSteps) throw new Ended('max_steps');
    steps++;
    const span = tracer.startSpan(
      SpanName.step,
      {
        startTime: epochMs(),
        attributes: { [Attr.kind]: Kind.step, [Attr.stepIndex]: steps, [Attr.stepFrom]: from },
      },
      rootCtx,
    );
    try {
      return await body(trace.setSpan(rootCtx, span), span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end(epochMs());
    }
  }

  // Assigned first thing in the guarded block below: a domain that cannot set up is a harness_error too.
  let env!: DomainEnvironment;
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    ...domain.tools,
    ...(settings.useModelTool ? [callExpertTool] : []),
  ].map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
  }));
  const agentMsgs: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: agentSystemPrompt(domain, settings.useModelTool) },
    { role: 'assistant', content: AGENT_GREETING },
  ];
  // The user simulator sees the conversation from its side: the agent speaks as `user`.
  const userMsgs: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: userSystemPrompt(task) },
    { role: 'user', content: AGENT_GREETING },
  ];

  async function userTurn(): Promise<void> {
    const text = await step('user', async (ctx, span) => {
      span.setAttribute(Attr.stepTo, 'agent');
      const r = await chat(
        { kind: Kind.userSim, model: settings.userModel, messages: userMsgs },
        ctx,
        'user',
      );
      return r.content;
    });
    userMsgs.push({ role: 'assistant', content: text });
    agentMsgs.push({ role: 'user', content: text });
    transcript.push(`user: ${text}`);
    if (text.includes(STOP)) throw new Ended('user_stop');
    if (text.includes(TRANSFER)) throw new Ended('user_transfer');
  }

  async function callExpert(ctx: Context, args: Record<string, unknown> | undefined): Promise<string> {
    const expert = String(args?.expert ?? '');
    const model = settings.expertMapping[expert];
    if (!model) return `Error: unknown expert "${expert}"`;
    const r = await chat(
      {
        kind: Kind.expertCall,
        model,
        expertName: expert,
        messages: [
          { role: 'system', content: expertSystemPrompt(domain) },
          { role: 'user', content: String(args?.question ?? '') },
        ],
      },
      ctx,
      'expert',
    );
    return r.content;
  }

  /** Runs a domain tool inside its `execute_tool` span and counts it; `run` answers as the domain does. */
  function traceTool(
    ctx: Context,
    call: { id: string; name: string; arguments: string },
    run: () => { ok: boolean; content: string },
  ): { ok: boolean; content: string } {
    toolCalls++;
    const span = tracer.startSpan(
      SpanName.executeToolPrefix + call.name,
      {
        kind: SpanKind.INTERNAL,
        startTime: epochMs(),
        attributes: {
          [Attr.kind]: Kind.toolCall,
          [Attr.toolName]: call.name,
          [Attr.toolCallId]: call.id,
          ...(settings.captureContent ? { [Attr.toolCallArguments]: call.arguments } : {}),
        },
      },
      ctx,
    );
    try {
      const result = run();
      if (!result.ok) {
        toolErrors++;
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.content });
      }
      span.setAttribute(Attr.toolError, !result.ok);
      if (settings.captureContent) span.setAttribute(Attr.toolCallResult, result.content);
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end(epochMs());
    }
  }

  async function runTool(ctx: Context, call: ChatResult['toolCalls'][number]): Promise<string> {
    const args = parseArgs(call.arguments);
    if (call.name === CALL_EXPERT) return callExpert(ctx, args);
    const result = traceTool(ctx, call, () =>
      args
        ? env.execute(call.name, args)
        : { ok: false, content: `Error: arguments of ${call.name} are not valid JSON` },
    );
    if (args) made.push({ name: call.name, arguments: args });
    consecutiveErrors = result.ok ? 0 : consecutiveErrors + 1;
    return result.content;
  }

  /** Agent turns until the agent speaks to the user. */
  async function agentTurns(): Promise<void> {
    for (;;) {
      const r = await step('agent', async (ctx, span) => {
        const res = await chat(
          { kind: Kind.llmCall, model: settings.agentModel, messages: agentMsgs, tools },
          ctx,
          'agent',
        );
        span.setAttribute(Attr.stepTo, res.toolCalls.length > 0 ? 'env' : 'user');
        return res;
      });
      agentMsgs.push(r.message);
      if (r.toolCalls.length === 0) {
        userMsgs.push({ role: 'user', content: r.content });
        transcript.push(`assistant: ${r.content}`);
        if (r.content.includes(STOP)) throw new Ended('agent_stop');
        return;
      }
      transcript.push(
        `assistant: [tool calls] ${r.toolCalls.map((c) => `${c.name}(${c.arguments})`).join(', ')}`,
      );
      await step('env', async (ctx, span) => {
        span.setAttribute(Attr.stepTo, 'agent');
        for (const call of r.toolCalls) {
          const content = await runTool(ctx, call);
          agentMsgs.push({ role: 'tool', tool_call_id: call.id, content });
          transcript.push(`tool ${call.name}: ${content}`);
        }
      });
      if (consecutiveErrors >= settings.maxErrors) throw new Ended('too_many_errors');
    }
  }

  async function evaluateTrial(): Promise<Evaluation> {
    return step('env', async (ctx, span) => {
      span.setAttribute(Attr.stepTo, 'evaluator');
      if (tau2 && domain.tau2) {
        return scoreTau2Trial({
          play: domain.tau2,
          taskId: task.id,
          conversation: tau2,
          judgeModel: settings.judgeModel,
          chat: (request, parent) => chat(request, parent, 'evaluator'),
          parent: ctx,
        });
      }
      return evaluate({
        task,
        env,
        freshEnv: domain.createEnvironment(task),
        calls: made,
        transcript: transcript.join('\n'),
        judgeModel: settings.judgeModel,
        chat: (request, parent) => chat(request, parent, 'evaluator'),
        parent: ctx,
      });
    });
  }

  /**
   * The conversation as tau2's Orchestrator plays it (./tau2-conversation.ts), for a faithful port. Its
   * trajectory is tau2's message list, what tau2's evaluate_simulation reads.
   */
  let tau2: Tau2Conversation | undefined;
  async function playTau2(play: Tau2Play): Promise<never> {
    tau2 = createTau2Conversation({
      play,
      task,
      settings,
      step: (from, body) =>
        step(
          from,
          async (ctx, span) => {
            span.setAttribute(Attr.stepTo, await body(ctx));
          },
          false,
        ),
      chat: (request, ctx, caller) => chat(request, ctx, caller),
      tool: (ctx, call, run) => traceTool(ctx, call, run),
      expert: (ctx, args) => callExpert(ctx, args),
      made,
      transcript,
      end: (reason, message, errorType) => new Ended(reason, message, errorType),
    });
    env = tau2.environment;
    return tau2.run();
  }

  let ending: Ended;
  let evaluation: Evaluation | undefined;
  try {
    if (domain.tau2) {
      ending = await playTau2(domain.tau2).catch((err: unknown) => endingOf(err, 'agent'));
    } else {
      env = domain.createEnvironment(task);
      try {
        for (;;) {
          await userTurn();
          await agentTurns();
        }
      } catch (err) {
        ending = endingOf(err, 'agent');
      }
    }
    const conversationEnded = ['user_stop', 'user_transfer', 'agent_stop'].includes(ending.reason);
    if (conversationEnded) evaluation = await evaluateTrial();
  } catch (err) {
    ending = endingOf(err, 'evaluator');
    evaluation = undefined;
  } finally {
    clearTimeout(deadline);
    input.signal?.removeEventListener('abort', onRunAbort);
  }

  const reason = ending.reason;
  const error = ending.message !== reason ? ending.message : undefined;
  const reward = evaluation?.reward ?? 0;
  if (evaluation) recordEvaluation(root, evaluation);
  root.setAttributes({
    [Attr.taskReward]: reward,
    [Attr.taskTermination]: reason,
    [Attr.taskSteps]: steps,
    ...(ending.errorType !== undefined ? { [Attr.errorType]: ending.errorType } : {}),
  });
  if (FAILED.has(reason) || reason === 'cancelled') {
    root.setStatus({ code: SpanStatusCode.ERROR, message: error ?? reason });
  }
  const endedAt = new Date();
  const t1 = performance.now();
  root.end(epochMs(t1));
  return {
    task_id: task.id,
    domain: task.domain,
    trial: input.trial,
    reward,
    steps,
    termination_reason: reason,
    duration_ms: Math.round((t1 - t0) * 100) / 100,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    trace_id: root.spanContext().traceId,
    llm_calls: llmCalls,
    tool_calls: toolCalls,
    tool_errors: toolErrors,
    evaluation: evaluation?.parts ?? [],
    ...(error !== undefined ? { error } : {}),
    ...(ending.errorType !== undefined ? { error_type: ending.errorType } : {}),
  };
}
