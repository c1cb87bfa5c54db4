/**
 * "Run overview": how far a run is (tasks done of tau2.tasks.planned), how fast it goes, how well it scores and
 * what fails.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { Kind } from '../telemetry/names.js';
import { Counter, Gauge, Histogram, Label, LLM_KINDS, STATUS_ERROR } from './metrics.js';
import { baseDashboard, promStat, promTimeseries, runVariable } from './panels.js';
import { matcher, mean, orZero, quantile, RUN_MATCHER, rate, sel, sumBy, totalInRange } from './queries.js';

export const RUN_OVERVIEW_UID = 'tau2-run-overview';

const TASK = matcher(Label.kind, '=', Kind.task);
const ERROR = matcher(Label.statusCode, '=', STATUS_ERROR);
/** Span kinds whose ERROR status means something failed (retried attempts are counted apart). */
const FAILING_KINDS = matcher(Label.kind, '=~', [Kind.task, ...LLM_KINDS, Kind.toolCall].join('|'));

/** Counters and gauges keep their last value after a run: the latest in the time range, summed over shards. */
const TASKS_DONE = totalInRange(Counter.tasksCompleted, [], [RUN_MATCHER]);
const TASKS_PLANNED = totalInRange(Gauge.tasksPlanned, [], [RUN_MATCHER]);

/** Errors / all, by span kind; 0 (not absent) when nothing failed. */
function errorRatio(by: readonly string[]): string {
  const all = sumBy(by, rate(Counter.spanCalls, [RUN_MATCHER, FAILING_KINDS]));
  const errors = sumBy(by, rate(Counter.spanCalls, [RUN_MATCHER, FAILING_KINDS, ERROR]));
  return `(${errors} or ${all} * 0) / ${all}`;
}

export function runOverviewDashboard(): dashboard.Dashboard {
  const rewardMean = (by: readonly string[]) =>
    `${sumBy(by, sel(`${Histogram.taskReward}_sum`, RUN_MATCHER))} / ${sumBy(by, sel(`${Histogram.taskReward}_count`, RUN_MATCHER))}`;
  return baseDashboard(
    RUN_OVERVIEW_UID,
    'tau2-trace / Run overview',
    'Tasks done, throughput, reward and errors of a tau2-trace run (harness metrics and span metrics).',
  )
    .refresh('30s')
    .withVariable(runVariable())
    .withRow(new dashboard.RowBuilder('Progress'))
    .withPanel(
      promStat('Tasks done', 'Task trials finished (tau2.tasks.completed).', 'none', TASKS_DONE).span(4),
    )
    .withPanel(
      promStat(
        'Tasks planned',
        'Task trials of the run, done or not (tau2.tasks.planned; each shard states its own).',
        'none',
        TASKS_PLANNED,
      ).span(4),
    )
    .withPanel(
      promStat('Progress', 'Tasks done / tasks planned.', 'percentunit', `${TASKS_DONE} / ${TASKS_PLANNED}`)
        .colorMode(common.BigValueColorMode.Background)
        .thresholds(
          new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
            { value: null, color: 'blue' },
            { value: 1, color: 'green' },
          ]),
        )
        .span(4),
    )
    .withPanel(
      promStat(
        'Mean reward',
        'Mean tau2.task.reward of the finished trials (0 … 1).',
        'none',
        `${totalInRange(`${Histogram.taskReward}_sum`, [], [RUN_MATCHER])} / ${totalInRange(`${Histogram.taskReward}_count`, [], [RUN_MATCHER])}`,
      )
        .decimals(3)
        .span(4),
    )
    .withPanel(
      promStat(
        'Failed tasks',
        'Task spans with status ERROR: failed trials (agent, user, expert, judge or harness errors, timeouts) and cancelled ones.',
        'none',
        orZero(totalInRange(Counter.spanCalls, [], [RUN_MATCHER, TASK, ERROR])),
      ).span(4),
    )
    .withPanel(
      promStat(
        'Retried LLM attempts',
        'Failed attempts that were retried (attempt spans: 429, 5xx, timeouts, cut streams).',
        'none',
        orZero(totalInRange(Counter.spanCalls, [], [RUN_MATCHER, matcher(Label.kind, '=', Kind.attempt)])),
      ).span(4),
    )
    .withPanel(
      promTimeseries('Throughput', 'Task trials finished per minute, by domain.', 'short', [
        {
          expr: `${sumBy([Label.domain], rate(Counter.tasksCompleted, [RUN_MATCHER]))} * 60`,
          legend: `{{${Label.domain}}} tasks/min`,
        },
      ]),
    )
    .withPanel(
      promTimeseries(
        'Tasks done by termination reason',
        'Cumulative task trials per termination reason.',
        'none',
        [
          {
            expr: sumBy([Label.termination], sel(Counter.tasksCompleted, RUN_MATCHER)),
            legend: `{{${Label.termination}}}`,
          },
        ],
      ),
    )
    .withRow(new dashboard.RowBuilder('Quality and errors'))
    .withPanel(
      promTimeseries('Mean reward by domain', 'Mean reward of all trials finished so far.', 'none', [
        { expr: rewardMean([Label.domain]), legend: `{{${Label.domain}}}` },
      ]).max(1),
    )
    .withPanel(
      promTimeseries(
        'Error ratio by span kind',
        'Spans ending with status ERROR / all spans, per tau2.kind (span metrics). LLM calls count once, after their retries.',
        'percentunit',
        [{ expr: errorRatio([Label.kind]), legend: `{{${Label.kind}}}` }],
      ),
    )
    .withRow(new dashboard.RowBuilder('Time'))
    .withPanel(
      promTimeseries('Task duration', 'Task span duration (span metrics).', 'ms', [
        { expr: quantile(0.5, Histogram.spanDuration, [], [RUN_MATCHER, TASK]), legend: 'p50' },
        { expr: quantile(0.95, Histogram.spanDuration, [], [RUN_MATCHER, TASK]), legend: 'p95' },
        { expr: mean(Histogram.spanDuration, [], [RUN_MATCHER, TASK]), legend: 'mean' },
      ]),
    )
    .withPanel(
      promTimeseries('Spans per second by kind', 'Span rate per tau2.kind (span metrics).', 'reqps', [
        {
          expr: sumBy([Label.kind], rate(Counter.spanCalls, [RUN_MATCHER, matcher(Label.kind, '!=', '')])),
          legend: `{{${Label.kind}}}`,
        },
      ]),
    )
    .build();
}
