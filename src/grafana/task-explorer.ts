/**
 * "Task explorer": a run's task traces found with TraceQL, slowest first, and the trace of the one you click.
 *
 * Each table row links back to this dashboard with `trace_id` set to the row's trace (the search frame keeps
 * the trace id in its hidden `traceIdHidden` field); the `traces` panel below shows `$trace_id`. The Span ID
 * column keeps Grafana's own link to the span in Explore.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { Attr, Kind } from '../telemetry/names.js';
import { Datasource } from './datasources.js';
import { LLM_KINDS } from './metrics.js';
import { baseDashboard, refId, runVariable, traceqlMetrics, traceVariable } from './panels.js';
import { RUN_VAR, spanset, TRACE_VAR, traceqlAttr, traceqlEq } from './queries.js';

export const TASK_EXPLORER_UID = 'tau2-task-explorer';

const KIND = traceqlAttr('span', Attr.kind);
const span = (key: string) => traceqlAttr('span', key);

/** `{ run && conditions } | select(attributes)` */
function searchQuery(conditions: string[], select: string[]): string {
  return `${spanset(...conditions)} | select(${select.map(span).join(', ')})`;
}

/** The run's task spans (one per trace) with their outcome. */
export const TASK_SEARCH = searchQuery(
  [traceqlEq(KIND, Kind.task)],
  [Attr.taskId, Attr.domain, Attr.trial, Attr.taskReward, Attr.taskTermination, Attr.taskSteps],
);

const LLM_CALL_SEARCH = searchQuery(
  [`${KIND} =~ "${LLM_KINDS.join('|')}"`],
  [
    Attr.kind,
    Attr.genAiRequestModel,
    Attr.ttftMs,
    Attr.genAiInputTokens,
    Attr.genAiOutputTokens,
    Attr.attempts,
  ],
);

const TOOL_CALL_SEARCH = searchQuery([traceqlEq(KIND, Kind.toolCall)], [Attr.toolName, Attr.toolError]);

/** Shows the clicked row's trace in this dashboard, keeping the run and the time range. */
const SHOW_TRACE_LINK = {
  title: 'Show this trace below',
  url: `/d/${TASK_EXPLORER_UID}?\${${RUN_VAR}:queryparam}&var-${TRACE_VAR}=\${__data.fields.traceIdHidden}&\${__url_time_range}`,
};

/** A table of TraceQL search results, one row per matching span, slowest first, each row linked to its trace. */
function spanTable(title: string, description: string, query: string, limit: number): dashboard.Panel {
  const panel = new table.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(Datasource.tempo)
    .targets([
      new tempo.DataqueryBuilder()
        .datasource(Datasource.tempo)
        .refId(refId(0))
        .queryType(tempo.TempoQueryType.Traceql)
        .query(query)
        .tableType(tempo.SearchTableType.Spans)
        .limit(limit)
        .spss(limit),
    ])
    .withTransformation({ id: 'sortBy', options: { fields: {}, sort: [{ field: 'Duration', desc: true }] } })
    .filterable(true)
    .height(10)
    .span(24)
    .build();
  // A field's data link is `{ title, url }`; the SDK types field links with the dashboard-link shape, whose
  // extra keys (type, icon, tags, …) mean nothing here.
  if (panel.fieldConfig)
    panel.fieldConfig.defaults.links = [SHOW_TRACE_LINK as unknown as dashboard.DashboardLink];
  return panel;
}

/** Wraps an already built panel so it can go through DashboardBuilder.withPanel. */
const built = (panel: dashboard.Panel) => ({ build: () => panel });

export function taskExplorerDashboard(): dashboard.Dashboard {
  return baseDashboard(
    TASK_EXPLORER_UID,
    'tau2-trace / Task explorer',
    'Task traces of a run found with TraceQL, slowest first; click a row to see its trace.',
  )
    .withVariable(runVariable())
    .withVariable(traceVariable())
    .withPanel(
      built(
        spanTable(
          'Tasks, slowest first',
          'One row per task trial (its root span). Click a row to show its trace below.',
          TASK_SEARCH,
          500,
        ),
      ),
    )
    .withPanel(
      new dashboard.PanelBuilder()
        .type('traces')
        .title('Trace $trace_id')
        .description('The trace chosen in a table (or paste a trace id into the Trace ID box).')
        .datasource(Datasource.tempo)
        .targets([
          new tempo.DataqueryBuilder()
            .datasource(Datasource.tempo)
            .refId(refId(0))
            .queryType(tempo.TempoQueryType.TraceId)
            .query(`$${TRACE_VAR}`),
        ])
        .height(20)
        .span(24),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Task duration (TraceQL)')
        .description('p50 / p90 / p99 of task span durations, computed by Tempo from the traces.')
        .datasource(Datasource.tempo)
        .unit('s')
        .min(0)
        .targets([
          traceqlMetrics(
            `${spanset(traceqlEq(KIND, Kind.task))} | quantile_over_time(duration, 0.5, 0.9, 0.99)`,
          ),
        ])
        .height(8)
        .span(24),
    )
    .withPanel(
      built(
        spanTable(
          'Slowest LLM calls',
          'LLM call spans (agent, experts, user simulator, judge) with their TTFT, tokens and attempts.',
          LLM_CALL_SEARCH,
          200,
        ),
      ),
    )
    .withPanel(
      built(
        spanTable(
          'Slowest tool calls',
          'Tool call spans with the tool name and whether it failed.',
          TOOL_CALL_SEARCH,
          200,
        ),
      ),
    )
    .build();
}
