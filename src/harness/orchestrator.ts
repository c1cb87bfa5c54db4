/**
 * One task trial: the agent ↔ user ↔ tools loop with `call_expert` routing, its ending conditions, the
 * evaluation, and the trace (task → step → chat / execute_tool spans). Each trial is the root of its own trace.
 */
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type OpenAI from 'openai';
import { AGENT_GREETING, CALL_EXPERT, callExpertTool, STOP, TRANSFER } from '../domains/protocol.js';
import type { Domain, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { LlmError } from '../llm/errors.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, Kind, type LlmKind, SpanName } from '../telemetry/names.js';
import { evaluate, type MadeCall, recordEvaluation } from './evaluator.js';
import { agentSystemPrompt, expertSystemPrompt, userSystemPrompt } from './prompts.js';

/** Why a conversation ended (tau2's reasons, plus the transfer and cancellation). */
export type TerminationReason =
  | 'user_stop'
  | 'user_transfer'
  | 'agent_stop'
  | 'max_steps'
  | 'too_many_errors'
  | 'agent_error'
  | 'user_error'
  | 'cancelled';

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
  error?: string;
}

type Role = 'user' | 'agent' | 'env' | 'evaluator';

class Ended extends Error {
  constructor(
    readonly reason: TerminationReason,
    message?: string,
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

/** Runs one task trial to its end and evaluates it. Never throws: failures are results. */
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
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
  const env = domain.createEnvironment(task);
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
  const transcript: string[] = [`assistant: ${AGENT_GREETING}`];
  const made: MadeCall[] = [];
  let steps = 0;
  let llmCalls = 0;
  let toolCalls = 0;
  let toolErrors = 0;
  let consecutiveErrors = 0;

  const chat = async (request: ChatRequest, parent: Context) => {
    llmCalls++;
    const result = await input.chat(request, parent, input.signal);
    input.onLlmCall?.(request.kind, result);
    return result;
  };

  async function step<T>(from: Role, body: (ctx: Context, span: Span) => Promise<T>): Promise<T> {
    if (steps >= settings.maxSteps) throw new Ended('max_steps');
    if (input.signal?.aborted) throw new Ended('cancelled');
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

  async function userTurn(): Promise<void> {
    const text = await step('user', async (ctx, span) => {
      span.setAttribute(Attr.stepTo, 'agent');
      const r = await chat({ kind: Kind.userSim, model: settings.userModel, messages: userMsgs }, ctx).catch(
        (err: unknown) => {
          throw err instanceof LlmError
            ? new Ended(err.type === 'cancelled' ? 'cancelled' : 'user_error', err.message)
            : err;
        },
      );
      return r.content;
    });
    userMsgs.push({ role: 'assistant', content: text });
    agentMsgs.push({ role: 'user', content: text });
    transcript.push(`user: ${text}`);
    if (text.includes(STOP)) throw new Ended('user_stop');
    if (text.includes(TRANSFER)) throw new Ended('user_transfer');
  }

  async function runTool(ctx: Context, call: ChatResult['toolCalls'][number]): Promise<string> {
    const args = parseArgs(call.arguments);
    if (call.name === CALL_EXPERT) {
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
      );
      return r.content;
    }
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
    const result = args
      ? env.execute(call.name, args)
      : { ok: false, content: `Error: arguments of ${call.name} are not valid JSON` };
    if (args) made.push({ name: call.name, arguments: args });
    if (!result.ok) {
      toolErrors++;
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.content });
    }
    span.setAttribute(Attr.toolError, !result.ok);
    if (settings.captureContent) span.setAttribute(Attr.toolCallResult, result.content);
    span.end(epochMs());
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
        ).catch((err: unknown) => {
          throw err instanceof LlmError
            ? new Ended(err.type === 'cancelled' ? 'cancelled' : 'agent_error', err.message)
            : err;
        });
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

  let reason: TerminationReason;
  let error: string | undefined;
  try {
    for (;;) {
      await userTurn();
      await agentTurns();
    }
  } catch (err) {
    if (!(err instanceof Ended)) throw err;
    reason = err.reason;
    if (err.message !== err.reason) error = err.message;
  }

  let reward = 0;
  let evaluation: TrialResult['evaluation'] = [];
  const conversationEnded = reason === 'user_stop' || reason === 'user_transfer' || reason === 'agent_stop';
  if (conversationEnded) {
    try {
      const result = await step('env', async (ctx, span) => {
        span.setAttribute(Attr.stepTo, 'evaluator');
        return evaluate({
          task,
          env,
          freshEnv: domain.createEnvironment(task),
          calls: made,
          transcript: transcript.join('\n'),
          judgeModel: settings.judgeModel,
          chat,
          parent: ctx,
        });
      });
      recordEvaluation(root, result);
      reward = result.reward;
      evaluation = result.parts;
    } catch (err) {
      // A judge that cannot be reached leaves the trial unscored, not the run broken.
      const e = err as Error;
      if (e instanceof Ended) reason = e.reason;
      else if (e instanceof LlmError && e.type === 'cancelled') reason = 'cancelled';
      error = e.message;
    }
  }
  const failed =
    reason === 'agent_error' || reason === 'user_error' || reason === 'cancelled' || error !== undefined;
  root.setAttributes({
    [Attr.taskReward]: reward,
    [Attr.taskTermination]: reason,
    [Attr.taskSteps]: steps,
  });
  if (failed) root.setStatus({ code: SpanStatusCode.ERROR, message: error ?? reason });
  const endedAt = new Date();
  const t1 = performance.now();
  const durationMs = t1 - t0;
  root.end(epochMs(t1));
  return {
    task_id: task.id,
    domain: task.domain,
    trial: input.trial,
    reward,
    steps,
    termination_reason: reason,
    duration_ms: Math.round(durationMs * 100) / 100,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    trace_id: root.spanContext().traceId,
    llm_calls: llmCalls,
    tool_calls: toolCalls,
    tool_errors: toolErrors,
    evaluation,
    ...(error !== undefined ? { error } : {}),
  };
}
