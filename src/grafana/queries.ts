/**
 * PromQL and TraceQL building blocks. Every dashboard and alert query is assembled from these helpers and the
 * names in metrics.ts, so each metric name is spelled once.
 *
 * Queries only use the template variables `$run_id` and `$trace_id` and Grafana's `$__rate_interval` /
 * `$__range`, so a test can substitute them with plain text and run the query against Prometheus or Tempo.
 */
import { Attr } from '../telemetry/names.js';
import { Label } from './metrics.js';

/** The dashboard variable holding the selected run id (`.*` for All). */
export const RUN_VAR = 'run_id';
/** The dashboard variable holding the trace shown in the Task explorer's trace panel. */
export const TRACE_VAR = 'trace_id';

/** A label matcher, e.g. `matcher('tau2_kind', '=~', 'a|b')`. */
export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  return `${label}${op}${JSON.stringify(value)}`;
}

/** `tau2_run_id=~"$run_id"`: every harness and span metric carries the run id. */
export const RUN_MATCHER = matcher(Label.runId, '=~', `$${RUN_VAR}`);

/** A series selector. */
export function sel(metric: string, ...matchers: string[]): string {
  return matchers.length ? `${metric}{${matchers.join(', ')}}` : metric;
}

/**
 * A metric name, or the names one measurement has under each GenAI naming (metrics.ts `GenAiSeries`): range
 * functions over several names join them with `or`. A harness emits one naming only, so for each label set
 * one of the names has the series and `or` passes it on; `rate` drops the name, so the series of both namings
 * aggregate together.
 */
export type Metric = string | readonly string[];

/** `metric` with `suffix` (`_bucket`, `_sum`, `_count`) on each of its names. */
export function suffixed(metric: Metric, suffix: string): Metric {
  return typeof metric === 'string' ? metric + suffix : metric.map((m) => m + suffix);
}

function overRange(fn: string, metric: Metric, matchers: string[], window: string, offset?: string): string {
  const one = (m: string) => `${fn}(${sel(m, ...matchers)}[${window}]${offset ? ` offset ${offset}` : ''})`;
  return typeof metric === 'string' ? one(metric) : `(${metric.map(one).join(' or ')})`;
}

/** `rate(m{...}[window])`, or `rate(m{...}[window] offset 1d)` with `offset: '1d'`. */
export function rate(
  metric: Metric,
  matchers: string[],
  window = '$__rate_interval',
  offset?: string,
): string {
  return overRange('rate', metric, matchers, window, offset);
}

/** `increase(m{...}[window])`, with an optional offset, as {@link rate}. */
export function increase(metric: Metric, matchers: string[], window: string, offset?: string): string {
  return overRange('increase', metric, matchers, window, offset);
}

/** `sum by (labels) (inner)`; `sum(inner)` without labels. */
export function sumBy(labels: readonly string[], inner: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** A quantile of a classic histogram, aggregated by `by`. */
export function quantile(
  q: number,
  histogram: Metric,
  by: readonly string[],
  matchers: string[],
  window = '$__rate_interval',
  offset?: string,
): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...by], rate(suffixed(histogram, '_bucket'), matchers, window, offset))})`;
}

/** The mean of a histogram over the window: rate of its sum / rate of its count. */
export function mean(
  histogram: Metric,
  by: readonly string[],
  matchers: string[],
  window = '$__rate_interval',
): string {
  return `${sumBy(by, rate(suffixed(histogram, '_sum'), matchers, window))} / ${sumBy(by, rate(suffixed(histogram, '_count'), matchers, window))}`;
}

/** The latest value of a counter or gauge in the dashboard's range, summed over series (still right after a run's series ended). */
export function totalInRange(metric: string, by: readonly string[], matchers: string[]): string {
  return sumBy(by, `max_over_time(${sel(metric, ...matchers)}[$__range])`);
}

/** `expr or vector(0)`: for series that exist only once something went wrong. */
export function orZero(expr: string): string {
  return `(${expr}) or vector(0)`;
}

/** A TraceQL attribute reference: `span.x` or `resource.x`. */
export function traceqlAttr(scope: 'span' | 'resource', key: string): string {
  return `${scope}.${key}`;
}

/** `{ resource.tau2.run.id =~ "$run_id" && <conditions> }` */
export function spanset(...conditions: string[]): string {
  return `{ ${[`${traceqlAttr('resource', Attr.runId)} =~ "$${RUN_VAR}"`, ...conditions].join(' && ')} }`;
}

/** A TraceQL string comparison, e.g. `span.tau2.kind = "task"`. */
export function traceqlEq(attribute: string, value: string): string {
  return `${attribute} = ${JSON.stringify(value)}`;
}
