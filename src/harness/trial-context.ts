/**
 * The state the pieces of one task trial share (its `task` span, its signal, its counters, what today's
 * evaluator reads) and the three traced operations every conversation is made of: a step, an LLM call and a
 * tool call. The conversations (./plain-conversation.ts, ./tau2-conversation.ts) and `runTrial` work on it.
 */
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AGENT_GREETING } from '../domains/protocol.js';
import type { DomainEnvironment } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, Kind, SpanName } from '../telemetry/names.js';
import type { MadeCall } from './evaluator.js';
import type { TrialInput, TrialSettings } from './orchestrator.js';
import type { Tau2Conversation } from './tau2-conversation.js';
import { type Caller, Ended, TrialEndings } from './trial-ending.js';

/** Who sends a step's message. */
export type Role = 'user' | 'agent' | 'env' | 'evaluator';

/** A tool call as the agent made it. */
export interface ToolCallText {
  id: string;
  name: string;
  arguments: string;
}

/** What a tool answered (`ok: false` for an error the agent reads). */
export interface ToolAnswer {
  ok: boolean;
  content: string;
}

/** Starts the trial's `task` span, the root of its own trace, with the trial's identity as baggage. */
function startTaskSpan(input: TrialInput, startTime: number): { root: Span; rootCtx: Context } {
  const { task } = input;
  const root = input.tracer.startSpan(
    SpanName.task,
    {
      root: true,
      startTime: epochMs(startTime),
      attributes: {
        [Attr.kind]: Kind.task,
        [Attr.taskId]: task.id,
        [Attr.domain]: task.domain,
        [Attr.trial]: input.trial,
      },
    },
    ROOT_CONTEXT,
  );
  // The trial's identity travels with every call as W3C baggage (see the propagator in llm/call-telemetry.ts).
  const baggage = propagation.createBaggage({
    [Attr.domain]: { value: task.domain },
    [Attr.taskId]: { value: task.id },
    [Attr.trial]: { value: String(input.trial) },
  });
  return { root, rootCtx: propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, root), baggage) };
}

/** One running trial; created when it starts (its `task` span and deadline start with it). */
export class TrialContext {
  /** When the trial started, as a date (results.json) and on the performance clock (spans, duration). */
  readonly startedAt = new Date();
  readonly t0 = performance.now();
  readonly root: Span;
  /** The task span's context, with the trial's baggage: the parent of every step. */
  readonly rootCtx: Context;
  readonly endings: TrialEndings;
  steps = 0;
  llmCalls = 0;
  toolCalls = 0;
  toolErrors = 0;
  consecutiveErrors = 0;
  /** Tool calls made, for today's evaluator's action check. */
  readonly made: MadeCall[] = [];
  /** The transcript today's judge reads. */
  readonly transcript: string[] = [`assistant: ${AGENT_GREETING}`];
  /** The trial's environment, set by the conversation once the domain has set it up. */
  env!: DomainEnvironment;
  /** The conversation of a tau2 domain, once set up (its trajectory is what tau2's scoring reads). */
  tau2: Tau2Conversation | undefined;

  constructor(readonly input: TrialInput) {
    ({ root: this.root, rootCtx: this.rootCtx } = startTaskSpan(input, this.t0));
    this.endings = new TrialEndings(input.signal, input.settings.taskTimeoutMs);
  }

  get settings(): TrialSettings {
    return this.input.settings;
  }

  /** An LLM call under this trial's signal; its failure is thrown as the ending it gives `caller`. */
  async chat(request: ChatRequest, parent: Context, caller: Caller): Promise<ChatResult> {
    this.llmCalls++;
    try {
      const result = await this.input.chat(request, parent, this.endings.signal);
      this.input.onLlmCall?.(request.kind, result);
      return result;
    } catch (err) {
      throw this.endings.of(err, caller);
    }
  }

  /** One traced step; `limited: false` for the tau2 loop, which checks `max_steps` itself, as tau2 does. */
  async step<T>(from: Role, body: (ctx: Context, span: Span) => Promise<T>, limited = true): Promise<T> {
    if (this.endings.signal.aborted) throw this.endings.interrupted();
    if (limited && this.steps >= this.settings.maxSteps) throw new Ended('max_steps');
    this.steps++;
    const span = this.input.tracer.startSpan(
      SpanName.step,
      {
        startTime: epochMs(),
        attributes: { [Attr.kind]: Kind.step, [Attr.stepIndex]: this.steps, [Attr.stepFrom]: from },
      },
      this.rootCtx,
    );
    try {
      return await body(trace.setSpan(this.rootCtx, span), span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end(epochMs());
    }
  }

  /** Runs a domain tool inside its `execute_tool` span and counts it; `run` answers as the domain does. */
  traceTool(ctx: Context, call: ToolCallText, run: () => ToolAnswer): ToolAnswer {
    this.toolCalls++;
    const capture = this.settings.captureContent;
    const span = this.input.tracer.startSpan(
      SpanName.executeToolPrefix + call.name,
      {
        kind: SpanKind.INTERNAL,
        startTime: epochMs(),
        attributes: {
          [Attr.kind]: Kind.toolCall,
          [Attr.toolName]: call.name,
          [Attr.toolCallId]: call.id,
          ...(capture ? { [Attr.toolCallArguments]: call.arguments } : {}),
        },
      },
      ctx,
    );
    try {
      const result = run();
      if (!result.ok) {
        this.toolErrors++;
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.content });
      }
      span.setAttribute(Attr.toolError, !result.ok);
      if (capture) span.setAttribute(Attr.toolCallResult, result.content);
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end(epochMs());
    }
  }
}
