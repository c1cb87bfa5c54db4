/**
 * The draining batch processor: bursts of spans larger than the batch queue all reach the exporter (where
 * the SDK's BatchSpanProcessor alone drops them), in the order they ended; a refused export is thrown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createDrainingBatch } from '../../src/telemetry/draining-batch.js';

const SETTINGS = {
  maxQueueSize: 8,
  maxExportBatchSize: 4,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30_000,
};

/** An in-memory exporter that answers later, as a collector over the network does. */
function slowExporter(result: ExportResult = { code: ExportResultCode.SUCCESS }) {
  const memory = new InMemorySpanExporter();
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      setTimeout(() => {
        if (result.code === ExportResultCode.SUCCESS) memory.export(spans, () => {});
        done(result);
      }, 2);
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  return { exporter, exported: () => memory.getFinishedSpans().map((s) => s.name) };
}

/** Ends `bursts` × `size` spans, each burst synchronously, awaiting `between` after each. */
async function emit(processor: SpanProcessor, bursts: number, size: number, between: () => Promise<void>) {
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('t');
  const names: string[] = [];
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < size; i++) {
      names.push(`s${b}-${i}`);
      tracer.startSpan(names.at(-1)!, {}, ROOT_CONTEXT).end();
    }
    await between();
  }
  await provider.forceFlush();
  await provider.shutdown();
  return names;
}

describe('createDrainingBatch', () => {
  it('exports every span of bursts 3× larger than the queue, in order; the SDK processor alone drops some', async () => {
    const drained = slowExporter();
    const batch = createDrainingBatch(drained.exporter, SETTINGS);
    const names = await emit(batch, 10, 25, () => batch.relieve());
    assert.deepEqual(drained.exported(), names);

    // The same bursts through the SDK's processor: what this module exists for.
    const plain = slowExporter();
    await emit(new BatchSpanProcessor({ ...SETTINGS, exporter: plain.exporter }), 10, 25, async () => {});
    assert.ok(plain.exported().length < names.length, `${plain.exported().length} of ${names.length}`);
  });

  it('however large maxQueueSize is, at most 8 batches are in flight (OTLP exporters refuse more than 30)', async () => {
    const memory = new InMemorySpanExporter();
    let inFlight = 0;
    let most = 0;
    const exporter: SpanExporter = {
      export(spans, done) {
        most = Math.max(most, ++inFlight);
        setTimeout(() => {
          inFlight--;
          memory.export(spans, done);
        }, 2);
      },
      shutdown: async () => {},
    };
    const batch = createDrainingBatch(exporter, { ...SETTINGS, maxQueueSize: 65_536 });
    const names = await emit(batch, 4, 250, () => batch.relieve());
    assert.equal(memory.getFinishedSpans().length, names.length);
    assert.ok(most <= 8, `${most} exports in flight`);
  });

  it('a refused export rejects relieve(), so the producer stops', async () => {
    const refused = slowExporter({ code: ExportResultCode.FAILED, error: new Error('collector said no') });
    const batch = createDrainingBatch(refused.exporter, SETTINGS);
    await assert.rejects(
      emit(batch, 3, 25, () => batch.relieve()),
      /collector said no/,
    );
  });
});
