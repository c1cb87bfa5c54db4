/**
 * Small builders over @grafana/grafana-foundation-sdk for the panels and variables the dashboards share. Every
 * target names its datasource (type and uid), so a query can be run without the panel around it.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { Datasource } from './datasources.js';
import { Label } from './metrics.js';
import { RUN_VAR, TRACE_VAR } from './queries.js';

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function refId(index: number): string {
  return REF_IDS[index] ?? `Q${index}`;
}

export interface PromTarget {
  expr: string;
  legend?: string;
  /** An instant query (stat panels); range otherwise. */
  instant?: boolean;
}

/** Prometheus targets with refIds A, B, … */
export function promTargets(targets: PromTarget[]): prometheus.DataqueryBuilder[] {
  return targets.map((t, i) => {
    const q = new prometheus.DataqueryBuilder()
      .datasource(Datasource.prometheus)
      .refId(refId(i))
      .expr(t.expr)
      .legendFormat(t.legend ?? '__auto');
    return t.instant ? q.instant() : q.range();
  });
}

/** A TraceQL metrics query (`… | quantile_over_time(…)`), shown as a time series. */
export function traceqlMetrics(query: string, index = 0, step?: string): tempo.DataqueryBuilder {
  const q = new tempo.DataqueryBuilder()
    .datasource(Datasource.tempo)
    .refId(refId(index))
    .queryType(tempo.TempoQueryType.Traceql)
    .query(query)
    .metricsQueryType(tempo.MetricsQueryType.Range);
  return step ? q.step(step) : q;
}

/** A time series panel of Prometheus queries. */
export function promTimeseries(
  title: string,
  description: string,
  unit: string,
  targets: PromTarget[],
): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(Datasource.prometheus)
    .unit(unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .targets(promTargets(targets))
    .height(8)
    .span(12);
}

/** A single-number panel of one instant Prometheus query. */
export function promStat(title: string, description: string, unit: string, expr: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(Datasource.prometheus)
    .unit(unit)
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(promTargets([{ expr, instant: true }]))
    .height(4)
    .span(6);
}

/** `run_id`: the runs Prometheus knows (`tau2_run_id` label values), All = every run. */
export function runVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${Label.runId})`;
  return new dashboard.QueryVariableBuilder(RUN_VAR)
    .label('Run')
    .description('tau2.run.id (the run directory name)')
    .datasource(Datasource.prometheus)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** `trace_id`: the trace the Task explorer shows; set by the links of its task table. */
export function traceVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder(TRACE_VAR)
    .label('Trace ID')
    .description('Click a task in the table to show its trace')
    .defaultValue('');
}

/** Tag shared by the project's dashboards; each dashboard links to the others through it. */
export const DASHBOARD_TAG = 'tau2-trace';
/** The Grafana folder holding the dashboards and the alert rules. */
export const GRAFANA_FOLDER = 'tau2-trace';

/** The frame every dashboard shares: uid, tag, time range, links to its siblings. */
export function baseDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG])
    .editable()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('tau2-trace')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    );
}
