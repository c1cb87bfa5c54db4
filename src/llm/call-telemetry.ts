/**
 * The telemetry of one LLM call: its `chat {model}` span (kind CLIENT) with a span per failed attempt and,
 * for a stream, `prefill` and `decode` children; the headers that carry its trace context and the trial's
 * baggage to the server; and its GenAI client metrics.
 */
import {
  type Attributes,
  type Context,
  defaultTextMapSetter,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { epochMs } from '../telemetry/clock.js';
import type { LlmCallMeasurement } from '../telemetry/genai-metrics.js';
import type { GenAiInstruments } from '../telemetry/metrics.js';
import { Attr, Kind, SpanName } from '../telemetry/names.js';
import type { Endpoint } from './endpoint-pool.js';
import type { LlmError } from './errors.js';
import { type ChatRequest, isStreamed, samplingOf } from './request.js';
import type { ChatResult } from './stream.js';

// `traceparent` joins the server's spans to the call's; `baggage` names the trial (tau2.domain, tau2.task.id,
// tau2.trial; set by the trial, harness/trial-context.ts) for servers, routers and the simulator.
const propagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/** What every call of a client records into, and how. */
export interface CallTelemetryOptions {
  tracer: Tracer;
  instruments: GenAiInstruments;
  runId: string;
  /** Record prompts and completions on spans (opt-in). */
  captureContent: boolean;
}

/** Started when a call starts (its span's start time); records how it went, once. */
export class CallTelemetry {
  readonly span: Span;
  /** The call span's context: the parent of its attempts and phases, and what the headers carry. */
  readonly ctx: Context;
  /** `traceparent` and `baggage` for every attempt's request. */
  readonly headers: Record<string, string> = {};
  private metricAttrs: Attributes;

  constructor(
    private readonly o: CallTelemetryOptions,
    request: ChatRequest,
    ep: Endpoint,
    parent: Context,
    private readonly start: number,
  ) {
    // Shared by the span and the metrics (low cardinality: no ids, no content).
    const callAttrs: Attributes = {
      [Attr.genAiOperation]: 'chat',
      [Attr.genAiProvider]: ep.spec.provider,
      [Attr.genAiRequestModel]: request.model,
      [Attr.serverAddress]: ep.address,
      [Attr.serverPort]: ep.port,
      [Attr.kind]: request.kind,
    };
    const { maxTokens, temperature } = samplingOf(request);
    this.span = o.tracer.startSpan(
      SpanName.chatPrefix + request.model,
      {
        kind: SpanKind.CLIENT,
        startTime: epochMs(start),
        attributes: {
          ...callAttrs,
          [Attr.genAiRequestStream]: isStreamed(request),
          [Attr.inflight]: ep.inflight,
          ...(request.expertName ? { [Attr.expertName]: request.expertName } : {}),
          ...(maxTokens !== undefined ? { [Attr.genAiRequestMaxTokens]: maxTokens } : {}),
          ...(temperature !== undefined ? { [Attr.genAiRequestTemperature]: temperature } : {}),
          ...(o.captureContent ? { [Attr.genAiInputMessages]: JSON.stringify(request.messages) } : {}),
        },
      },
      parent,
    );
    this.ctx = trace.setSpan(parent, this.span);
    propagator.inject(this.ctx, this.headers, defaultTextMapSetter);
    this.metricAttrs = { ...callAttrs, [Attr.runId]: o.runId };
  }

  /** A retry went to another endpoint: the call's `server.*` name the one that answered (or failed last). */
  movedTo(ep: Endpoint): void {
    const where = { [Attr.serverAddress]: ep.address, [Attr.serverPort]: ep.port };
    this.span.setAttributes(where);
    this.metricAttrs = { ...this.metricAttrs, ...where };
  }

  /** A failed attempt that will be retried: a span of its own, so a retry is never hidden in one duration. */
  failedAttempt(error: LlmError, startedAt: number, n: number, ep: Endpoint): void {
    const failed = this.o.tracer.startSpan(
      SpanName.attempt,
      {
        kind: SpanKind.CLIENT,
        startTime: epochMs(startedAt),
        attributes: {
          [Attr.kind]: Kind.attempt,
          [Attr.attemptIndex]: n,
          [Attr.errorType]: error.errorType,
          [Attr.serverAddress]: ep.address,
          [Attr.serverPort]: ep.port,
          ...(error.status !== undefined ? { [Attr.httpStatus]: error.status } : {}),
        },
      },
      this.ctx,
    );
    failed.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    failed.end(epochMs());
  }

  /** The call failed for good after `attempts` attempts. */
  failed(error: LlmError, attempts: number): void {
    this.span.setAttributes({ [Attr.errorType]: error.errorType, [Attr.attempts]: attempts });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    this.span.end(epochMs());
    this.o.instruments.llmCalls.record({
      durationS: (performance.now() - this.start) / 1000,
      attributes: this.metricAttrs,
      errorType: error.errorType,
    });
  }

  /** The call answered `r` at its `attempts`-th attempt. */
  succeeded(r: ChatResult, attempts: number): void {
    this.span.setAttributes({
      [Attr.genAiResponseModel]: r.responseModel,
      [Attr.genAiInputTokens]: r.inputTokens,
      [Attr.genAiOutputTokens]: r.outputTokens,
      [Attr.genAiFinishReasons]: [r.finishReason],
      [Attr.inferMs]: r.inferMs,
      [Attr.hasToolCalls]: r.toolCalls.length > 0,
      [Attr.attempts]: attempts,
      ...(r.responseId ? { [Attr.genAiResponseId]: r.responseId } : {}),
      // Whenever the server reports it, 0 included and under either conventions (the latest ask for it "when
      // available and non-zero"): a 0 tells a prefix-cache miss from a server that does not say, which the
      // hit rate of stats_ext and the report needs (analyze/metrics.ts).
      ...(r.cachedInputTokens !== undefined ? { [Attr.genAiCacheReadInputTokens]: r.cachedInputTokens } : {}),
      ...(this.o.captureContent ? { [Attr.genAiOutputMessages]: JSON.stringify(r.message) } : {}),
    });
    const streamTimes = this.recordPhases(r);
    this.span.end(epochMs(r.endedAt));
    this.o.instruments.llmCalls.record({
      durationS: (r.endedAt - this.start) / 1000,
      attributes: { ...this.metricAttrs, [Attr.genAiResponseModel]: r.responseModel },
      ...streamTimes,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      ...(r.cachedInputTokens !== undefined ? { cacheReadInputTokens: r.cachedInputTokens } : {}),
    });
  }

  /**
   * A streamed answer's time to first chunk and decode time, on the span and as its `prefill` and `decode`
   * children; returns them for the metrics (nothing for an answer that was not streamed).
   */
  private recordPhases(r: ChatResult): Pick<LlmCallMeasurement, 'timeToFirstChunkS' | 'timePerOutputChunkS'> {
    if (r.ttftMs === undefined || r.decodeMs === undefined || r.firstChunkAt === undefined) return {};
    this.span.setAttributes({
      [Attr.genAiTtfc]: r.ttftMs / 1000,
      [Attr.ttftMs]: r.ttftMs,
      [Attr.decodeMs]: r.decodeMs,
    });
    const child = (name: string, kind: string, s: number, e: number, extra: Attributes) =>
      this.o.tracer
        .startSpan(name, { startTime: epochMs(s), attributes: { [Attr.kind]: kind, ...extra } }, this.ctx)
        .end(epochMs(e));
    child(SpanName.prefill, Kind.prefill, r.sentAt, r.firstChunkAt, {
      [Attr.genAiInputTokens]: r.inputTokens,
    });
    child(SpanName.decode, Kind.decode, r.firstChunkAt, r.endedAt, {
      [Attr.genAiOutputTokens]: r.outputTokens,
    });
    return {
      timeToFirstChunkS: r.ttftMs / 1000,
      ...(r.chunks > 1 ? { timePerOutputChunkS: r.decodeMs / 1000 / (r.chunks - 1) } : {}),
    };
  }
}
