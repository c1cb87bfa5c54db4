import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { LLM_LATENCY_UID, RUN_OVERVIEW_UID, TASK_EXPLORER_UID } from '../../src/grafana/dashboards.js';
import { fromEnv } from '../../src/grafana/datasources.js';
import { DASHBOARDS_MOUNT, generatedFiles } from '../../src/grafana/files.js';
import {
  ALL_METRIC_NAMES,
  Gauge,
  GenAiHistogram,
  Histogram,
  Label,
  LatestCounter,
  LatestHistogram,
} from '../../src/grafana/metrics.js';
import { createSimMetrics } from '../../src/sim/metrics.js';
import { Attr, LatestMetricName, MetricName } from '../../src/telemetry/names.js';
import { repoRoot } from '../helpers.js';
import {
  alertQueries,
  dashboardQueries,
  type FoundQuery,
  readDashboards,
  readYaml,
  substitute,
} from './extract.js';
import { promqlNames, traceqlAttributes } from './promql-names.js';

interface DatasourceFile {
  datasources: { uid: string; type: string; url: string; jsonData: Record<string, unknown> }[];
}

const allQueries = (): FoundQuery[] => [...dashboardQueries(), ...alertQueries()];
const KNOWN_LABELS = new Set<string>([...Object.values(Label), 'le']);
const KNOWN_ATTRIBUTES = new Set<string>(Object.values(Attr));

test('the committed Grafana files are what the generator builds (run `npm run dashboards`)', () => {
  for (const file of generatedFiles()) {
    const committed = readFileSync(join(repoRoot, file.path), 'utf8');
    assert.equal(committed, file.content, `${file.path} is out of date`);
  }
});

test('each dashboard has its fixed, unique uid and a run_id variable over Prometheus with All', () => {
  const dashboards = Object.values(readDashboards());
  const uids = dashboards.map((d) => d.uid).sort();
  assert.deepEqual(uids, [LLM_LATENCY_UID, RUN_OVERVIEW_UID, TASK_EXPLORER_UID].sort());
  for (const d of dashboards) {
    const vars = (d.templating as { list: Record<string, unknown>[] }).list;
    const run = vars.find((v) => v.name === 'run_id');
    assert.ok(run, `${d.uid}: no run_id variable`);
    assert.equal(run.type, 'query');
    assert.equal(run.query, `label_values(${Label.runId})`);
    assert.equal(run.includeAll, true);
    assert.equal(run.allValue, '.*');
    assert.deepEqual(run.datasource, { type: 'prometheus', uid: 'prometheus' });
  }
});

test('every query names a datasource that datasources.yaml provisions, of the right type', () => {
  const provisioned = (readYaml('provisioning/datasources/datasources.yaml') as DatasourceFile).datasources;
  const types = new Map(provisioned.map((d) => [d.uid, d.type]));
  assert.deepEqual([...types.keys()].sort(), ['jaeger', 'prometheus', 'tempo']);
  const queries = allQueries();
  assert.ok(queries.length > 30, `only ${queries.length} queries found`);
  for (const q of queries) {
    assert.ok(
      q.datasource?.uid && types.has(q.datasource.uid),
      `${q.where}: datasource ${q.datasource?.uid}`,
    );
    assert.equal(q.datasource.type, types.get(q.datasource.uid), q.where);
    assert.equal(q.datasource.type, q.language === 'promql' ? 'prometheus' : 'tempo', q.where);
  }
  for (const d of Object.values(readDashboards()))
    for (const p of d.panels)
      if ((p as { type?: string }).type !== 'row') {
        const ds = (p as { datasource?: { uid?: string } }).datasource;
        assert.ok(
          ds?.uid && types.has(ds.uid),
          `${d.uid} › ${(p as { title?: string }).title}: panel datasource`,
        );
      }
});

test('PromQL uses only the metric and label names of src/grafana/metrics.ts', () => {
  const known = new Set(ALL_METRIC_NAMES);
  const used = new Set<string>();
  for (const q of allQueries().filter((x) => x.language === 'promql')) {
    const { metrics, labels } = promqlNames(substitute(q.query, { runId: 'r' }));
    assert.ok(metrics.size > 0, `${q.where}: no metric found in ${q.query}`);
    for (const m of metrics) {
      assert.ok(known.has(m), `${q.where}: unknown metric ${m}`);
      used.add(m);
    }
    for (const l of labels) assert.ok(KNOWN_LABELS.has(l), `${q.where}: unknown label ${l}`);
  }
  // the datasource's trace → metrics links too (`$$` is a literal `$` for Grafana's provisioning)
  const tempo = (readYaml('provisioning/datasources/datasources.yaml') as DatasourceFile).datasources.find(
    (d) => d.uid === 'tempo',
  )!;
  const links = (tempo.jsonData.tracesToMetrics as { queries: { query: string }[] }).queries;
  assert.ok(links.length > 0);
  for (const { query } of links) {
    const plain = query
      .replaceAll('$$', '$')
      .replace('$__tags', 'a="b"')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's link variable syntax
      .replace('${__span.name}', 'task');
    for (const m of promqlNames(plain).metrics)
      assert.ok(known.has(m), `tracesToMetrics: unknown metric ${m}`);
  }
  assert.ok(used.size >= 20, `the dashboards use only ${used.size} metric series`);
});

test('TraceQL uses only attribute names of src/telemetry/names.ts', () => {
  const traceql = allQueries().filter((q) => q.language === 'traceql' || q.language === 'traceql-metrics');
  assert.ok(traceql.length >= 6);
  for (const q of traceql) {
    const attributes = traceqlAttributes(q.query);
    assert.ok(attributes.has(Attr.runId), `${q.where}: not filtered by run`);
    for (const a of attributes) assert.ok(KNOWN_ATTRIBUTES.has(a), `${q.where}: unknown attribute ${a}`);
  }
});

test('after substituting the variables, no query keeps a `$`', () => {
  for (const q of allQueries()) {
    const plain = substitute(q.query, { runId: 'tau2_20261124_062356', traceId: 'abc' });
    assert.ok(!plain.includes('$'), `${q.where}: ${plain}`);
  }
});

test('the harness metric names follow the instrument names in names.ts', () => {
  const base = (instrument: string) => instrument.replaceAll('.', '_');
  assert.ok(Histogram.timeToFirstChunk.startsWith(base(MetricName.timeToFirstChunk)));
  assert.ok(Histogram.operationDuration.startsWith(base(MetricName.operationDuration)));
  assert.ok(Histogram.timePerOutputChunk.startsWith(base(MetricName.timePerOutputChunk)));
  assert.ok(Histogram.tokenUsage.startsWith(base(MetricName.tokenUsage)));
  assert.ok(Histogram.taskReward.startsWith(base(MetricName.taskReward)));
  assert.ok(Gauge.tasksPlanned.startsWith(base(MetricName.tasksPlanned)));
});

test('the latest GenAI metric names follow the instrument names in names.ts', () => {
  const base = (instrument: string) => instrument.replaceAll('.', '_');
  assert.equal(LatestHistogram.timeToFirstChunk, `${base(LatestMetricName.timeToFirstChunk)}_seconds`);
  assert.equal(LatestHistogram.inferenceDuration, `${base(LatestMetricName.inferenceDuration)}_seconds`);
  assert.equal(LatestHistogram.timePerOutputChunk, `${base(LatestMetricName.timePerOutputChunk)}_seconds`);
  assert.equal(LatestHistogram.inputTokensPerCall, base(LatestMetricName.operationInputTokens));
  assert.equal(LatestHistogram.outputTokensPerCall, base(LatestMetricName.operationOutputTokens));
  assert.equal(LatestCounter.inputTokens, `${base(LatestMetricName.usageInputTokens)}_total`);
  assert.equal(LatestCounter.outputTokens, `${base(LatestMetricName.usageOutputTokens)}_total`);
  assert.equal(
    LatestCounter.cacheReadInputTokens,
    `${base(LatestMetricName.usageCacheReadInputTokens)}_total`,
  );
});

test('every query of a v1.41 GenAI metric reads its latest twin too: dashboards and alerts work with either', () => {
  const twin = new Map(
    Object.values(GenAiHistogram).flatMap(([v141, latest]) =>
      ['_bucket', '_sum', '_count'].map((suffix) => [v141 + suffix, latest + suffix] as const),
    ),
  );
  const tokens = (direction: 'input' | 'output') => [
    direction === 'input' ? LatestCounter.inputTokens : LatestCounter.outputTokens,
    ...['_sum', '_count'].map(
      (suffix) =>
        (direction === 'input' ? LatestHistogram.inputTokensPerCall : LatestHistogram.outputTokensPerCall) +
        suffix,
    ),
  ];
  const rules = parse(readFileSync(join(repoRoot, 'prometheus/rules/tau2.rules.yml'), 'utf8')) as {
    groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
  };
  const queries = [
    ...allQueries().filter((q) => q.language === 'promql'),
    ...rules.groups
      .flatMap((g) => g.rules)
      .map((r) => ({ where: `prometheus/rules › ${r.record ?? r.alert}`, query: r.expr })),
  ];
  let checked = 0;
  for (const q of queries) {
    const { metrics } = promqlNames(substitute(q.query, { runId: 'r' }));
    for (const m of metrics) {
      if (twin.has(m)) {
        assert.ok(metrics.has(twin.get(m)!), `${q.where}: reads ${m} but not ${twin.get(m)}`);
        checked++;
      }
      if (m.startsWith(Histogram.tokenUsage)) {
        for (const direction of ['input', 'output'] as const)
          assert.ok(
            tokens(direction).some((t) => metrics.has(t)),
            `${q.where}: reads ${m} but no latest ${direction} token metric`,
          );
        checked++;
      }
    }
  }
  assert.ok(checked >= 15, `only ${checked} v1.41 GenAI metric reads found`);
});

test('the vLLM metric names exist on the simulated server', async () => {
  const served = new Set((await createSimMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
  const vllm = [...Object.values(Histogram), ...Object.values(Gauge)].filter((n) => n.startsWith('vllm:'));
  assert.ok(vllm.length >= 6);
  for (const name of vllm) assert.ok(served.has(name), `${name} is not served by src/sim/metrics.ts`);
});

test('the task table links each row to this dashboard with trace_id set, and the trace panel shows it', () => {
  const explorer = readDashboards()['task-explorer.json']!;
  const panels = explorer.panels as {
    type: string;
    fieldConfig?: { defaults: { links?: { url: string }[] } };
    targets?: { queryType?: string; query?: string; tableType?: string }[];
  }[];
  const tables = panels.filter((p) => p.type === 'table');
  assert.ok(tables.length >= 1);
  for (const t of tables) {
    assert.equal(t.targets?.[0]?.tableType, 'spans');
    const url = t.fieldConfig?.defaults.links?.[0]?.url ?? '';
    assert.match(url, new RegExp(`^/d/${TASK_EXPLORER_UID}\\?`));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data link variable syntax
    assert.ok(url.includes('var-trace_id=${__data.fields.traceIdHidden}'), url);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data link variable syntax
    assert.ok(url.includes('${run_id:queryparam}'), url);
  }
  const traces = panels.find((p) => p.type === 'traces');
  assert.deepEqual(
    { queryType: traces?.targets?.[0]?.queryType, query: traces?.targets?.[0]?.query },
    { queryType: 'traceId', query: '$trace_id' },
  );
});

test('provisioning YAML: dashboards from the mounted folder, alert rules well formed', () => {
  const providers = (
    readYaml('provisioning/dashboards/dashboards.yaml') as { providers: Record<string, unknown>[] }
  ).providers;
  assert.equal(providers.length, 1);
  assert.equal((providers[0]!.options as { path: string }).path, DASHBOARDS_MOUNT);

  const rules = readYaml('provisioning/alerting/rules.yaml') as {
    apiVersion: number;
    groups: {
      orgId: number;
      name: string;
      folder: string;
      interval: string;
      rules: Record<string, unknown>[];
    }[];
  };
  assert.equal(rules.apiVersion, 1);
  const uids = new Set<string>();
  for (const g of rules.groups) {
    assert.ok(g.orgId && g.name && g.folder && g.interval);
    for (const r of g.rules as {
      uid: string;
      title: string;
      condition: string;
      data: { refId: string; datasourceUid: string; model: { type?: string; expression?: string } }[];
    }[]) {
      assert.ok(!uids.has(r.uid), `duplicate rule uid ${r.uid}`);
      uids.add(r.uid);
      const refs = new Set(r.data.map((d) => d.refId));
      assert.ok(refs.has(r.condition), `${r.title}: condition ${r.condition}`);
      for (const d of r.data) {
        assert.ok(['prometheus', '__expr__'].includes(d.datasourceUid), `${r.title}: ${d.datasourceUid}`);
        if (d.datasourceUid === '__expr__')
          for (const ref of d.model.expression?.match(/\$([A-Z])/g) ?? [])
            assert.ok(refs.has(ref.slice(1)), `${r.title}: ${ref} is not a query`);
      }
    }
  }
  assert.deepEqual([...uids].sort(), [
    'tau2-run-stalled',
    'tau2-span-error-ratio',
    'tau2-ttft-p95-regression',
  ]);
});

test('datasources.yaml: only PROMETHEUS_URL, TEMPO_URL and JAEGER_URL are expanded from the environment', () => {
  const text = readFileSync(join(repoRoot, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8');
  const body = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
  // what Grafana would expand: `$NAME` / `${NAME}` not preceded by another `$`
  const expanded = [...body.replaceAll('$$', '').matchAll(/\$\{?(\w+)/g)].map((m) => m[1]);
  assert.deepEqual(expanded.sort(), ['JAEGER_URL', 'PROMETHEUS_URL', 'TEMPO_URL']);
  const doc = parse(text) as DatasourceFile;
  assert.deepEqual(
    doc.datasources.map((d) => d.url),
    [fromEnv('PROMETHEUS_URL'), fromEnv('TEMPO_URL'), fromEnv('JAEGER_URL')],
  );
  const tempo = doc.datasources.find((d) => d.uid === 'tempo')!;
  assert.equal((tempo.jsonData.tracesToMetrics as { datasourceUid: string }).datasourceUid, 'prometheus');
  assert.equal((tempo.jsonData.serviceMap as { datasourceUid: string }).datasourceUid, 'prometheus');
  assert.equal((tempo.jsonData.nodeGraph as { enabled: boolean }).enabled, true);
  // the trace view works from either store, with the same links to span metrics
  const jaeger = doc.datasources.find((d) => d.uid === 'jaeger')!;
  assert.equal(jaeger.type, 'jaeger');
  assert.deepEqual(jaeger.jsonData.tracesToMetrics, tempo.jsonData.tracesToMetrics);
});
