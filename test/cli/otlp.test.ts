import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSpool, spansOfRequest } from '../../src/export/spool-reader.js';
import { Attr, Kind, LatestMetricName, MetricName } from '../../src/telemetry/names.js';
import { FAST, runCli, runDirOf, tempDir } from '../helpers.js';

interface MetricsRequest {
  resourceMetrics: {
    scopeMetrics: {
      metrics: {
        name: string;
        unit?: string;
        histogram?: {
          dataPoints: {
            count: string | number;
            attributes: { key: string; value: { stringValue?: string } }[];
          }[];
        };
        sum?: {
          isMonotonic?: boolean;
          dataPoints: { attributes: { key: string; value: { stringValue?: string } }[] }[];
        };
      }[];
    }[];
  }[];
}

/** A stand-in collector: accepts OTLP/HTTP JSON on /v1/traces and /v1/metrics and keeps the bodies. */
async function collector() {
  const traces: unknown[] = [];
  const metrics: MetricsRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
      if (req.url === '/v1/traces') traces.push(body);
      else if (req.url === '/v1/metrics') metrics.push(body as MetricsRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traces,
    metrics,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('sends every spooled span and the GenAI metrics', async () => {
    const c = await collector();
    try {
      const r = await runCli(['run', ...FAST, '--num-tasks', '4', '--output-dir', tmp.path], {
        OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
      });
      assert.equal(r.code, 0, r.stderr);
      const { spans } = await readSpool(join(runDirOf(r.stdout), 'spans.otlp.jsonl'));
      const sent = c.traces.flatMap((t) => spansOfRequest(t as Parameters<typeof spansOfRequest>[0]));
      // Harness and in-process simulator spans both go out, so Tempo shows the server side under each call.
      assert.deepEqual(sent.map((s) => s.spanId).sort(), spans.map((s) => s.spanId).sort());
      assert.ok(sent.some((s) => s.resource[Attr.serviceName] === 'tau2-sim'));

      const metrics = c.metrics.flatMap((m) =>
        m.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics)),
      );
      const names = new Set(metrics.map((m) => m.name));
      for (const name of [MetricName.operationDuration, MetricName.tokenUsage, MetricName.timeToFirstChunk]) {
        assert.ok(names.has(name), `metric ${name}`);
      }
      const ttfc = metrics.find((m) => m.name === MetricName.timeToFirstChunk)!;
      assert.equal(ttfc.unit, 's');
      const kinds = new Set(
        ttfc.histogram!.dataPoints.flatMap((p) =>
          p.attributes.filter((a) => a.key === Attr.kind).map((a) => a.value.stringValue),
        ),
      );
      assert.ok(kinds.has(Kind.llmCall) && kinds.has(Kind.userSim), `kinds ${[...kinds]}`);
      const points = ttfc.histogram!.dataPoints.filter((p) =>
        p.attributes.some(
          (a) => a.key === Attr.runId && a.value.stringValue === runDirOf(r.stdout).split('/').pop(),
        ),
      );
      assert.ok(points.length > 0, 'data points carry tau2.run.id');
    } finally {
      await c.close();
    }
  });

  it('with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental: the latest GenAI metric names only', async () => {
    const c = await collector();
    try {
      const r = await runCli(['run', ...FAST, '--num-tasks', '2', '--output-dir', tmp.path], {
        OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
        OTEL_SEMCONV_STABILITY_OPT_IN: 'http,gen_ai_latest_experimental',
      });
      assert.equal(r.code, 0, r.stderr);
      const metrics = c.metrics.flatMap((m) =>
        m.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics)),
      );
      const names = new Set(metrics.map((m) => m.name));
      for (const name of [
        LatestMetricName.inferenceDuration,
        LatestMetricName.timeToFirstChunk,
        LatestMetricName.timePerOutputChunk,
        LatestMetricName.usageInputTokens,
        LatestMetricName.usageOutputTokens,
        LatestMetricName.operationInputTokens,
        LatestMetricName.operationOutputTokens,
      ]) {
        assert.ok(names.has(name), `metric ${name}`);
      }
      // "do not emit the old one"; tau2's own metrics are not GenAI conventions and stay.
      for (const name of [
        MetricName.operationDuration,
        MetricName.tokenUsage,
        MetricName.timeToFirstChunk,
        MetricName.timePerOutputChunk,
      ]) {
        assert.ok(!names.has(name), `v1.41 metric ${name} still sent`);
      }
      assert.ok(names.has(MetricName.tasksCompleted));
      const usage = metrics.find((m) => m.name === LatestMetricName.usageInputTokens)!;
      assert.ok(usage.sum?.isMonotonic, 'usage is a monotonic counter');
      const modalities = new Set(
        usage.sum!.dataPoints.flatMap((p) =>
          p.attributes.filter((a) => a.key === Attr.genAiTokenModality).map((a) => a.value.stringValue),
        ),
      );
      assert.deepEqual([...modalities], ['text']);
    } finally {
      await c.close();
    }
  });

  it('warns about a gen_ai opt-in value the conventions do not define, and keeps the v1.41 names', async () => {
    const c = await collector();
    try {
      const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', tmp.path], {
        OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
        OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental/dup',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /warning: OTEL_SEMCONV_STABILITY_OPT_IN: ignoring gen_ai_latest_experimental\/dup \(the GenAI conventions define only gen_ai_latest_experimental\)/,
      );
      const names = new Set(
        c.metrics.flatMap((m) =>
          m.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name))),
        ),
      );
      assert.ok(names.has(MetricName.timeToFirstChunk));
      assert.ok(!names.has(LatestMetricName.timeToFirstChunk));
    } finally {
      await c.close();
    }
  });
});
