/**
 * Grafana-managed alert rules (grafana/provisioning/alerting/rules.yaml), the Grafana-side twins of the
 * Prometheus alerts in prometheus/rules/: TTFT p95 regression against the same window a day earlier, span
 * errors, a stalled run.
 *
 * Each rule is a few instant PromQL queries and one math expression over them (the condition). Each query
 * returns a series for every active model, kind or run, also when all is well (a ratio of 1, a count of 0),
 * and the "enough calls" guards live in the math expression: so a test can run every query against a real
 * run and expect data, while an idle system gives "no data", which is OK.
 * Queries use fixed windows (no dashboard variables). Grafana expands `$VAR` from the environment in
 * provisioning files, but not in a rule's queries and expressions nor in its annotations; labels hold no `$`.
 */

import { LLM_LATENCY_UID, RUN_OVERVIEW_UID } from './dashboards.js';
import { Datasource, EXPRESSION_DATASOURCE_UID } from './datasources.js';
import { Counter, Gauge, GenAiHistogram, Label, STATUS_ERROR } from './metrics.js';
import { GRAFANA_FOLDER } from './panels.js';
import { increase, matcher, quantile, rate, suffixed, sumBy } from './queries.js';

/** TTFT regression: p95 over 5 min above this many times the same 5 min a day earlier … */
export const TTFT_REGRESSION_RATIO = 1.5;
/** … with at least this many streamed calls in both windows (idle or thin periods are ignored). */
export const TTFT_MIN_CALLS = 50;

interface RuleSpec {
  uid: string;
  title: string;
  /** PromQL by refId (A, B, …), evaluated as instant queries. */
  queries: Record<string, string>;
  /** How far the queries look back, in seconds (Grafana's relativeTimeRange). */
  lookbackSeconds: number;
  /** Grafana math over `$A`, `$B`, …: non-zero fires. */
  condition: string;
  for: string;
  summary: string;
  description: string;
  dashboardUid: string;
}

const TTFT_BY = [Label.model, Label.kind];
const TTFT_WINDOW = '5m';

function ttftP95(offset?: string): string {
  return quantile(0.95, GenAiHistogram.timeToFirstChunk, TTFT_BY, [], TTFT_WINDOW, offset);
}

function ttftCalls(offset?: string): string {
  return sumBy(
    TTFT_BY,
    increase(suffixed(GenAiHistogram.timeToFirstChunk, '_count'), [], TTFT_WINDOW, offset),
  );
}

const SPAN_BY = [Label.kind];
const SPAN_WINDOW = '5m';
const spanRate = (...matchers: string[]) => sumBy(SPAN_BY, rate(Counter.spanCalls, matchers, SPAN_WINDOW));

const RUN_BY = [Label.runId];
const planned = sumBy(RUN_BY, Gauge.tasksPlanned);

const RULES: RuleSpec[] = [
  {
    uid: 'tau2-ttft-p95-regression',
    title: 'TTFT p95 regression vs a day earlier',
    queries: {
      // current p95 / p95 a day earlier; 1 (no change measurable) when there is no baseline
      A: `(${ttftP95()} / ${ttftP95('1d')}) or (${ttftP95()} * 0 + 1)`,
      B: ttftCalls(),
      C: `${ttftCalls('1d')} or ${ttftCalls()} * 0`,
    },
    lookbackSeconds: 300,
    condition: `$A > ${TTFT_REGRESSION_RATIO} && $B >= ${TTFT_MIN_CALLS} && $C >= ${TTFT_MIN_CALLS}`,
    for: '10m',
    summary:
      'TTFT p95 of {{ $labels.gen_ai_request_model }} ({{ $labels.tau2_kind }}) is {{ humanize $values.A.Value }}× the same 5 minutes a day ago',
    description: `p95 of ${GenAiHistogram.timeToFirstChunk.join(' or ')} (GenAI conventions v1.41 or latest) over 5 min, ${TTFT_REGRESSION_RATIO}× or more the same 5 min a day earlier, with at least ${TTFT_MIN_CALLS} streamed calls in both windows.`,
    dashboardUid: LLM_LATENCY_UID,
  },
  {
    uid: 'tau2-span-error-ratio',
    title: 'Span error ratio',
    queries: {
      A: `(${spanRate(matcher(Label.statusCode, '=', STATUS_ERROR))} or ${spanRate()} * 0) / ${spanRate()}`,
      B: `${spanRate()} * 300`,
    },
    lookbackSeconds: 300,
    condition: '$A > 0.05 && $B >= 20',
    for: '5m',
    summary: '{{ humanizePercentage $values.A.Value }} of {{ $labels.tau2_kind }} spans failed in 5 minutes',
    description:
      'Spans with status ERROR / all spans per tau2.kind over 5 min (span metrics), on at least 20 spans. Kind "attempt" counts retried failures.',
    dashboardUid: RUN_OVERVIEW_UID,
  },
  {
    uid: 'tau2-run-stalled',
    title: 'Run stalled',
    queries: {
      // tasks left: planned − done (done is absent until the first task finishes)
      A: `${planned} - (${sumBy(RUN_BY, Counter.tasksCompleted)} or ${planned} * 0)`,
      // tasks finished in the last 10 minutes
      B: `${sumBy(RUN_BY, `increase(${Counter.tasksCompleted}[10m])`)} or ${planned} * 0`,
    },
    lookbackSeconds: 600,
    condition: '$A > 0 && $B == 0',
    for: '5m',
    summary:
      'Run {{ $labels.tau2_run_id }} has {{ $values.A.Value }} tasks left and finished none in 10 minutes',
    description: `The run's harness still reports ${Gauge.tasksPlanned}, tasks are left, and ${Counter.tasksCompleted} did not move in 10 min.`,
    dashboardUid: RUN_OVERVIEW_UID,
  },
];

const CONDITION_REF = 'Z';

function rule(spec: RuleSpec): Record<string, unknown> {
  const queries = Object.entries(spec.queries).map(([refId, expr]) => ({
    refId,
    relativeTimeRange: { from: spec.lookbackSeconds, to: 0 },
    datasourceUid: Datasource.prometheus.uid,
    model: { refId, datasource: Datasource.prometheus, expr, instant: true, range: false },
  }));
  return {
    uid: spec.uid,
    title: spec.title,
    condition: CONDITION_REF,
    data: [
      ...queries,
      {
        refId: CONDITION_REF,
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        model: {
          refId: CONDITION_REF,
          datasource: { type: '__expr__', uid: EXPRESSION_DATASOURCE_UID },
          type: 'math',
          expression: spec.condition,
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: spec.for,
    annotations: {
      summary: spec.summary,
      description: spec.description,
      __dashboardUid__: spec.dashboardUid,
    },
    labels: { project: 'tau2-trace' },
    isPaused: false,
  };
}

/** The alerting provisioning document. */
export function alertRulesProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    groups: [
      { orgId: 1, name: 'tau2-trace', folder: GRAFANA_FOLDER, interval: '1m', rules: RULES.map(rule) },
    ],
  };
}
