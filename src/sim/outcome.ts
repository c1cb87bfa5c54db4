/**
 * How a chat request ended, and what that means for its `llm_request` span. The server decides the
 * outcome once (see server.ts); this module turns it into span attributes and a status.
 */
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { epochMs } from '../telemetry/clock.js';
import { Attr, SimOutcome } from '../telemetry/names.js';
import type { Fault } from './faults.js';
import type { RequestTimings } from './metrics.js';

/** Outcomes of requests that have an llm_request span: a served model and a well-formed body. */
export type SpanOutcome = Exclude<SimOutcome, 'bad_request' | 'not_found'>;

/** The outcome an injected fault gives its request (the same words). */
export const FAULT_OUTCOME: Record<Exclude<Fault, 'none'>, SpanOutcome> = {
  '429': SimOutcome.rateLimited,
  '5xx': SimOutcome.serverError,
  cut: SimOutcome.cut,
  garbage: SimOutcome.garbage,
  stall: SimOutcome.stall,
};

/** Status message and `error.type` of a span that did not end well (HTTP statuses as semconv asks). */
const FAILED: Record<Exclude<SpanOutcome, 'ok'>, { message: string; errorType: string }> = {
  '429': { message: 'rate limited (injected fault)', errorType: '429' },
  '5xx': { message: 'engine overloaded (injected fault)', errorType: '503' },
  cut: { message: 'stream cut (injected fault)', errorType: 'cut' },
  garbage: { message: 'garbage frame (injected fault)', errorType: 'garbage' },
  stall: { message: 'stalled (injected fault)', errorType: 'stall' },
  client_closed: { message: 'client disconnected', errorType: 'client_closed' },
  shutdown: { message: 'server shut down', errorType: 'shutdown' },
  internal_error: { message: 'simulator error', errorType: '500' },
};

/** What is known of a request once its outcome is final; times are `performance.now()` ms. */
export interface Settled {
  outcome: SpanOutcome;
  /** When the outcome became final. */
  at: number;
  /** The HTTP status sent, if any was. */
  status: number | undefined;
  /** When the first chunk was handed to the kernel. */
  firstChunkSentAt: number | undefined;
  /** The engine's timings, when it finished the sequence. */
  timings: RequestTimings | undefined;
  /** When the engine finished the sequence. */
  finishedAt: number | undefined;
}

/** Records the outcome on the request's span and ends it. */
export function endRequestSpan(span: Span, s: Settled): void {
  span.setAttribute(Attr.simOutcome, s.outcome);
  if (s.status !== undefined) span.setAttribute(Attr.httpStatus, s.status);
  if (s.firstChunkSentAt !== undefined)
    span.setAttribute(Attr.simFirstChunkSentMs, epochMs(s.firstChunkSentAt));
  const t = s.timings;
  if (t) {
    span.setAttributes({
      [Attr.latencyTimeInQueue]: t.queue,
      [Attr.latencyPrefill]: t.prefill,
      [Attr.latencyDecode]: t.decode,
      [Attr.latencyInference]: t.prefill + t.decode,
      [Attr.latencyTtft]: t.ttft,
      [Attr.latencyE2e]: t.e2e,
      [Attr.genAiOutputTokens]: t.outputTokens,
      [Attr.genAiCacheReadInputTokens]: t.cachedTokens,
      [Attr.genAiFinishReasons]: [t.finishedReason],
    });
  }
  if (s.outcome === SimOutcome.ok) {
    // As vLLM's span does, a served request ends when the engine finished it.
    span.end(epochMs(s.finishedAt ?? s.at));
    return;
  }
  const failed = FAILED[s.outcome];
  span.setAttribute(Attr.errorType, failed.errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failed.message });
  // A failed request ends when its failure is final: a stall's span covers the pause too.
  span.end(epochMs(s.at));
}
