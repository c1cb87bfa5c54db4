/**
 * One chat request for a served model, from admission to its final outcome: its `llm_request` span, its
 * fault, what is known of it so far, and {@link Exchange.settle}, which counts it and ends its span exactly
 * once: when the response is complete (`finish`), the connection ended first (`close`), or a fault cut it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, type Span, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { epochMs } from '../telemetry/clock.js';
import { Attr, SimOutcome, SpanName } from '../telemetry/names.js';
import type { ServedRole } from './custom-role.js';
import type { Engine, SequenceHandle } from './engine.js';
import type { Fault } from './faults.js';
import type { ThreadRequest, ThreadResponse } from './http-thread.js';
import type { RequestTimings } from './metrics.js';
import { endRequestSpan, FAULT_OUTCOME, type SpanOutcome } from './outcome.js';
import type { SimState } from './state.js';

/** A well-formed chat request for a served model. */
export interface Admitted {
  model: string;
  role: ServedRole;
  engine: Engine;
  body: Record<string, unknown>;
  stream: boolean;
  /** About four characters of the body per token, the usual BPE rate for English and JSON. */
  promptTokens: number;
  /** The chained hashes of the prompt's full blocks, when the engine keeps a prefix cache. */
  blocks: readonly string[];
}

const propagator = new W3CTraceContextPropagator();
/** Reads W3C headers from a request's headers. */
export const headerGetter = {
  keys: (h: IncomingHttpHeaders) => Object.keys(h),
  get: (h: IncomingHttpHeaders, k: string) => h[k],
};

/** A request's life on the server; the fields fill in as it goes. */
export class Exchange {
  /** The HTTP status sent, if any was. */
  status: number | undefined;
  /** The engine's sequence, once submitted (cancelled when the request settles). */
  handle: SequenceHandle | undefined;
  timings: RequestTimings | undefined;
  finishedAt: number | undefined;
  firstChunkSentAt: number | undefined;
  settled = false;
  /** The outcome the fault gives the request whatever happens next, if it drew one. */
  readonly faultOutcome: SpanOutcome | undefined;

  constructor(
    private readonly state: SimState,
    readonly id: string,
    readonly model: string,
    readonly fault: Fault,
    private readonly span: Span | undefined,
  ) {
    this.faultOutcome = fault === 'none' ? undefined : FAULT_OUTCOME[fault];
  }

  /** Counts the request and ends its span, the first time only. */
  settle(outcome: SpanOutcome, at: number): void {
    if (this.settled) return;
    this.settled = true;
    this.handle?.cancel();
    this.state.metrics.count(this.model, outcome);
    if (this.timings) this.state.metrics.observe(this.timings);
    if (!this.span) return;
    const { status, firstChunkSentAt, timings, finishedAt } = this;
    endRequestSpan(this.span, { outcome, at, status, firstChunkSentAt, timings, finishedAt });
  }

  /** Notes when the first chunk reached the kernel (the HTTP thread's stamp). */
  readonly firstSent = (at: number): void => {
    this.firstChunkSentAt ??= at;
  };
}

/** Starts the request's span, draws its fault, and settles it when the response finishes or closes. */
export function openExchange(
  state: SimState,
  req: ThreadRequest,
  res: ThreadResponse,
  a: Admitted,
): Exchange {
  const id = state.nextId();
  const span = startRequestSpan(state, req, a, id);
  const fault = state.pickFault(req.body);
  if (fault !== 'none') span?.setAttribute(Attr.simFault, fault);
  const ex = new Exchange(state, id, a.model, fault, span);
  res.once('finish', (at: number) => {
    // A non-streamed answer is one chunk, sent when the response finished.
    ex.firstSent(at);
    ex.settle(ex.faultOutcome ?? SimOutcome.ok, at);
  });
  res.once('close', () => {
    const gone = state.shuttingDown ? SimOutcome.shutdown : SimOutcome.clientClosed;
    ex.settle(ex.faultOutcome ?? gone, performance.now());
  });
  return ex;
}

/** The `llm_request` SERVER span, under the caller's `traceparent`, from the moment the request arrived. */
function startRequestSpan(state: SimState, req: ThreadRequest, a: Admitted, id: string): Span | undefined {
  const parent = propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
  return state.tracer?.startSpan(
    SpanName.llmRequest,
    {
      kind: SpanKind.SERVER,
      startTime: epochMs(req.receivedAt),
      attributes: {
        [Attr.genAiRequestModel]: a.model,
        [Attr.genAiResponseModel]: a.model,
        [Attr.requestId]: id,
        [Attr.genAiRequestStream]: a.stream,
        [Attr.genAiInputTokens]: a.promptTokens,
        [Attr.simRequestReceivedMs]: epochMs(req.receivedAt),
      },
    },
    parent,
  );
}
