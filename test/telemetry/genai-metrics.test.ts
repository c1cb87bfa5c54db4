import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { createLlmCallRecorder, type LlmCallMeasurement } from '../../src/telemetry/genai-metrics.js';
import { Attr, LatestMetricName, MetricName } from '../../src/telemetry/names.js';
import type { GenAiConvention } from '../../src/telemetry/semconv.js';

/** Collects on demand. */
class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Records `calls` under `convention` and returns what a metric reader collects, by metric name. */
async function recorded(convention: GenAiConvention, calls: LlmCallMeasurement[]) {
  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  const recorder = createLlmCallRecorder(provider.getMeter('t'), convention);
  assert.equal(recorder.convention, convention);
  for (const c of calls) recorder.record(c);
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, MetricData>();
  for (const m of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) byName.set(m.descriptor.name, m);
  await provider.shutdown();
  return byName;
}

/** A metric's data points as [attributes, value]: a number for sums, count/sum/boundaries for histograms. */
function points(m: MetricData | undefined) {
  assert.ok(m);
  return m.dataPoints.map((p) => ({
    attributes: p.attributes,
    value:
      m.dataPointType === DataPointType.HISTOGRAM
        ? { count: (p.value as Histogram).count, sum: (p.value as Histogram).sum }
        : p.value,
  }));
}

const base: Attributes = {
  [Attr.genAiOperation]: 'chat',
  [Attr.genAiProvider]: 'vllm',
  [Attr.genAiRequestModel]: 'm',
  [Attr.kind]: 'llm_call',
  [Attr.runId]: 'r',
};
const streamed: LlmCallMeasurement = {
  durationS: 1.5,
  attributes: { ...base, [Attr.genAiResponseModel]: 'm-0613' },
  timeToFirstChunkS: 0.25,
  timePerOutputChunkS: 0.02,
  inputTokens: 900,
  outputTokens: 40,
};
const failed: LlmCallMeasurement = { durationS: 3, attributes: base, errorType: 'timeout' };
const DURATION = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

describe('GenAI client metrics of an LLM call', () => {
  it('v1.41 (default): the four operation/token.usage histograms, as the harness always recorded them', async () => {
    const m = await recorded('v1.41', [streamed, failed]);
    assert.deepEqual(
      [...m.keys()].sort(),
      [
        MetricName.tokenUsage,
        MetricName.operationDuration,
        MetricName.timePerOutputChunk,
        MetricName.timeToFirstChunk,
      ].sort(),
    );
    assert.deepEqual(points(m.get(MetricName.operationDuration)), [
      { attributes: streamed.attributes, value: { count: 1, sum: 1.5 } },
      { attributes: { ...base, [Attr.errorType]: 'timeout' }, value: { count: 1, sum: 3 } },
    ]);
    assert.deepEqual(points(m.get(MetricName.tokenUsage)), [
      {
        attributes: { ...streamed.attributes, [Attr.genAiTokenType]: 'input' },
        value: { count: 1, sum: 900 },
      },
      {
        attributes: { ...streamed.attributes, [Attr.genAiTokenType]: 'output' },
        value: { count: 1, sum: 40 },
      },
    ]);
    assert.deepEqual(points(m.get(MetricName.timeToFirstChunk)), [
      { attributes: streamed.attributes, value: { count: 1, sum: 0.25 } },
    ]);
    const chunk = m.get(MetricName.timePerOutputChunk)!;
    assert.equal(chunk.descriptor.unit, 's');
    assert.deepEqual(
      (chunk.dataPoints[0]!.value as Histogram).buckets.boundaries,
      [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
    );
    assert.equal(m.get(MetricName.tokenUsage)!.descriptor.unit, '{token}');
  });

  it('latest: inference.* histograms, usage counters by modality, per-call token histograms; no v1.41 name', async () => {
    const m = await recorded('latest', [streamed, failed]);
    const L = LatestMetricName;
    // No cache_read counter: no call reported cached tokens.
    assert.deepEqual(
      [...m.keys()].sort(),
      [
        L.inferenceDuration,
        L.operationInputTokens,
        L.operationOutputTokens,
        L.timePerOutputChunk,
        L.timeToFirstChunk,
        L.usageInputTokens,
        L.usageOutputTokens,
      ].sort(),
    );
    for (const name of [L.inferenceDuration, L.timeToFirstChunk, L.timePerOutputChunk]) {
      const d = m.get(name)!;
      assert.equal(d.descriptor.unit, 's', name);
      assert.equal(d.dataPointType, DataPointType.HISTOGRAM, name);
      assert.deepEqual((d.dataPoints[0]!.value as Histogram).buckets.boundaries, DURATION, name);
    }
    // The failed call's duration carries error.type, as in v1.41.
    assert.deepEqual(points(m.get(L.inferenceDuration)), [
      { attributes: streamed.attributes, value: { count: 1, sum: 1.5 } },
      { attributes: { ...base, [Attr.errorType]: 'timeout' }, value: { count: 1, sum: 3 } },
    ]);
    // Counters of tokens spent: text for the answered call, 0 of modality unknown for the failed one.
    for (const [name, tokens] of [
      [L.usageInputTokens, 900],
      [L.usageOutputTokens, 40],
    ] as const) {
      const d = m.get(name)!;
      assert.equal(d.dataPointType, DataPointType.SUM, name);
      assert.equal(d.descriptor.unit, '{token}');
      assert.equal((d as MetricData & { isMonotonic: boolean }).isMonotonic, true);
      assert.deepEqual(points(d), [
        { attributes: { ...streamed.attributes, [Attr.genAiTokenModality]: 'text' }, value: tokens },
        { attributes: { ...base, [Attr.genAiTokenModality]: 'unknown' }, value: 0 },
      ]);
    }
    // Tokens per call: no modality, error.type and 0 for the failed call.
    const perCall = m.get(L.operationInputTokens)!;
    assert.equal(perCall.descriptor.unit, '{token}');
    assert.deepEqual(
      (perCall.dataPoints[0]!.value as Histogram).buckets.boundaries,
      [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
    );
    assert.deepEqual(points(perCall), [
      { attributes: streamed.attributes, value: { count: 1, sum: 900 } },
      { attributes: { ...base, [Attr.errorType]: 'timeout' }, value: { count: 1, sum: 0 } },
    ]);
    assert.deepEqual(
      points(m.get(L.operationOutputTokens)).map((p) => p.value.valueOf()),
      [
        { count: 1, sum: 40 },
        { count: 1, sum: 0 },
      ],
    );
  });

  it('latest: cached input tokens count when the server reports them, 0 included', async () => {
    const m = await recorded('latest', [
      { ...streamed, cacheReadInputTokens: 512 },
      { ...streamed, cacheReadInputTokens: 0 },
      streamed,
    ]);
    assert.deepEqual(points(m.get(LatestMetricName.usageCacheReadInputTokens)), [
      { attributes: { ...streamed.attributes, [Attr.genAiTokenModality]: 'text' }, value: 512 },
    ]);
    assert.deepEqual(
      points(m.get(LatestMetricName.usageInputTokens)).map((p) => p.value),
      [2700],
    );
  });

  it('a non-streamed call has no chunk timings under either convention', async () => {
    const plain: LlmCallMeasurement = { durationS: 1, attributes: base, inputTokens: 5, outputTokens: 6 };
    for (const convention of ['v1.41', 'latest'] as const) {
      const m = await recorded(convention, [plain]);
      for (const name of [
        MetricName.timeToFirstChunk,
        MetricName.timePerOutputChunk,
        LatestMetricName.timeToFirstChunk,
        LatestMetricName.timePerOutputChunk,
      ]) {
        assert.equal(m.has(name), false, `${convention}: ${name}`);
      }
    }
  });
});
