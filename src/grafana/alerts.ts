/**
 * Grafana-managed alert rules (grafana/provisioning/alerting/rules.yaml), the Grafana-side twins of the
 * Prometheus alerts: TTFT p95 regression against the same window a day earlier, LLM call errors, a stalled run.
 *
 * Each rule is one instant PromQL query (refId A) and a threshold expression (refId C). The queries are written
 * so that they return a series for every active run or model, also when all is well (0, or a ratio of 1),
 * which lets a test run them against a real run and expect data; "no data" means idle and is OK.
 * They use fixed windows and no `$`, since Grafana expands `$VAR` in provisioning files.
 */
import { Kind } from '../telemetry/names.js';
import { EXPRESSION_DATASOURCE_UID, Datasource } from './datasources.js';
import { Counter, Histogram, LLM_KINDS, Label, STATUS_ERROR } from './metrics.js';
import { LLM_LATENCY_UID, RUN_OVERVIEW_UID } from './dashboards.js';
import { matcher, quantile, rate, sumBy } from './queries.js';

export const ALERT_FOLDER = 'tau2-trace';

/** TTFT regression: current p95 / p95 of the same window a day earlier, above this for `for`. */
export const TTFT_REGRESSION_RATIO = 1.5;
/** A model counts as busy (not idle) above this many streamed calls per second in both windows. */
export const TTFT_MIN_CALL_RATE = 0.01;

interface RuleSpec {
  uid: string;
  title: string;
  expr: string;
  /** Window the query looks back over, in seconds (for Grafana's relativeTimeRange). */
  lookbackSeconds: number;
  threshold: { type: 'gt' | 'lt'; value: number };
  for: string;
  summary: string;
  description: string;
  dashboardUid: string;
}

function ttftRegressionExpr(): string {
  const by = [Label.model];
  const window = '30m';
  const p95 = (offset: string) =>
    quantile(0.95, Histogram.timeToFirstChunk, by, [], `${window}${offset}`);
  const busy = (offset: string) =>
    `${sumBy(by, rate(`${Histogram.timeToFirstChunk}_count`, [], `${window}${offset}`))} > ${TTFT_MIN_CALL_RATE}`;
  const on = `on (${by.join(', ')})`;
  // a busy model without a busy baseline reads 1 (no change measurable) instead of vanishing
  return `((${p95('')} / ${p95(' offset 1d')}) and ${on} (${busy(' offset 1d')}) or (${p95('')} * 0 + 1)) and ${on} (${busy('')})`;
}

function llmErrorRatioExpr(): string {
  const by = [Label.runId];
  const kinds = matcher(Label.kind, '=~', LLM_KINDS.join('|'));
  const all = sumBy(by, rate(Counter.spanCalls, [kinds], '10m'));
  const errors = sumBy(by, rate(Counter.spanCalls, [kinds, matcher(Label.statusCode, '=', STATUS_ERROR)], '10m'));
  return `(${errors} or ${all} * 0) / ${all}`;
}

function runStalledExpr(): string {
  // LLM calls plus tasks finished in 10 min, per run that is still reporting; the harness re-exports its
  // cumulative counters every interval, so a live but stuck run reads 0 while a finished one drops out
  const by = [Label.runId];
  const calls = sumBy(by, `increase(${Histogram.operationDuration}_count[10m])`);
  const tasks = sumBy(by, `increase(${Counter.tasksCompleted}[10m])`);
  return `${calls} + on (${Label.runId}) (${tasks} or ${calls} * 0)`;
}

const RULES: RuleSpec[] = [
  {
    uid: 'tau2-ttft-p95-regression',
    title: 'TTFT p95 regression',
    expr: ttftRegressionExpr(),
    lookbackSeconds: 1800,
    threshold: { type: 'gt', value: TTFT_REGRESSION_RATIO },
    for: '15m',
    summary: 'Time to first chunk p95 of {{ $labels.gen_ai_request_model }} is {{ $values.A }}× the same window a day ago',
    description: `p95 of ${Histogram.timeToFirstChunk} over 30 min against the same 30 min a day earlier, for models with more than ${TTFT_MIN_CALL_RATE} calls/s in both windows (idle periods are ignored; without a baseline the ratio reads 1).`,
    dashboardUid: LLM_LATENCY_UID,
  },
  {
    uid: 'tau2-llm-error-ratio',
    title: 'LLM call error ratio',
    expr: llmErrorRatioExpr(),
    lookbackSeconds: 600,
    threshold: { type: 'gt', value: 0.05 },
    for: '5m',
    summary: 'Run {{ $labels.tau2_run_id }}: {{ $values.A }} of LLM calls fail after their retries',
    description: `Share of LLM call spans (${LLM_KINDS.join(', ')}) ending with status ERROR over 10 min (span metrics). Retried attempts that later succeeded do not count.`,
    dashboardUid: RUN_OVERVIEW_UID,
  },
  {
    uid: 'tau2-run-stalled',
    title: 'Run stalled',
    expr: runStalledExpr(),
    lookbackSeconds: 600,
    threshold: { type: 'lt', value: 1 },
    for: '5m',
    summary: 'Run {{ $labels.tau2_run_id }} finished no LLM call and no task in 10 minutes',
    description: `The harness of the run still exports metrics, but neither ${Histogram.operationDuration}_count nor ${Counter.tasksCompleted} moved in 10 min (kind ${Kind.task} and LLM calls).`,
    dashboardUid: RUN_OVERVIEW_UID,
  },
];

function rule(spec: RuleSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: spec.lookbackSeconds, to: 0 },
        datasourceUid: Datasource.prometheus.uid,
        model: {
          refId: 'A',
          datasource: Datasource.prometheus,
          expr: spec.expr,
          instant: true,
          range: false,
          intervalMs: 1000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'C',
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        model: {
          refId: 'C',
          datasource: { type: '__expr__', uid: EXPRESSION_DATASOURCE_UID },
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: spec.threshold.type, params: [spec.threshold.value] } }],
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: spec.for,
    annotations: { summary: spec.summary, description: spec.description, __dashboardUid__: spec.dashboardUid },
    labels: { project: 'tau2-trace' },
    isPaused: false,
  };
}

/** The alerting provisioning document. */
export function alertRulesProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: 'tau2-trace', folder: ALERT_FOLDER, interval: '1m', rules: RULES.map(rule) }],
  };
}
