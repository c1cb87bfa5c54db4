/**
 * The provisioned datasources (grafana/provisioning/datasources/datasources.yaml): fixed uids that every
 * dashboard target and alert query names, Tempo linked to Prometheus's span metrics. Jaeger (the
 * `jaeger` profile of docker-compose.yml) shows the same traces with the same links, so the trace view works
 * with either store.
 */
import { Attr } from '../telemetry/names.js';
import { Counter, Histogram, Label } from './metrics.js';
import { quantile, rate, sumBy } from './queries.js';

export interface DatasourceRef {
  type: string;
  uid: string;
}

export const Datasource = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  tempo: { type: 'tempo', uid: 'tempo' },
  jaeger: { type: 'jaeger', uid: 'jaeger' },
} as const satisfies Record<string, DatasourceRef>;

/** Grafana's server-side expressions (math, reduce, threshold) in alert rules. */
export const EXPRESSION_DATASOURCE_UID = '__expr__';

/** `${NAME}`: Grafana fills it from the environment when it reads a provisioning file. */
export function fromEnv(name: string): string {
  return `$\{${name}}`;
}

/**
 * Grafana expands `$VAR` and `${VAR}` from the environment in provisioning files; `$$` is a literal `$`.
 * Queries written into those files go through this.
 */
export function escapeProvisioningDollars(text: string): string {
  return text.replaceAll('$', () => '$$');
}

// Trace → metrics links: Grafana fills `$__tags` from the span's tags listed in `tags` (span attribute →
// label), and `${__span.name}` from the span. Both are Grafana's link variables, not dashboard variables.
const SPAN_LINK_MATCHERS = ['$__tags', `${Label.spanName}="\${__span.name}"`];

function tracesToMetricsQueries(): { name: string; query: string }[] {
  const window = '5m';
  return [
    {
      name: 'Span duration p50 (ms)',
      query: quantile(0.5, Histogram.spanDuration, [], SPAN_LINK_MATCHERS, window),
    },
    {
      name: 'Span duration p95 (ms)',
      query: quantile(0.95, Histogram.spanDuration, [], SPAN_LINK_MATCHERS, window),
    },
    {
      name: 'Spans per second by status',
      query: sumBy([Label.statusCode], rate(Counter.spanCalls, SPAN_LINK_MATCHERS, window)),
    },
  ];
}

/** Trace → metrics links of a trace datasource (Tempo's and Jaeger's are the same). */
function tracesToMetrics(): Record<string, unknown> {
  return {
    datasourceUid: Datasource.prometheus.uid,
    spanStartTimeShift: '-10m',
    spanEndTimeShift: '10m',
    tags: [
      { key: Attr.serviceName, value: Label.serviceName },
      { key: Attr.runId, value: Label.runId },
    ],
    queries: tracesToMetricsQueries().map((q) => ({
      ...q,
      query: escapeProvisioningDollars(q.query),
    })),
  };
}

/** The datasources provisioning document. URLs come from the environment (set by docker-compose.yml). */
export function datasourcesProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Prometheus',
        type: Datasource.prometheus.type,
        uid: Datasource.prometheus.uid,
        access: 'proxy',
        url: fromEnv('PROMETHEUS_URL'),
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          prometheusType: 'Prometheus',
          timeInterval: '15s',
          // span_metrics exemplars carry the trace id: link them to Tempo
          exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: Datasource.tempo.uid }],
        },
      },
      {
        name: 'Tempo',
        type: Datasource.tempo.type,
        uid: Datasource.tempo.uid,
        access: 'proxy',
        url: fromEnv('TEMPO_URL'),
        editable: false,
        jsonData: {
          tracesToMetrics: tracesToMetrics(),
          serviceMap: { datasourceUid: Datasource.prometheus.uid },
          nodeGraph: { enabled: true },
          search: { hide: false },
          traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-1h', spanEndTimeShift: '1h' },
          spanBar: { type: 'Duration' },
          streamingEnabled: { search: true, metrics: true },
        },
      },
      {
        name: 'Jaeger',
        type: Datasource.jaeger.type,
        uid: Datasource.jaeger.uid,
        access: 'proxy',
        url: fromEnv('JAEGER_URL'),
        editable: false,
        jsonData: {
          tracesToMetrics: tracesToMetrics(),
          nodeGraph: { enabled: true },
          traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-1h', spanEndTimeShift: '1h' },
          spanBar: { type: 'Duration' },
        },
      },
    ],
  };
}
