/**
 * startTelemetry under the standard OTEL_* variables: each OTLP protocol reaches a real receiver and is
 * accounted for, a sampler never takes spans from the spool and exports whole traces only (across the
 * harness's and a simulated server's pipelines), OTEL_TRACES_EXPORTER=none still spools, and
 * OTEL_RESOURCE_ATTRIBUTES lands on spooled spans.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { readSpool, type SpoolSpan } from '../../src/export/spool-reader.js';
import type { OtlpProtocol } from '../../src/telemetry/env.js';
import { Attr } from '../../src/telemetry/names.js';
import { startTelemetry, type Telemetry } from '../../src/telemetry/setup.js';
import { createSpoolWriter } from '../../src/telemetry/spool.js';
import { UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';
import { grpcReceiver, type ReceivedSpan, receiver, withEnv } from './collectors.js';

/**
 * Every variable these tests touch, unset (metrics off: the receivers take traces only), so each test starts
 * from a clean environment.
 */
const CLEAN: Record<string, string | undefined> = Object.fromEntries(
  [
    ['OTEL_METRICS_EXPORTER', 'none'],
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_TRACES_EXPORTER',
    'OTEL_TRACES_SAMPLER',
    'OTEL_TRACES_SAMPLER_ARG',
    'OTEL_RESOURCE_ATTRIBUTES',
    'OTEL_SERVICE_NAME',
    'OTEL_SDK_DISABLED',
    'OTEL_NODE_RESOURCE_DETECTORS',
  ].map((k) => (typeof k === 'string' ? [k, undefined] : k)),
);
const propagator = new W3CTraceContextPropagator();
const SPANS_PER_TRACE = 4;

/**
 * `n` traces: task → step → chat in the harness's pipeline, and the server's `llm_request` in the simulator's,
 * under the chat span as a `traceparent` header carries it (so it follows the harness's sampling decision).
 */
function emitTraces(harness: Telemetry, sim: Telemetry, n: number): void {
  for (let i = 0; i < n; i++) {
    const task = harness.tracer.startSpan('task', {}, ROOT_CONTEXT);
    const step = harness.tracer.startSpan('step', {}, trace.setSpan(ROOT_CONTEXT, task));
    const chat = harness.tracer.startSpan('chat m', {}, trace.setSpan(ROOT_CONTEXT, step));
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, chat), headers, {
      set: (h, k, v) => {
        h[k] = v;
      },
    });
    const remote = propagator.extract(ROOT_CONTEXT, headers, {
      get: (h, k) => h[k],
      keys: (h) => Object.keys(h),
    });
    sim.tracer.startSpan('llm_request', {}, remote).end();
    chat.end();
    step.end();
    task.end();
  }
}

/** Runs the two pipelines on one spool, as a run with the embedded simulator does; returns what they did. */
async function pipelines(dir: string, n: number, resource = {}) {
  const file = join(dir, `spans-${Math.random().toString(16).slice(2)}.jsonl`);
  const spool = createSpoolWriter(file);
  const harness = startTelemetry({ serviceName: 'tau2-harness', serviceVersion: '0', spool, resource });
  const sim = startTelemetry({ serviceName: 'tau2-sim', serviceVersion: '0', spool, ownsSpool: false });
  await Promise.all([harness.ready(), sim.ready()]);
  emitTraces(harness, sim, n);
  await Promise.all([harness.forceFlush(), sim.forceFlush()]);
  const report = harness.exportReport();
  await sim.shutdown();
  await harness.shutdown();
  return { spooled: (await readSpool(file)).spans, report, otlp: harness.otlp };
}

/** Spans grouped by trace id. */
function byTrace<T extends { traceId: string }>(spans: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const s of spans) m.set(s.traceId, [...(m.get(s.traceId) ?? []), s]);
  return m;
}

/** Asserts every exported trace is whole: the same span ids as its spooled trace. */
function assertWholeTraces(sent: ReceivedSpan[], spooled: SpoolSpan[]): void {
  const all = byTrace(spooled);
  for (const [id, spans] of byTrace(sent)) {
    const ids = (s: { spanId: string }[]) => s.map((x) => x.spanId).sort();
    assert.deepEqual(ids(spans), ids(all.get(id) ?? []), `trace ${id} exported whole`);
  }
}

describe('startTelemetry and the standard OTEL_* variables', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  for (const protocol of ['http/json', 'http/protobuf', 'grpc'] as OtlpProtocol[]) {
    it(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: every span reaches the receiver, and the report says so`, async () => {
      const rx = await receiver(protocol);
      try {
        const env = { ...CLEAN, OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol };
        const { spooled, report, otlp } = await withEnv(env, () => pipelines(tmp.path, 5));
        assert.equal(spooled.length, 5 * SPANS_PER_TRACE);
        assert.deepEqual(rx.spans.map((s) => s.spanId).sort(), spooled.map((s) => s.spanId).sort());
        assert.ok(otlp);
        const endpoint = protocol === 'grpc' ? rx.url : `${rx.url}/v1/traces`;
        // The harness's own account: its 3 spans per trace (the simulator's pipeline has its own).
        assert.deepEqual(report, { endpoint, exportedSpans: 15, failedSpans: 0, failedMetricExports: 0 });
      } finally {
        await rx.close();
      }
    });
  }

  it('a final flush of a queue holding more batches than the exporter default of 30 in flight loses none', async () => {
    const rx = await receiver('http/json');
    try {
      const env = {
        ...CLEAN,
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        // 3,000 harness spans wait in the queue until the flush: 94 batches of 32 leave at once.
        OTEL_BSP_MAX_QUEUE_SIZE: '4096',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '32',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      };
      const { spooled, report } = await withEnv(env, () => pipelines(tmp.path, 1000));
      assert.equal(report?.failedSpans, 0, report?.lastError);
      assert.equal(report?.exportedSpans, 3000);
      assert.equal(rx.spans.length, spooled.length);
    } finally {
      await rx.close();
    }
  });

  it('a gRPC collector that refuses: the report counts the spans as failed, with the reason', async () => {
    const rx = await grpcReceiver(grpc.status.INVALID_ARGUMENT);
    try {
      const env = {
        ...CLEAN,
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      };
      const { spooled, report } = await withEnv(env, () => pipelines(tmp.path, 2));
      assert.equal(spooled.length, 2 * SPANS_PER_TRACE, 'the spool does not depend on the collector');
      assert.equal(report?.exportedSpans, 0);
      assert.equal(report?.failedSpans, 6);
      assert.match(report?.lastError ?? '', /refused by the test/);
    } finally {
      await rx.close();
    }
  });

  for (const ratio of ['0', '0.5']) {
    it(`OTEL_TRACES_SAMPLER=parentbased_traceidratio, ratio ${ratio}: the spool keeps every span, whole traces go out`, async () => {
      const rx = await receiver('http/json');
      try {
        const env = {
          ...CLEAN,
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: ratio,
        };
        const n = 40;
        const { spooled, report } = await withEnv(env, () => pipelines(tmp.path, n));
        assert.equal(spooled.length, n * SPANS_PER_TRACE, 'sampling never drops spans from the spool');
        assertWholeTraces(rx.spans, spooled);
        const sentTraces = byTrace(rx.spans).size;
        if (ratio === '0') assert.equal(sentTraces, 0);
        // 40 random trace ids at 0.5: all or none would happen once in 2^39 runs.
        else assert.ok(sentTraces > 0 && sentTraces < n, `${sentTraces} of ${n} traces exported`);
        // Spans the sampler left out are not "dropped": the report counts only what was meant to go out.
        assert.equal(report?.failedSpans, 0);
        assert.equal(report?.exportedSpans, sentTraces * 3);
      } finally {
        await rx.close();
      }
    });
  }

  it('OTEL_TRACES_EXPORTER=none: nothing goes out even with an endpoint set, and every span is spooled', async () => {
    const rx = await receiver('http/json');
    try {
      const env = { ...CLEAN, OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_TRACES_EXPORTER: 'none' };
      const { spooled, otlp } = await withEnv({ ...env, OTEL_METRICS_EXPORTER: 'none' }, () =>
        pipelines(tmp.path, 3),
      );
      assert.equal(spooled.length, 3 * SPANS_PER_TRACE);
      assert.equal(rx.spans.length, 0);
      assert.equal(otlp, false);
    } finally {
      await rx.close();
    }
  });

  it('OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME land on spooled spans and win over ours', async () => {
    const env = {
      ...CLEAN,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci,tau2.run.id=from-env',
      OTEL_SERVICE_NAME: 'my-harness',
    };
    const resource = { [Attr.runId]: 'ours', 'tau2.shard.index': 1 };
    const { spooled } = await withEnv(env, () => pipelines(tmp.path, 1, resource));
    const harnessSpan = spooled.find((s) => s.name === 'task')!;
    assert.equal(harnessSpan.resource['deployment.environment.name'], 'ci');
    assert.equal(harnessSpan.resource[Attr.runId], 'from-env');
    assert.equal(harnessSpan.resource[Attr.serviceName], 'my-harness');
    assert.equal(harnessSpan.resource['tau2.shard.index'], 1, 'options.resource is kept');
    assert.ok(spooled.every((s) => s.resource['deployment.environment.name'] === 'ci'));
  });

  it("sdk-node's readers: OTEL_NODE_RESOURCE_DETECTORS and the span limits apply", async () => {
    const file = join(tmp.path, 'limits.jsonl');
    const env = { ...CLEAN, OTEL_NODE_RESOURCE_DETECTORS: 'os', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4' };
    await withEnv(env, async () => {
      const spool = createSpoolWriter(file);
      const t = startTelemetry({ serviceName: 's', serviceVersion: '0', spool });
      await t.ready();
      t.tracer.startSpan('task', { attributes: { long: 'abcdefgh' } }, ROOT_CONTEXT).end();
      await t.shutdown();
    });
    const [span] = (await readSpool(file)).spans;
    assert.equal(span?.attributes.long, 'abcd');
    assert.equal(typeof span?.resource['os.type'], 'string', 'the os detector ran');
    assert.equal(span?.resource['host.name'], undefined, 'the host detector was not named');
  });

  it('a variable naming an exporter, protocol or sampler that does not exist is an error naming it', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ OTEL_TRACES_EXPORTER: 'zipkn' }, /OTEL_TRACES_EXPORTER=zipkn/],
      [
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http' },
        /OTEL_EXPORTER_OTLP_PROTOCOL=http: /,
      ],
      [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER=sometimes/],
      [{ OTEL_METRICS_EXPORTER: 'otlp,none' }, /OTEL_METRICS_EXPORTER=otlp,none/],
    ];
    for (const [vars, message] of cases) {
      await withEnv({ ...CLEAN, ...vars }, async () => {
        assert.throws(
          () => startTelemetry({ serviceName: 's', serviceVersion: '0' }),
          (e: unknown) => e instanceof UsageError && message.test(e.message),
          JSON.stringify(vars),
        );
      });
    }
  });
});
