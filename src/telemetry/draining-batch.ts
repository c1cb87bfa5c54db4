/**
 * The SDK's BatchSpanProcessor with back-pressure, for a producer that can wait (`import` reading a log as
 * fast as the disk allows). The batch processor drops a span that finds its queue full (`maxQueueSize`); a
 * live run sizes the queue for its bursts, but an import ends spans far faster than any collector takes
 * them. Here a span that would not fit is held back, and {@link DrainingBatch.relieve} (awaited by the
 * producer between trials) exports the queue once it is half full and feeds the held spans in, so no span
 * is ever dropped and memory stays bounded by the queue plus one trial. The queue used is at most 8 export
 * batches long, whatever `maxQueueSize` allows (see below).
 */
import { TraceFlags } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { BatchSettings } from './env.js';

/** A span processor that never drops a span; the producer awaits `relieve()` to let the queue drain. */
export interface DrainingBatch extends SpanProcessor {
  /** Exports what is queued when the queue is half full, then feeds in the spans held back; throws the export's error. */
  relieve(): Promise<void>;
}

/** A {@link DrainingBatch} over the SDK's BatchSpanProcessor with `settings`, exporting to `exporter`. */
export function createDrainingBatch(exporter: SpanExporter, settings: BatchSettings): DrainingBatch {
  const batch = new BatchSpanProcessor({ ...settings, exporter });
  // The batch processor's flush sends every queued batch at once, and an OTLP exporter refuses more than 30
  // exports in flight ("Concurrent export limit reached"): so no more than 8 batches are queued at a time.
  const cap = Math.min(settings.maxQueueSize, settings.maxExportBatchSize * 8);
  // Spans handed to the batch since its last flush: at least its queue's length (it may export on its own).
  let inQueue = 0;
  const held: ReadableSpan[] = [];

  const flush = async () => {
    await batch.forceFlush();
    // The batch processor does not wait for exports it started on its own; the exporter does.
    await exporter.forceFlush?.();
    inQueue = 0;
  };
  const relieve = async () => {
    if (inQueue >= cap / 2) await flush();
    while (held.length > 0) {
      const next = held.splice(0, cap - inQueue);
      for (const span of next) batch.onEnd(span);
      inQueue += next.length;
      if (inQueue >= cap / 2) await flush();
    }
  };
  return {
    relieve,
    onStart: (span, ctx) => batch.onStart(span, ctx),
    onEnd(span) {
      // The batch processor skips spans the sampler did not sample; they need no room.
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      // Once one span is held back, later ones queue behind it, so spans go out in the order they ended.
      if (held.length > 0 || inQueue >= cap) held.push(span);
      else {
        inQueue++;
        batch.onEnd(span);
      }
    },
    async forceFlush() {
      await relieve();
      await flush();
    },
    async shutdown() {
      await relieve();
      await batch.shutdown();
    },
  };
}
