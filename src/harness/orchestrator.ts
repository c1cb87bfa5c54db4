/**
 * One task trial: the agent ↔ user ↔ tools loop with `call_expert` routing, its ending conditions, the
 * evaluation, and the trace (task → step → chat / execute_tool spans). Each trial is the root of its own trace.
 */
import { type Context, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Tau2Play } from '../domains/tau2/play.js';
import type { Domain, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, type LlmKind } from '../telemetry/names.js';
import { type Evaluation, evaluate, recordEvaluation } from './evaluator.js';
import { playPlain } from './plain-conversation.js';
import { createTau2Conversation } from './tau2-conversation.js';
import { scoreTau2Trial } from './tau2-scoring.js';
import { TrialContext } from './trial-context.js';
import { Ended } from './trial-ending.js';

/**
 * Why a trial ended: tau2's reasons (`user_stop`, `agent_stop`, `max_steps`, `too_many_errors`, `agent_error`,
 * `user_error`), the transfer, and the endings of ours: an expert, the judge or the harness itself failed, the
 * trial ran past its `taskTimeout`, or the run was cancelled under it.
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
  /**
   * Whether the agent model is a local checkpoint: the ToolOrchestra fork sends its orchestrator tools only
   * then (quirk O7). Default: whether `agentModel` names an existing path, as the fork decides; the embedded
   * run's simulated orchestrator counts as one.
   */
  orchestratorIsLocalPath?: boolean;
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

/** The endings after which the conversation is evaluated: it ended by itself. */
const CONVERSATION_ENDINGS: ReadonlySet<TerminationReason> = new Set([
  'user_stop',
  'user_transfer',
  'agent_stop',
]);

/**
 * Runs one task trial to its end and evaluates it. Never throws: every failure of every component (an LLM
 * call of any role, the judge, a tool, the harness itself) becomes the trial's ending, decided in one place
 * (`TrialEndings.of`, ./trial-ending.ts).
 */
export async function runTrial(input: TrialInput): Promise<TrialResult> {
  const t = new TrialContext(input);
  let ending: Ended;
  let evaluation: Evaluation | undefined;
  try {
    ending = await play(t);
    if (CONVERSATION_ENDINGS.has(ending.reason)) evaluation = await evaluateTrial(t);
  } catch (err) {
    ending = t.endings.of(err, 'evaluator');
    evaluation = undefined;
  } finally {
    t.endings.dispose();
  }
  return finishTrial(t, ending, evaluation);
}

/**
 * Sets the domain up and plays the conversation to its ending. A domain that cannot set up is a
 * harness_error too: a tau2 port's set-up runs inside the conversation, any other's throws to `runTrial`.
 */
async function play(t: TrialContext): Promise<Ended> {
  const { domain, task } = t.input;
  if (domain.tau2) return playTau2(t, domain.tau2).catch((err: unknown) => t.endings.of(err, 'agent'));
  t.env = domain.createEnvironment(task);
  return playPlain(t).catch((err: unknown) => t.endings.of(err, 'agent'));
}

/**
 * The conversation as tau2's Orchestrator plays it (./tau2-conversation.ts), for a faithful port. Its
 * trajectory is tau2's message list, what tau2's evaluate_simulation reads.
 */
async function playTau2(t: TrialContext, tau2Play: Tau2Play): Promise<never> {
  const tau2 = createTau2Conversation({
    play: tau2Play,
    task: t.input.task,
    settings: t.settings,
    step: (from, body) =>
      t.step(
        from,
        async (ctx, span) => {
          span.setAttribute(Attr.stepTo, await body(ctx));
        },
        false,
      ),
    chat: (request, ctx, caller) => t.chat(request, ctx, caller),
    tool: (ctx, call, run) => t.traceTool(ctx, call, run),
    made: t.made,
    transcript: t.transcript,
    end: (reason, message, errorType) => new Ended(reason, message, errorType),
  });
  t.tau2 = tau2;
  t.env = tau2.environment;
  return tau2.run();
}

/** Scores a conversation that ended by itself: tau2's scoring for a tau2 port, else today's evaluator. */
async function evaluateTrial(t: TrialContext): Promise<Evaluation> {
  const { domain, task } = t.input;
  return t.step('env', async (ctx, span) => {
    span.setAttribute(Attr.stepTo, 'evaluator');
    const chat = (request: ChatRequest, parent: Context) => t.chat(request, parent, 'evaluator');
    if (t.tau2 && domain.tau2) {
      return scoreTau2Trial({
        play: domain.tau2,
        taskId: task.id,
        conversation: t.tau2,
        judgeModel: t.settings.judgeModel,
        chat,
        parent: ctx,
      });
    }
    return evaluate({
      task,
      env: t.env,
      freshEnv: domain.createEnvironment(task),
      calls: t.made,
      transcript: t.transcript.join('\n'),
      judgeModel: t.settings.judgeModel,
      chat,
      parent: ctx,
    });
  });
}

/** Records the ending and the evaluation on the task span, ends it, and returns the trial's row. */
function finishTrial(t: TrialContext, ending: Ended, evaluation: Evaluation | undefined): TrialResult {
  const { root, input } = t;
  const reason = ending.reason;
  const error = ending.message !== reason ? ending.message : undefined;
  const reward = evaluation?.reward ?? 0;
  if (evaluation) recordEvaluation(root, evaluation);
  root.setAttributes({
    [Attr.taskReward]: reward,
    [Attr.taskTermination]: reason,
    [Attr.taskSteps]: t.steps,
    ...(ending.errorType !== undefined ? { [Attr.errorType]: ending.errorType } : {}),
  });
  if (FAILED.has(reason) || reason === 'cancelled') {
    root.setStatus({ code: SpanStatusCode.ERROR, message: error ?? reason });
  }
  const endedAt = new Date();
  const t1 = performance.now();
  root.end(epochMs(t1));
  return {
    task_id: input.task.id,
    domain: input.task.domain,
    trial: input.trial,
    reward,
    steps: t.steps,
    termination_reason: reason,
    duration_ms: Math.round((t1 - t.t0) * 100) / 100,
    started_at: t.startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    trace_id: root.spanContext().traceId,
    llm_calls: t.llmCalls,
    tool_calls: t.toolCalls,
    tool_errors: t.toolErrors,
    evaluation: evaluation?.parts ?? [],
    ...(error !== undefined ? { error } : {}),
    ...(ending.errorType !== undefined ? { error_type: ending.errorType } : {}),
  };
}
