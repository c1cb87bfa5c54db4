/**
 * The charts beyond the legacy seven, one pair per metric: a histogram with log-spaced bins on a log axis and
 * an empirical CDF, because equal-width bins put a long-tailed metric's body in one bar and hide its tail.
 * Bins and curve points are computed here, on the thread that has the values; the specs render in the chart
 * worker like the legacy ones.
 */
import type { Mark, Spec } from 'vega';
import { quantileSorted as quantile } from '../../util/quantile.js';
import { pyFixed } from '../legacy/console.js';
import { axisStyle, BAR_COLOR, barsMark, chartFrame, FONT_FAMILY, noDataMark } from './index.js';

/** Log-spaced bins per decade of the value range. */
const BINS_PER_DECADE = 5;
const MAX_BINS = 60;
/** Points drawn on a CDF: enough for a smooth curve at 2000 px, independent of n. */
const CDF_POINTS = 1000;

/** Input of a log-scale histogram: positive values in log-spaced bins. */
export interface LogHistogramInput {
  chart: 'log-histogram';
  title: string;
  unit: 'ms' | 'tok';
  n: number;
  /** Values ≤ 0 have no place on a log axis; counted and named in the title. */
  nonPositive: number;
  bins: { x0: number; x1: number; pct: number }[];
  p50: number;
  p99: number;
}

/** Input of a CDF chart: (value, cumulative %) points and the p50/p90/p99 markers. */
export interface CdfInput {
  chart: 'cdf';
  title: string;
  unit: 'ms' | 'tok';
  n: number;
  points: { x: number; pct: number }[];
  marks: { label: string; x: number }[];
}

const fmt = (v: number) => pyFixed(v, 2);

/** Bins `values` on a log scale; the inputs of both ext charts of one metric. */
export function extChartInputs(
  title: string,
  unit: 'ms' | 'tok',
  values: Float64Array,
): [LogHistogramInput, CdfInput] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const positive = sorted.filter((v) => v > 0);
  const nonPositive = n - positive.length;
  const bins: LogHistogramInput['bins'] = [];
  if (positive.length > 0) {
    const lo = Math.log10(positive[0]!);
    let hi = Math.log10(positive[positive.length - 1]!);
    if (hi - lo < 1e-9) hi = lo + 0.1;
    const count = Math.min(MAX_BINS, Math.max(1, Math.ceil((hi - lo) * BINS_PER_DECADE)));
    const counts = new Array<number>(count).fill(0);
    for (const v of positive) {
      const i = Math.min(count - 1, Math.floor(((Math.log10(v) - lo) / (hi - lo)) * count));
      counts[i]!++;
    }
    for (let i = 0; i < count; i++) {
      bins.push({
        x0: 10 ** (lo + ((hi - lo) * i) / count),
        x1: 10 ** (lo + ((hi - lo) * (i + 1)) / count),
        pct: (counts[i]! / n) * 100,
      });
    }
  }
  const points: CdfInput['points'] = [];
  const step = Math.max(1, Math.floor(n / CDF_POINTS));
  for (let i = 0; i < n; i += step) points.push({ x: sorted[i]!, pct: ((i + 1) / n) * 100 });
  if (n > 0 && points[points.length - 1]!.pct < 100) points.push({ x: sorted[n - 1]!, pct: 100 });
  const q = (p: number) => (n > 0 ? quantile(sorted, p) : 0);
  return [
    { chart: 'log-histogram', title, unit, n, nonPositive, bins, p50: q(0.5), p99: q(0.99) },
    {
      chart: 'cdf',
      title,
      unit,
      n,
      points,
      marks: n > 0 ? [0.5, 0.9, 0.99].map((p) => ({ label: `p${Math.round(p * 100)}`, x: q(p) })) : [],
    },
  ];
}

function noData(title: string, unit: string): Spec {
  return {
    ...chartFrame(`${title} (no data)`),
    axes: [],
    marks: [noDataMark(`no data (${unit})`)],
  };
}

/** The log-scale histogram's Vega spec. */
export function logHistogramSpec(input: LogHistogramInput): Spec {
  if (input.bins.length === 0) return noData(`${input.title}, log scale`, input.unit);
  const left = input.nonPositive > 0 ? `, ${input.nonPositive} values ≤ 0 not shown` : '';
  const frame = chartFrame(
    `${input.title}, log scale (n=${input.n}, p50=${fmt(input.p50)}, p99=${fmt(input.p99)}${left})`,
  );
  const maxPct = Math.max(...input.bins.map((b) => b.pct));
  return {
    ...frame,
    data: [{ name: 'bins', values: input.bins }],
    scales: [
      {
        name: 'x',
        type: 'log',
        domain: [input.bins[0]!.x0, input.bins[input.bins.length - 1]!.x1],
        range: 'width',
        nice: false,
      },
      { name: 'y', type: 'linear', domain: [0, maxPct * 1.08], range: 'height', nice: false, zero: true },
    ],
    axes: [
      {
        ...axisStyle,
        orient: 'bottom',
        scale: 'x',
        title: `${input.unit} (log)`,
        format: '~g',
        labelFlush: true,
      },
      { ...axisStyle, orient: 'left', scale: 'y', title: '%', tickCount: 8 },
    ],
    marks: [barsMark],
  };
}

/** The CDF's Vega spec: a step curve on a log x axis (linear when a value is ≤ 0), with percentile rules. */
export function cdfSpec(input: CdfInput): Spec {
  if (input.points.length === 0) return noData(`${input.title}, CDF`, input.unit);
  const log = input.points[0]!.x > 0;
  const marksText = input.marks.map((m) => `${m.label}=${fmt(m.x)}`).join(', ');
  const frame = chartFrame(`${input.title}, CDF (n=${input.n}, ${marksText})`);
  const lo = input.points[0]!.x;
  const hi = input.points[input.points.length - 1]!.x;
  return {
    ...frame,
    data: [
      { name: 'points', values: input.points },
      { name: 'marks', values: input.marks },
    ],
    scales: [
      {
        name: 'x',
        type: log ? 'log' : 'linear',
        domain: hi > lo ? [lo, hi] : [lo, lo + 1],
        range: 'width',
        nice: false,
        zero: false,
      },
      { name: 'y', type: 'linear', domain: [0, 100], range: 'height', nice: false, zero: true },
    ],
    axes: [
      {
        ...axisStyle,
        orient: 'bottom',
        scale: 'x',
        title: log ? `${input.unit} (log)` : input.unit,
        format: '~g',
        labelFlush: true,
      },
      { ...axisStyle, orient: 'left', scale: 'y', title: 'cumulative %', tickCount: 10 },
    ],
    marks: [PERCENTILE_RULE, PERCENTILE_LABEL, CDF_LINE],
  };
}

const MARK_COLOR = '#e45756';

/** A dashed rule across the plot at each row of the `marks` data (`label`, `x`). */
const PERCENTILE_RULE: Mark = {
  type: 'rule',
  from: { data: 'marks' },
  encode: {
    enter: {
      x: { scale: 'x', field: 'x' },
      y: { value: 0 },
      y2: { signal: 'height' },
      stroke: { value: MARK_COLOR },
      strokeDash: { value: [8, 6] },
      strokeWidth: { value: 2 },
    },
  },
};

/** Each rule's label, at the foot of the plot. */
const PERCENTILE_LABEL: Mark = {
  type: 'text',
  from: { data: 'marks' },
  encode: {
    enter: {
      x: { scale: 'x', field: 'x', offset: -6 },
      y: { signal: 'height - 14' },
      text: { field: 'label' },
      // Left of its rule, so the p99 label stays inside the plot at the right edge.
      align: { value: 'right' },
      font: { value: FONT_FAMILY },
      fontSize: { value: 20 },
      fill: { value: MARK_COLOR },
    },
  },
};

/** The CDF itself: a step through the `points` data (`x`, `pct`). */
const CDF_LINE: Mark = {
  type: 'line',
  from: { data: 'points' },
  encode: {
    enter: {
      x: { scale: 'x', field: 'x' },
      y: { scale: 'y', field: 'pct' },
      interpolate: { value: 'step-after' },
      stroke: { value: BAR_COLOR },
      strokeWidth: { value: 3 },
    },
  },
};
