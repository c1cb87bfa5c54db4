/**
 * The sweep's charts, drawn as the project's other charts are (Vega spec → SVG → PNG through resvg, 2000×800,
 * the same frame and axis style): tasks per minute, the agent's TTFT and queue p50/p95, and task duration
 * p50/p95, each against concurrency, with the knee marked by a dashed rule.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from 'vega';
import type { LevelSummary, P50P95, SweepSummary } from './summary.js';

/** One line of a chart: a label and its value at each measured level. */
interface Series {
  label: string;
  points: { c: number; v: number }[];
}

/** The chart files, by what they show. */
export const SWEEP_CHARTS = {
  throughput: 'sweep_throughput.png',
  latency: 'sweep_latency.png',
  taskDuration: 'sweep_task_duration.png',
} as const;

/** Room right of the plot for the legend, px. */
const LEGEND_WIDTH = 190;

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

/** The knee's dashed rule, then one line with its points per series (`s`) of the `points` data. */
const MARKS = [
  {
    type: 'rule',
    from: { data: 'knee' },
    encode: {
      enter: {
        x: { scale: 'x', field: 'c' },
        y: { value: 0 },
        y2: { signal: 'height' },
        stroke: { value: '#888888' },
        strokeDash: { value: [10, 8] },
        strokeWidth: { value: 2 },
      },
    },
  },
  {
    type: 'group',
    from: { facet: { name: 'one', data: 'points', groupby: 's' } },
    marks: [
      {
        type: 'line',
        from: { data: 'one' },
        sort: { field: 'datum.c' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'c' },
            y: { scale: 'y', field: 'v' },
            stroke: { scale: 'color', field: 's' },
            strokeWidth: { value: 3 },
          },
        },
      },
      {
        type: 'symbol',
        from: { data: 'one' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'c' },
            y: { scale: 'y', field: 'v' },
            fill: { scale: 'color', field: 's' },
            size: { value: 120 },
          },
        },
      },
    ],
  },
];

/** A line chart of `series` against concurrency, with the knee's rule when there is one. */
export async function sweepChartSpec(
  title: string,
  yTitle: string,
  series: readonly Series[],
  knee: number | null,
): Promise<Spec> {
  const { axisStyle, CHART_WIDTH, chartFrame, FONT_FAMILY, noDataMark, PADDING } = await import(
    '../export/charts/index.js'
  );
  const values = series.flatMap((s) => s.points.map((p) => ({ ...p, s: s.label })));
  const levels = [...new Set(values.map((p) => p.c))].sort((a, b) => a - b);
  if (levels.length === 0) return { ...chartFrame(title), marks: [noDataMark('no level measured')] } as Spec;
  // One level alone still needs an axis of some width around it.
  const lo = levels[0]!;
  const hi = levels[levels.length - 1]!;
  const xDomain = lo === hi ? [lo - 1, hi + 1] : [lo, hi];
  // The legend sits right of the plot, where no line can run under it.
  const padding = { ...PADDING, right: LEGEND_WIDTH };
  return {
    ...chartFrame(knee === null ? title : `${title} (knee: c=${knee})`),
    width: CHART_WIDTH - padding.left - padding.right,
    padding,
    data: [
      { name: 'points', values },
      { name: 'knee', values: knee === null ? [] : [{ c: knee }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: xDomain, range: 'width', zero: false, nice: false, padding: 40 },
      {
        name: 'y',
        type: 'linear',
        domain: { data: 'points', field: 'v' },
        range: 'height',
        zero: true,
        nice: true,
      },
      { name: 'color', type: 'ordinal', domain: series.map((s) => s.label), range: PALETTE },
    ],
    axes: [
      {
        ...axisStyle,
        orient: 'bottom',
        scale: 'x',
        title: 'concurrency (max concurrent task trials)',
        values: levels,
      },
      { ...axisStyle, orient: 'left', scale: 'y', title: yTitle, tickCount: 8 },
    ],
    legends: [{ fill: 'color', stroke: 'color', orient: 'right', labelFont: FONT_FAMILY, labelFontSize: 18 }],
    marks: MARKS,
  } as Spec;
}

function stat(
  levels: readonly LevelSummary[],
  label: string,
  pick: (l: LevelSummary) => number | undefined,
): Series {
  const points: Series['points'] = [];
  for (const l of levels) {
    const v = pick(l);
    if (v !== undefined) points.push({ c: l.concurrency, v });
  }
  return { label, points };
}

const of = (key: 'ttft' | 'queue' | 'taskDuration', q: keyof P50P95) => (l: LevelSummary) => l[key]?.[q];

/** Writes the three charts into `dir`; resolves with their paths. */
export async function writeSweepCharts(dir: string, summary: SweepSummary): Promise<string[]> {
  const { renderSpecPng } = await import('../export/charts/index.js');
  const levels = summary.levels;
  const knee = summary.knee.concurrency;
  const charts: [string, Promise<Spec>][] = [
    [
      SWEEP_CHARTS.throughput,
      sweepChartSpec(
        'Throughput against concurrency',
        'tasks per minute',
        [stat(levels, 'tasks/min', (l) => l.tasksPerMinute)],
        knee,
      ),
    ],
    [
      SWEEP_CHARTS.latency,
      sweepChartSpec(
        'Agent TTFT and server queue against concurrency',
        'ms',
        [
          stat(levels, 'TTFT p50', of('ttft', 'p50')),
          stat(levels, 'TTFT p95', of('ttft', 'p95')),
          stat(levels, 'queue p50', of('queue', 'p50')),
          stat(levels, 'queue p95', of('queue', 'p95')),
        ],
        knee,
      ),
    ],
    [
      SWEEP_CHARTS.taskDuration,
      sweepChartSpec(
        'Task duration against concurrency',
        'ms',
        [
          stat(levels, 'task p50', of('taskDuration', 'p50')),
          stat(levels, 'task p95', of('taskDuration', 'p95')),
        ],
        knee,
      ),
    ],
  ];
  const paths: string[] = [];
  for (const [file, spec] of charts) {
    const path = join(dir, file);
    writeFileSync(path, await renderSpecPng(await spec));
    paths.push(path);
  }
  return paths;
}
