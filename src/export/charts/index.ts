/**
 * The legacy histogram charts as PNGs, rendered headlessly: a Vega spec is rendered to SVG by a headless Vega
 * view (`view.toSVG()`, no canvas), and the SVG is rasterised by resvg (`@resvg/resvg-js`, whose prebuilt
 * binary ships inside a per-platform npm package: no download or build at install), with the DejaVu Sans TTF
 * from the `dejavu-fonts-ttf` package passed in explicitly (no system fonts are read).
 */
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
import type { Spec } from 'vega';
import { parse, View } from 'vega';
import { pyFixed } from '../legacy/console.js';
import type { summarize } from '../legacy/stats.js';
import { encodeRgbaPng } from './png.js';

/** Size of every chart, as the legacy PNGs. */
export const CHART_WIDTH = 2000;
export const CHART_HEIGHT = 800;

/** Space around the plot area for the title, axis labels and axis titles. */
export const PADDING = { left: 110, right: 50, top: 80, bottom: 100 } as const;
export const FONT_FAMILY = 'DejaVu Sans';
export const BAR_COLOR = '#4c78a8';

export interface HistogramChartInput {
  chart?: 'histogram';
  /** Chart title; the stats are appended as `(n=…, mean=…, std=…)`. */
  title: string;
  /** X axis label. */
  unit: 'ms' | 'tok';
  /** The metric's stats and histogram, or `null` when it has no values (a "no data" chart). */
  summary: ReturnType<typeof summarize>;
}

let fontFile: string | undefined;

/**
 * Resolves the bundled font once per process; later calls return the cached path. resvg itself needs no
 * init (its native binary is loaded with the module).
 */
export function initChartRenderer(): string {
  fontFile ??= createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  return fontFile;
}

/** The chart title: `<title> (n=…, mean=…, std=…)` with 2 decimals, or `<title> (no data)`. */
export function chartTitle(input: HistogramChartInput): string {
  const s = input.summary?.stats;
  if (!s) return `${input.title} (no data)`;
  return `${input.title} (n=${s.n}, mean=${pyFixed(s.mean, 2)}, std=${pyFixed(s.std, 2)})`;
}

interface BinRow {
  x0: number;
  x1: number;
  mid: number;
  pct: number;
  label: string;
}

/** One row per bin: its edges, centre and percent; `label` is empty for empty bins. */
function binRows(summary: NonNullable<HistogramChartInput['summary']>): BinRow[] {
  const { edges, counts, percent } = summary.hist;
  const rows: BinRow[] = [];
  for (let i = 0; i < counts.length; i++) {
    const x0 = edges[i]!;
    const x1 = edges[i + 1]!;
    const pct = percent[i]!;
    rows.push({ x0, x1, mid: (x0 + x1) / 2, pct, label: counts[i]! > 0 ? `${pyFixed(pct, 1)}%` : '' });
  }
  return rows;
}

export const axisStyle = {
  labelFont: FONT_FAMILY,
  labelFontSize: 18,
  titleFont: FONT_FAMILY,
  titleFontSize: 22,
  titleFontWeight: 'normal',
  grid: true,
  gridOpacity: 0.35,
} as const;

/** One bar per row of the `bins` data (`x0`, `x1`, `pct`), from 0 up. */
export const barsMark = {
  type: 'rect',
  from: { data: 'bins' },
  encode: {
    enter: {
      x: { scale: 'x', field: 'x0' },
      x2: { scale: 'x', field: 'x1' },
      y: { scale: 'y', field: 'pct' },
      y2: { scale: 'y', value: 0 },
      fill: { value: BAR_COLOR },
      stroke: { value: 'white' },
      strokeWidth: { value: 1 },
    },
  },
} as const;

/** The placeholder text in the middle of an empty chart. */
export function noDataMark(text: string) {
  return {
    type: 'text',
    encode: {
      enter: {
        x: { signal: 'width / 2' },
        y: { signal: 'height / 2' },
        text: { value: text },
        align: { value: 'center' },
        baseline: { value: 'middle' },
        font: { value: FONT_FAMILY },
        fontSize: { value: 48 },
        fill: { value: '#666666' },
      },
    },
  } as const;
}

/** What every chart shares: size (plot area plus padding is exactly 2000×800), background and title. */
export function chartFrame(titleText: string) {
  const width = CHART_WIDTH - PADDING.left - PADDING.right;
  const height = CHART_HEIGHT - PADDING.top - PADDING.bottom;
  const title = {
    text: titleText,
    font: FONT_FAMILY,
    fontSize: 26,
    fontWeight: 'normal',
    offset: 24,
    limit: width,
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height,
    padding: PADDING,
    autosize: { type: 'none' },
    background: 'white',
    title,
  } as const;
}

/** The Vega spec of one legacy chart. */
export function histogramSpec(input: HistogramChartInput): Spec {
  const base = chartFrame(chartTitle(input));
  const { width } = base;
  const xTitle = input.unit;
  if (!input.summary) {
    return {
      ...base,
      scales: [
        { name: 'x', type: 'linear', domain: [0, 1], range: 'width' },
        { name: 'y', type: 'linear', domain: [0, 100], range: 'height' },
      ],
      axes: [
        {
          ...axisStyle,
          orient: 'bottom',
          scale: 'x',
          title: xTitle,
          labels: false,
          ticks: false,
          grid: false,
        },
        { ...axisStyle, orient: 'left', scale: 'y', title: '%', labels: false, ticks: false, grid: false },
      ],
      marks: [noDataMark('no data')],
    };
  }
  const rows = binRows(input.summary);
  const lo = rows[0]?.x0 ?? 0;
  const hi = rows[rows.length - 1]?.x1 ?? 1;
  // Percent labels ("100.0%", ~3.6 em wide) shrink with the bars when there are many bins (`--bins`).
  const labelFontSize = Math.max(8, Math.min(20, Math.floor(width / Math.max(1, rows.length) / 3.6)));
  const degenerate = hi - lo <= 1e-6 * Math.max(1, Math.abs(lo));
  const maxPct = Math.max(0, ...rows.map((r) => r.pct));
  // Head room above the tallest bar for its label.
  const yMax = maxPct > 0 ? maxPct * 1.12 : 1;
  return {
    ...base,
    data: [
      { name: 'bins', values: rows },
      { name: 'labels', source: 'bins', transform: [{ type: 'filter', expr: "datum.label !== ''" }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [lo, hi], range: 'width', nice: false, zero: false },
      { name: 'y', type: 'linear', domain: [0, yMax], range: 'height', nice: false, zero: true },
    ],
    axes: [
      degenerate
        ? // All values equal: the bins are 1e-9 wide, so label only the value itself.
          {
            ...axisStyle,
            orient: 'bottom',
            scale: 'x',
            title: xTitle,
            values: [lo],
            format: '~r',
            labelFlush: true,
          }
        : {
            ...axisStyle,
            orient: 'bottom',
            scale: 'x',
            title: xTitle,
            tickCount: 10,
            labelOverlap: true,
            labelFlush: true,
          },
      { ...axisStyle, orient: 'left', scale: 'y', title: '%', tickCount: 8 },
    ],
    marks: [
      barsMark,
      {
        type: 'text',
        from: { data: 'labels' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'mid' },
            y: { scale: 'y', field: 'pct', offset: -8 },
            text: { field: 'label' },
            align: { value: 'center' },
            baseline: { value: 'bottom' },
            font: { value: FONT_FAMILY },
            fontSize: { value: labelFontSize },
            fill: { value: 'black' },
          },
        },
      },
    ],
  };
}

/** Renders a Vega spec to an SVG string (headless view, no canvas). */
export async function specSvg(spec: Spec): Promise<string> {
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a chart spec as a 2000×800 PNG. The rasterisation runs on the libuv thread pool (`renderAsync`) and
 * the PNG deflate on it too (`encodeRgbaPng`), so charts rendered concurrently use several cores.
 */
export async function renderSpecPng(spec: Spec): Promise<Uint8Array> {
  const svg = await specSvg(spec);
  const image = await renderAsync(svg, {
    font: {
      fontFiles: [initChartRenderer()],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'original' },
    background: 'white',
    // Bars and grid lines are axis-aligned: crisp edges, and faster.
    shapeRendering: 1,
  });
  // The background is opaque white, so every pixel has alpha 255 and premultiplied equals straight RGBA.
  return encodeRgbaPng(image.pixels, image.width, image.height);
}

/** Renders one legacy histogram chart as a 2000×800 PNG. */
export function renderHistogramPng(input: HistogramChartInput): Promise<Uint8Array> {
  return renderSpecPng(histogramSpec(input));
}
