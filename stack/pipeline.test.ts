/**
 * The pipeline for real, on loopback: otelcol-tau2, Jaeger v2 and Prometheus started from their binaries with
 * the project's own config files (ports, data paths and, for the rules, evaluation intervals substituted), fed
 * by seeded runs of `tau2-trace run` against simulated servers. Run by `npm run test:stack` (scripts/test-stack
 * builds or installs the binaries and passes their paths in OTELCOL_BIN, JAEGER_BIN, PROMETHEUS_BIN and
 * PROMTOOL_BIN).
 *
 * Jaeger is the trace store proven here: collector → Jaeger → `stats --jaeger` equal to the spool. Tempo is
 * AGPL and never built by this project (DESIGN.md, Licences): the collector's Tempo exporter points at a closed
 * port, its failures are expected and left out of the exporter checks, and Tempo's HTTP API is tested against
 * its documented format in test/export/tempo-reader.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type SimProcess, simModelFlags, startSim, stopAll, tempDir, writeModelConfig } from '../bench/lib.js';
import { parse } from 'yaml';
import { readSpool, type SpoolSpan } from '../src/export/spool-reader.js';
import { readJaegerRun } from '../src/export/jaeger-reader.js';
import { LatestCounter, LatestHistogram } from '../src/grafana/metrics.js';
import { Attr, Kind, SpanName } from '../src/telemetry/names.js';
import {
  eventually,
  getJson,
  promQuery,
  type Service,
  startService,
  stopServices,
  sumExposition,
  waitReady,
} from './services.js';
import { alertQueries, dashboardQueries, substitute } from '../test/grafana/extract.js';
import { closedPort } from '../test/helpers.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const env = process.env;
const OTELCOL = env.OTELCOL_BIN ?? '';
const JAEGER = env.JAEGER_BIN ?? '';
const PROMETHEUS = env.PROMETHEUS_BIN || 'prometheus';
const PROMTOOL = env.PROMTOOL_BIN || 'promtool';
/** Trials per task of the baseline run: 14 demo tasks × 4 = 56 trials at concurrency 48. */
const TRIALS = '4';

const tmp = tempDir('tau2-stack-');
const logs = join(tmp.dir, 'logs');
mkdirSync(logs);
const ports: Record<string, number> = {};
let collector: Service | undefined;
let collectorEnv: Record<string, string> = {};
let prom = '';
let jaeger = '';
const sims: SimProcess[] = [];
const runs: Record<string, { dir: string; id: string; wallMs: number; endSec: number; stderr: string }> = {};

/** The Prometheus config as shipped, pointed at this test's ports, with 1 s scrape and rule intervals. */
function prometheusConfig(): string {
  const rulesDir = join(tmp.dir, 'rules');
  mkdirSync(rulesDir);
  for (const f of readdirSync(join(root, 'prometheus/rules'))) {
    // Alerts wait `for:` minutes in production; seconds here, so a regression shows within the test.
    const text = readFileSync(join(root, 'prometheus/rules', f), 'utf8').replace(/for: \d+m/g, 'for: 5s');
    writeFileSync(join(rulesDir, f), text);
  }
  return readFileSync(join(root, 'prometheus/prometheus.yml'), 'utf8')
    .replace(/(scrape|evaluation)_interval: 15s/g, '$1_interval: 1s')
    .replace('rules/*.yml', join(rulesDir, '*.yml'))
    .replace('otel-collector:8888', `127.0.0.1:${ports.collectorMetrics}`)
    .replace('localhost:9090', `127.0.0.1:${ports.prometheus}`)
    .replace('vllm:8000', new URL(sims[0]!.baseUrl).host);
}

async function startCollector(): Promise<void> {
  collector = startService('otelcol', OTELCOL, ['--config', join(root, 'collector/config.yaml')], collectorEnv, logs);
  await waitReady(collector, `http://127.0.0.1:${ports.health}/`);
}

/** Runs the demo against `sim` with spans and metrics going to the collector. */
async function demoRun(
  name: string,
  sim: SimProcess,
  extra: string[] = [],
  trials = TRIALS,
  runEnv: Record<string, string> = {},
) {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  const r = await runCli(
    [
      'run',
      '--quiet',
      '--seed',
      '7',
      '--num-trials',
      trials,
      '--max-concurrency',
      '48',
      '--output-dir',
      join(dir, 'runs'),
      '--name',
      name,
      ...simModelFlags(writeModelConfig(dir, sim.baseUrl)),
      ...extra,
    ],
    {
      timeoutMs: 300_000,
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}`,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        ...runEnv,
      },
    },
  );
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!);
  runs[name] = {
    dir: runDir,
    id: runDir.split('/').pop()!,
    wallMs: r.wallMs,
    endSec: Date.now() / 1000,
    stderr: r.stderr,
  };
  return runs[name]!;
}

/**
 * When to evaluate a dashboard's `rate(…[1m])` about run `r`: shortly after its end, so the window holds the
 * run's last minute plus the span-metric flushes (every 2 s here) that follow its last spans. Evaluating at the
 * run's end, as before, left a one-trial run's task series with a single sample before it, and no rate, whenever
 * the harness shut down within two flush intervals of its last task (seen in CI). Prometheus evaluates a time
 * still in the future with the samples it has, and the callers retry until the flushes arrive.
 */
function rateTime(r: { endSec: number }): number {
  return r.endSec + 15;
}

/**
 * What a TraceQL query needs on the spans to return anything: the attributes of its `{ … }` filters and of its
 * aggregates (`avg_over_time(span.x)`), and span names it matches. Columns of `select(…)` and `by (…)` only
 * shape the answer, and intrinsics such as `duration` are on every span.
 */
function traceqlNeeds(query: string): string[] {
  const core = query.replace(/\|\s*select\([^)]*\)/g, '').replace(/\bby\s*\([^)]*\)/g, '');
  const attrs = [...core.matchAll(/\b((?:span|resource)\.[A-Za-z0-9_.]+)/g)].map((m) => m[1]!);
  const names = [...core.matchAll(/\bname\s*=\s*"([^"]+)"/g)].map((m) => `name=${m[1]}`);
  return [...new Set([...attrs, ...names])];
}

/** Exposition label filter: everything but the Tempo exporter's series (Tempo is not run here). */
const notTempo = (labels: string) => !labels.includes('otlp_grpc/tempo');

const trialCount = (runDir: string) =>
  (JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { results: unknown[] }).results.length;

async function spoolSpans(runDir: string): Promise<SpoolSpan[]> {
  return (await readSpool(join(runDir, 'spans.otlp.jsonl'))).spans;
}

/** Waits until Jaeger holds every spool span of the run (by span id), then returns Jaeger's spans. */
async function jaegerHasRun(runDir: string, runId: string): Promise<SpoolSpan[]> {
  const want = new Set((await spoolSpans(runDir)).map((s) => s.spanId));
  return eventually(
    `Jaeger has all ${want.size} spans of ${runId}`,
    async () => {
      const got = await readJaegerRun(jaeger, runId);
      const ids = new Set(got.map((s) => s.spanId));
      return [...want].every((id) => ids.has(id)) ? got : undefined;
    },
    90_000,
  );
}

describe('the pipeline on loopback', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    assert.ok(OTELCOL, 'OTELCOL_BIN is not set: run this through npm run test:stack');
    assert.ok(JAEGER, 'JAEGER_BIN is not set: run this through npm run test:stack');
    for (const p of [
      'otlpGrpc',
      'otlpHttp',
      'health',
      'collectorMetrics',
      'prometheus',
      'tempoOtlpGrpc',
      'jaegerOtlpGrpc',
      'jaegerQueryHttp',
      'jaegerQueryGrpc',
      'jaegerHealth',
      'jaegerMetrics',
    ]) {
      ports[p] = await closedPort();
    }
    const simEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}` };
    // The baseline's and the control's server, scraped as "vLLM"; and one whose prefill is 2x slower.
    // Prefix caching off: the baseline, control and later runs share sims[0], and its cache would give each
    // run after the first the previous ones' prompts as hits (and hide the slower sim's doubled prefill), so
    // the TTFTs the regression alert compares would measure the cache, not the server (seen in CI).
    const noCache = '--no-enable-prefix-caching';
    sims.push(await startSim(['--seed', '1', noCache], 30_000, simEnv));
    sims.push(await startSim(['--seed', '1', noCache, '--prefill-ms-per-token', '0.08'], 30_000, simEnv));

    const j = startService(
      'jaeger',
      JAEGER,
      ['--config', join(root, 'jaeger/config.yaml')],
      {
        JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.jaegerOtlpGrpc}`,
        JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${ports.jaegerQueryHttp}`,
        JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${ports.jaegerQueryGrpc}`,
        JAEGER_HEALTH_ENDPOINT: `127.0.0.1:${ports.jaegerHealth}`,
        JAEGER_METRICS_HOST: '127.0.0.1',
        JAEGER_METRICS_PORT: String(ports.jaegerMetrics),
      },
      logs,
    );
    jaeger = `http://127.0.0.1:${ports.jaegerQueryHttp}`;
    await waitReady(j, `http://127.0.0.1:${ports.jaegerHealth}/status`, 60_000);
    await waitReady(j, `${jaeger}/api/v3/services`, 60_000);

    writeFileSync(join(tmp.dir, 'prometheus.yml'), prometheusConfig());
    const p = startService(
      'prometheus',
      PROMETHEUS,
      [
        `--config.file=${join(tmp.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(tmp.dir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        '--web.enable-remote-write-receiver',
      ],
      {},
      logs,
    );
    prom = `http://127.0.0.1:${ports.prometheus}`;
    await waitReady(p, `${prom}/-/ready`);

    collectorEnv = {
      OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.otlpGrpc}`,
      OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.otlpHttp}`,
      VLLM_METRICS_TARGET: new URL(sims[0]!.baseUrl).host,
      VLLM_SCRAPE_INTERVAL: '1s',
      // Tempo is not run here (AGPL, not built): a closed port; that exporter's failures are left out below.
      TEMPO_OTLP_ENDPOINT: `127.0.0.1:${ports.tempoOtlpGrpc}`,
      JAEGER_OTLP_ENDPOINT: `127.0.0.1:${ports.jaegerOtlpGrpc}`,
      PROMETHEUS_REMOTE_WRITE_URL: `${prom}/api/v1/write`,
      SPANMETRICS_FLUSH_INTERVAL: '2s',
      HEALTH_CHECK_ENDPOINT: `127.0.0.1:${ports.health}`,
      OTELCOL_METRICS_HOST: '127.0.0.1',
      OTELCOL_METRICS_PORT: String(ports.collectorMetrics),
    };
    await startCollector();
  });

  after(async () => {
    await stopServices();
    await stopAll();
    if (!env.KEEP_STACK_TMP) tmp.remove();
    else process.stderr.write(`kept ${tmp.dir}\n`);
  });

  it('otelcol and jaeger validate their configs; promtool unit tests of the rules pass', () => {
    const v = spawnSync(OTELCOL, ['validate', '--config', join(root, 'collector/config.yaml')], {
      encoding: 'utf8',
    });
    assert.equal(v.status, 0, v.stderr);
    const jv = spawnSync(JAEGER, ['validate', '--config', join(root, 'jaeger/config.yaml')], { encoding: 'utf8' });
    assert.equal(jv.status, 0, jv.stderr);
    const t = spawnSync(PROMTOOL, ['test', 'rules', join(root, 'prometheus/tests/tau2.rules.test.yml')], {
      encoding: 'utf8',
    });
    assert.equal(t.status, 0, `${t.stdout}${t.stderr}`);
    assert.match(t.stdout, /SUCCESS/);
  });

  it('a baseline run at concurrency 48: the collector drops no span', async () => {
    const r = await demoRun('baseline', sims[0]!, ['--baseline']);
    const sent = (await spoolSpans(r.dir)).length;
    // The collector takes what the harness and the simulator sent; its own counters say nothing was lost.
    const metricsUrl = `http://127.0.0.1:${ports.collectorMetrics}/metrics`;
    const text = await eventually(
      'the collector accepted the run',
      async () => {
        const t = await (await fetch(metricsUrl)).text();
        return sumExposition(t, 'otelcol_receiver_accepted_spans').sum >= sent ? t : undefined;
      },
      30_000,
    );
    const accepted = sumExposition(text, 'otelcol_receiver_accepted_spans').sum;
    const refused = sumExposition(text, 'otelcol_receiver_refused_spans').sum;
    const failed = sumExposition(text, 'otelcol_exporter_send_failed_spans', notTempo);
    assert.equal(refused, 0, 'refused spans');
    assert.equal(failed.sum, 0, 'spans the exporters failed to send');
    assert.equal(sumExposition(text, 'otelcol_exporter_send_failed_metric_points').sum, 0, 'failed metric points');
    process.stderr.write(
      `baseline: ${trialCount(r.dir)} trials, ${sent} spans from the harness, ${accepted} accepted by the collector ` +
        `(with the simulator's), ${(accepted / (r.wallMs / 1000)).toFixed(0)} spans/s over the run's ${(r.wallMs / 1000).toFixed(1)} s\n`,
    );
  });

  it('every task trial is in Jaeger, found by service and tau2.run.id, with its whole hierarchy', async () => {
    const r = runs.baseline!;
    const spans = await jaegerHasRun(r.dir, r.id);
    const tasks = spans.filter((s) => s.attributes[Attr.kind] === Kind.task);
    assert.equal(new Set(tasks.map((s) => s.traceId)).size, trialCount(r.dir));
    // one trace per task trial
    assert.equal(tasks.length, trialCount(r.dir));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const kindOf = (id: string | undefined) => (id ? byId.get(id)?.attributes[Attr.kind] : undefined);
    for (const s of spans) {
      const kind = s.attributes[Attr.kind];
      if (kind === Kind.step) assert.equal(kindOf(s.parentSpanId), Kind.task);
      if (kind === Kind.toolCall || kind === Kind.llmCall) assert.equal(kindOf(s.parentSpanId), Kind.step);
      if (s.name === SpanName.prefill) assert.equal(kindOf(s.parentSpanId), byId.get(s.parentSpanId!)?.attributes[Attr.kind]);
    }
    // The simulator's llm_request spans nest under the client's calls (traceparent).
    const served = spans.filter((s) => s.name === SpanName.llmRequest);
    assert.ok(served.length > 0 && served.every((s) => byId.has(s.parentSpanId!)));
  });

  it('stats --jaeger equals stats --spans of the same run, byte for byte', async () => {
    const r = runs.baseline!;
    const out = (d: string) => join(tmp.dir, d);
    const j = await runCli(['stats', '--jaeger', jaeger, '--run-id', r.id, '--out-dir', out('from-jaeger')], {
      timeoutMs: 120_000,
    });
    const s = await runCli(['stats', '--spans', r.dir, '--out-dir', out('from-spans')], { timeoutMs: 120_000 });
    // The same console text but for the output directory in the `Wrote` lines.
    const paths = (t: string, d: string) => t.replaceAll(realpathSync(out(d)), '<OUT>');
    assert.equal(paths(j.stdout, 'from-jaeger'), paths(s.stdout, 'from-spans'), 'console tables');
    assert.equal(
      readFileSync(join(out('from-jaeger'), 'timing_stats.json'), 'utf8'),
      readFileSync(join(out('from-spans'), 'timing_stats.json'), 'utf8'),
    );
    // The ext file names its source, and its server sections come from the simulator's `llm_request` spans: in
    // Jaeger (the simulator exports them to the collector) but not in the run's spool (the simulator is
    // another process). Everything else in it is the same.
    const ext = (d: string) => {
      const doc = JSON.parse(readFileSync(join(out(d), 'timing_stats_ext.json'), 'utf8'));
      const { source: _source, server, server_spans, ...rest } = doc;
      return { server, serverSpans: server_spans, rest: JSON.stringify(rest, null, 2) };
    };
    const [fromJaeger, fromSpans] = [ext('from-jaeger'), ext('from-spans')];
    assert.equal(fromJaeger.rest, fromSpans.rest);
    assert.equal(fromSpans.serverSpans.state, 'absent');
    // The simulator's last spans may still wait in its batch processor when the run ends (seen: 597 of 600
    // calls served): the server sections are there, for (nearly) every call.
    const { calls, served } = fromJaeger.serverSpans;
    assert.ok(served > 0 && served >= 0.95 * calls, JSON.stringify(fromJaeger.serverSpans));
    assert.ok(Object.keys(fromJaeger.server).includes('llm_call.queue'), Object.keys(fromJaeger.server).join());
  });

  it('Prometheus holds TTFT histograms per model, span metrics and the vLLM scrape', async () => {
    const id = runs.baseline!.id;
    const models = await eventually(
      'TTFT histograms of the agent and the user simulator',
      async () => {
        const rows = await promQuery(
          prom,
          `count by (gen_ai_request_model) (gen_ai_client_operation_time_to_first_chunk_seconds_bucket{tau2_run_id="${id}"})`,
        );
        const names = rows.map((x) => x.metric.gen_ai_request_model).sort();
        return names.includes('sim-orchestrator-8b') && names.includes('sim-user') ? names : undefined;
      },
      60_000,
    );
    assert.ok(models.length >= 3, models.join(', '));
    for (const q of [
      `traces_span_metrics_duration_milliseconds_bucket{tau2_run_id="${id}",tau2_kind="llm_call"}`,
      'vllm:num_requests_running{job="vllm"}',
      `tau2_tasks_planned{tau2_run_id="${id}"}`,
    ]) {
      await eventually(q, async () => ((await promQuery(prom, q)).length > 0 ? true : undefined), 60_000);
    }
  });

  it('a run with 2x slower prefill fires the TTFT regression alert; an unchanged control run does not', async () => {
    const [control, slow] = await Promise.all([demoRun('control', sims[0]!), demoRun('slower', sims[1]!)]);
    const firing = async (runId: string) =>
      (
        await promQuery(prom, `ALERTS{alertname="TTFTRegressionVsBaseline",alertstate="firing",tau2_run_id="${runId}"}`)
      ).map((x) => x.metric.gen_ai_request_model);
    const models = await eventually(
      'TTFTRegressionVsBaseline firing for the slower run',
      async () => {
        const m = await firing(slow.id);
        return m.includes('sim-orchestrator-8b') ? m : undefined;
      },
      120_000,
    );
    const ratio = async (runId: string) =>
      (
        await promQuery(
          prom,
          `tau2:ttft_seconds:p95_5m_by_run{tau2_run_id="${runId}",tau2_kind="llm_call"} / on (gen_ai_request_model, tau2_kind) group_left last_over_time(tau2:ttft_seconds:p95_baseline[1h])`,
        )
      )[0]?.value[1];
    process.stderr.write(
      `regression: fired for ${models.join(', ')}; agent TTFT p95 / baseline: slower ${await ratio(slow.id)}, control ${await ratio(control.id)}\n`,
    );
    assert.deepEqual(
      await promQuery(prom, `ALERTS{alertname="TTFTRegressionVsBaseline",tau2_run_id="${control.id}"}`),
      [],
      'the control run neither fires nor is pending',
    );
  });

  it('every query of the dashboards, alerts and rules has its data: PromQL in Prometheus, traces in Jaeger', async () => {
    const r = runs.baseline!;
    const traceId = (await spoolSpans(r.dir)).find((s) => s.name === SpanName.task)!.traceId;
    const subs = { runId: r.id, traceId, interval: '1m', range: '1h' };
    const runSpans = await jaegerHasRun(r.dir, r.id);
    const has = (s: SpoolSpan, need: string) =>
      need.startsWith('resource.')
        ? s.resource[need.slice('resource.'.length)] !== undefined
        : need.startsWith('name=')
          ? s.name === need.slice('name='.length)
          : s.attributes[need.slice('span.'.length)] !== undefined;
    const empty: string[] = [];
    const queries = [...dashboardQueries(), ...alertQueries()];
    assert.ok(queries.length > 10, `${queries.length} queries found`);
    // Recording rules must have recorded, and every series an alert reads must exist.
    const rules = parse(readFileSync(join(root, 'prometheus/rules/tau2.rules.yml'), 'utf8')) as {
      groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
    };
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      const names = rule.record ? [rule.record] : [...rule.expr.matchAll(/([a-z_][a-z0-9_]*:?[a-z0-9_:]*)\s*[{[]/g)].map((m) => m[1]!);
      for (const name of new Set(names)) {
        queries.push({ where: `prometheus/rules › ${rule.record ?? rule.alert} › ${name}`, language: 'promql', query: `count(${name})`, datasource: undefined });
      }
    }
    for (const q of queries) {
      const text = substitute(q.query, subs);
      const hasData = async (): Promise<true | undefined> => {
        if (q.language === 'promql') return (await promQuery(prom, text, rateTime(r))).length > 0 ? true : undefined;
        // The trace panel's trace, opened from Jaeger as Grafana's Jaeger datasource does.
        if (q.language === 'trace-id')
          return (await getJson(`${jaeger}/api/v3/traces/${text}?raw_traces=true`)).result ? true : undefined;
        // TraceQL is Tempo's language and Tempo is not run here: what can be proven is that the attributes
        // each query filters on or aggregates are on the run's spans in the trace store.
        const missing = traceqlNeeds(text).filter((need) => !runSpans.some((s) => has(s, need)));
        if (missing.length > 0) throw new Error(`not on any span of the run: ${missing.join(', ')}`);
        return true;
      };
      try {
        await eventually(q.where, hasData, 20_000);
      } catch (err) {
        empty.push(`${q.where}: ${text} (${(err as Error).message})`);
      }
    }
    assert.deepEqual(empty, [], `queries without data:\n${empty.join('\n')}`);
  });

  it('a run opted in to the latest GenAI conventions: its new metric names come through the collector, the v1.41 ones do not, and the dashboards and rules read them', async () => {
    const r = await demoRun('latest', sims[0]!, [], '1', { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' });
    // What the collector's remote write produced for this run: the names Prometheus stores.
    const genAiNames = async () =>
      new Set(
        (await promQuery(prom, `count by (__name__) ({__name__=~"gen_ai_.*", tau2_run_id="${r.id}"})`)).map(
          (x) => x.metric.__name__!,
        ),
      );
    const histograms = [
      LatestHistogram.timeToFirstChunk,
      LatestHistogram.inferenceDuration,
      LatestHistogram.timePerOutputChunk,
      LatestHistogram.inputTokensPerCall,
      LatestHistogram.outputTokensPerCall,
    ].flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]);
    // The cache_read counter too: the simulator models vLLM's prefix cache and reports cached tokens, as vLLM
    // does with --enable-prompt-tokens-details.
    const counters = [LatestCounter.inputTokens, LatestCounter.outputTokens, LatestCounter.cacheReadInputTokens];
    const expected = [...histograms, ...counters].sort();
    const names = await eventually(
      'the latest GenAI metrics of the run in Prometheus',
      async () => {
        const got = await genAiNames();
        return expected.every((n) => got.has(n)) ? got : undefined;
      },
      60_000,
    );
    assert.deepEqual([...names].sort(), expected, 'the run sent the latest GenAI names and no v1.41 one');
    const modalities = await promQuery(
      prom,
      `count by (gen_ai_token_modality) (${LatestCounter.inputTokens}{tau2_run_id="${r.id}"})`,
    );
    assert.deepEqual(
      modalities.map((x) => x.metric.gen_ai_token_modality),
      ['text'],
    );
    // The dashboards' PromQL about this run, the run-scoped recording rules: all have data from the new names.
    const traceId = (await spoolSpans(r.dir)).find((s) => s.name === SpanName.task)!.traceId;
    const subs = { runId: r.id, traceId, interval: '1m', range: '1h' };
    const queries = dashboardQueries()
      .filter((q) => q.language === 'promql')
      .map((q) => ({ where: q.where, text: substitute(q.query, subs) }));
    queries.push(
      ...['tau2:ttft_seconds:p95_5m_by_run', 'tau2:ttft_calls:rate5m_by_run'].map((rule) => ({
        where: `prometheus/rules › ${rule}`,
        text: `${rule}{tau2_run_id="${r.id}"}`,
      })),
    );
    const empty: string[] = [];
    for (const q of queries) {
      try {
        await eventually(
          q.where,
          async () => ((await promQuery(prom, q.text, rateTime(r))).length > 0 ? true : undefined),
          20_000,
        );
      } catch (err) {
        empty.push(`${q.where}: ${q.text} (${(err as Error).message})`);
      }
    }
    assert.deepEqual(empty, [], `queries without data for the opted-in run:\n${empty.join('\n')}`);
    process.stderr.write(`latest GenAI names: ${names.size} series names for run ${r.id}, ${queries.length} queries with data\n`);
  });

  it('a run made with the collector stopped reaches Jaeger complete after tau2-trace replay', async () => {
    await collector!.stop();
    // A failed export fails the run's exit status unless allowed; either way it says how to send the spans.
    const r = await demoRun('offline', sims[0]!, ['--num-tasks', '3', '--allow-errors'], '1');
    assert.match(r.stderr, /warning: OTLP export to .* failed for \d+ of \d+ spans.*tau2-trace replay /);
    const spool = (await spoolSpans(r.dir)).length;
    assert.equal(trialCount(r.dir), 3);
    await startCollector();
    const replay = await runCli(['replay', r.dir, '--endpoint', `http://127.0.0.1:${ports.otlpHttp}`], {
      timeoutMs: 60_000,
    });
    assert.match(replay.stderr, new RegExp(`sent ${spool} spans`));
    const again = await runCli(['replay', r.dir, '--endpoint', `http://127.0.0.1:${ports.otlpHttp}`], {
      timeoutMs: 60_000,
    });
    assert.match(again.stderr, /already replayed/);
    const text = await (await fetch(`http://127.0.0.1:${ports.collectorMetrics}/metrics`)).text();
    // The restarted collector took the replayed spans (and maybe the simulator's late retries).
    assert.ok(sumExposition(text, 'otelcol_receiver_accepted_spans').sum >= spool);
    const spans = await jaegerHasRun(r.dir, r.id);
    assert.equal(new Set(spans.filter((s) => s.name === SpanName.task).map((s) => s.traceId)).size, 3);
  });

  it('the collector takes a burst of replayed spans without refusing or failing any', async () => {
    // 20 copies of the baseline run's spool, sent as fast as replay posts. Jaeger's memory store keeps the
    // copies as duplicate spans of the baseline's traces, so this test stays the last one that reads them.
    const lines = readFileSync(join(runs.baseline!.dir, 'spans.otlp.jsonl'), 'utf8').split('\n').filter(Boolean);
    const burstDir = join(tmp.dir, 'burst');
    mkdirSync(burstDir);
    writeFileSync(join(burstDir, 'spans.otlp.jsonl'), `${Array.from({ length: 20 }, () => lines.join('\n')).join('\n')}\n`);
    const spans = (await spoolSpans(burstDir)).length;
    const metricsUrl = `http://127.0.0.1:${ports.collectorMetrics}/metrics`;
    const before = sumExposition(await (await fetch(metricsUrl)).text(), 'otelcol_receiver_accepted_spans').sum;
    const r = await runCli(['replay', burstDir, '--endpoint', `http://127.0.0.1:${ports.otlpHttp}`], {
      timeoutMs: 120_000,
    });
    assert.match(r.stderr, new RegExp(`sent ${spans} spans`));
    const text = await (await fetch(metricsUrl)).text();
    assert.equal(sumExposition(text, 'otelcol_receiver_accepted_spans').sum - before, spans);
    assert.equal(sumExposition(text, 'otelcol_receiver_refused_spans').sum, 0, 'refused spans');
    const failed = sumExposition(text, 'otelcol_exporter_send_failed_spans', notTempo);
    assert.equal(failed.sum, 0, 'spans the exporters failed to send');
    process.stderr.write(
      `burst: ${spans} spans replayed in ${(r.wallMs / 1000).toFixed(2)} s (process start included): ` +
        `${(spans / (r.wallMs / 1000)).toFixed(0)} spans/s, none refused or failed\n`,
    );
  });
});
