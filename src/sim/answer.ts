/**
 * The answer to an admitted chat request: what its role says (cut to the request's token limit), then its
 * playback as the engine produces it, token by token: SSE frames for a stream, one body at the end
 * otherwise. The stream faults (cut, stall, garbage) strike before the token half-way through the answer
 * (the only one of a one-token answer).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { Attr, SimOutcome } from '../telemetry/names.js';
import {
  completion,
  DONE_FRAME,
  type FrameWriter,
  frameWriter,
  GARBAGE_BODY,
  GARBAGE_FRAME,
} from './body.js';
import { planFor } from './custom-role.js';
import type { SequenceEvents } from './engine.js';
import { type Admitted, type Exchange, headerGetter } from './exchange.js';
import { createHold } from './hold.js';
import type { ThreadRequest, ThreadResponse } from './http-thread.js';
import type { RequestTimings } from './metrics.js';
import { sendText } from './reply.js';
import type { ChatMessage } from './roles.js';
import type { SimState } from './state.js';
import type { Delta } from './tokens.js';

/** What the answer holds, and whether the request asked for a usage frame. */
export interface AnswerPlan {
  deltas: Delta[];
  finishReason: string;
  includeUsage: boolean;
}

const baggagePropagator = new W3CBaggagePropagator();

/** The trial the harness names in a request's baggage, if any (several telecom tasks share one scenario). */
function trialOf(headers: IncomingHttpHeaders): { taskId?: string; domain?: string } {
  const baggage = propagation.getBaggage(baggagePropagator.extract(ROOT_CONTEXT, headers, headerGetter));
  const taskId = baggage?.getEntry(Attr.taskId)?.value;
  const domain = baggage?.getEntry(Attr.domain)?.value;
  return { ...(taskId !== undefined ? { taskId } : {}), ...(domain !== undefined ? { domain } : {}) };
}

/** What the model's role answers, cut to `max_completion_tokens` (or `max_tokens`). */
export function planAnswer(state: SimState, req: ThreadRequest, a: Admitted): AnswerPlan {
  const { body } = a;
  const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: string } }[]) : [];
  const plan = planFor(
    a.role,
    {
      messages: body.messages as ChatMessage[],
      toolNames: tools.map((t) => t.function?.name ?? ''),
      ...trialOf(req.headers),
    },
    { model: a.model, catalog: state.catalog, seed: state.seed },
  );
  const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Number.POSITIVE_INFINITY);
  const deltas = plan.deltas.slice(0, Math.max(1, limit));
  return {
    deltas,
    finishReason: deltas.length < plan.deltas.length ? 'length' : plan.finishReason,
    includeUsage: Boolean((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage),
  };
}

/** Opens the stream (when asked for one) and hands the answer to the model's engine. */
export function playAnswer(
  state: SimState,
  ex: Exchange,
  res: ThreadResponse,
  a: Admitted,
  plan: AnswerPlan,
  receivedAt: number,
): void {
  if (a.stream) {
    ex.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, true);
  }
  const playback = new Playback(state, ex, res, a, plan, receivedAt);
  ex.handle = a.engine.submit(a.promptTokens, plan.deltas.length, playback, a.blocks);
}

/** The engine's events for one answer, turned into bytes on the wire. */
class Playback implements SequenceEvents {
  private readonly frames: FrameWriter;
  private readonly midway: number;
  private readonly hold = createHold();
  private garbled = false;
  private scheduledAt: number;
  private cachedTokens = 0;
  private firstTokenAt: number | undefined;

  constructor(
    private readonly state: SimState,
    private readonly ex: Exchange,
    private readonly res: ThreadResponse,
    private readonly a: Admitted,
    private readonly plan: AnswerPlan,
    private readonly receivedAt: number,
  ) {
    this.frames = frameWriter(this.answerId());
    this.midway = Math.floor(plan.deltas.length / 2);
    this.scheduledAt = receivedAt;
  }

  private answerId() {
    return { id: this.ex.id, created: this.state.created, model: this.a.model };
  }

  onScheduled(now: number, cachedTokens: number): void {
    this.scheduledAt = now;
    this.cachedTokens = cachedTokens;
  }

  onToken(index: number, now: number): void {
    const { ex, res, hold } = this;
    if (ex.settled) return;
    if (index === 0) this.firstTokenAt = now;
    if (index === this.midway) {
      if (ex.fault === 'cut') {
        ex.settle(SimOutcome.cut, now);
        res.destroy();
        return;
      }
      if (ex.fault === 'stall') hold.hold(this.state.faults.stallMs);
      if (ex.fault === 'garbage') {
        if (this.a.stream) hold.run(() => res.write(GARBAGE_FRAME));
        else this.garbled = true;
      }
    }
    if (!this.a.stream) return;
    const frame = this.frames.token(this.plan.deltas[index]!, index === 0);
    // The HTTP thread reports when the bytes were handed to the kernel, stamped on its own clock.
    hold.run(() => res.write(frame, index === 0 ? ex.firstSent : undefined));
  }

  onFinished(now: number): void {
    // The engine reports the last token of a cancelled sequence too (a cut on a one-token answer).
    if (this.ex.settled) return;
    this.ex.finishedAt = now;
    this.ex.timings = this.timingsAt(now);
    const { deltas, finishReason, includeUsage } = this.plan;
    const promptTokens = this.a.promptTokens;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: deltas.length,
      total_tokens: promptTokens + deltas.length,
      // As vLLM reports its prefix-cache hits (with --enable-prompt-tokens-details).
      prompt_tokens_details: { cached_tokens: this.cachedTokens },
    };
    if (this.a.stream) {
      const f = this.frames;
      const tail = f.finish(finishReason) + (includeUsage ? f.usage(usage) : '') + DONE_FRAME;
      // One message with the end: the HTTP thread then knows the response is whole once these bytes reach
      // the kernel, whatever the client does next.
      this.hold.run(() => this.res.end(tail));
      return;
    }
    this.ex.status = 200;
    const text = this.garbled
      ? GARBAGE_BODY
      : JSON.stringify(completion(this.answerId(), deltas, finishReason, usage));
    this.hold.run(() => sendText(this.res, 200, text));
  }

  /** The request's timings (seconds) once the engine finished it at `now`. */
  private timingsAt(now: number): RequestTimings {
    const { receivedAt, scheduledAt } = this;
    const first = this.firstTokenAt ?? now;
    return {
      model: this.a.model,
      queue: (scheduledAt - receivedAt) / 1000,
      prefill: (first - scheduledAt) / 1000,
      decode: (now - first) / 1000,
      ttft: (first - receivedAt) / 1000,
      e2e: (now - receivedAt) / 1000,
      promptTokens: this.a.promptTokens,
      cachedTokens: this.cachedTokens,
      outputTokens: this.plan.deltas.length,
      finishedReason: this.plan.finishReason,
    };
  }
}
