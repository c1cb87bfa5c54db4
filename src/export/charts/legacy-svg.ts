/**
 * The legacy analyzer's histogram chart as an SVG document, drawn as its matplotlib code draws it: a 10×4 in
 * figure at 200 dpi (2000×800 px), one bar per bin at the bin's centre, 0.9 bins wide, the percent above every
 * non-zero bar, the title `<title> (n=…, mean=…<unit>, std=…<unit>)`, x label the unit, y label `%`; with no
 * data, the bare title over "no data" and no axes. Sizes follow matplotlib's defaults (title 12 pt, labels
 * 10 pt, bar labels 8 pt, 0.8 pt spines). Tick positions come from d3-array's `ticks` (1-2-5 steps, as
 * matplotlib's locator picks them in most cases). No chart library is loaded: the document is a string.
 */
import { ticks } from 'd3-array';
import { pyFixed } from '../legacy/console.js';
import type { LegacyHist, summarize } from '../legacy/stats.js';
import { FONT_FAMILY } from './raster.js';

/** Size of every chart, as the legacy PNGs: 10×4 in at 200 dpi. */
export const CHART_WIDTH = 2000;
export const CHART_HEIGHT = 800;

/** Input of one legacy histogram chart. */
export interface HistogramChartInput {
  chart?: 'histogram';
  /** The legacy title of the metric, e.g. `ToolOrchestra vLLM prefill_ms (TTFT)`. */
  title: string;
  /** The metric's unit: x axis label and suffix of the stats in the title. */
  unit: 'ms' | 'tok';
  /** The metric's stats and histogram, or `null` when it has no values (a "no data" chart). */
  summary: ReturnType<typeof summarize>;
}

/** Points to pixels at 200 dpi. */
const pt = (p: number): number => (p * 200) / 72;
const TITLE_PX = pt(12);
const LABEL_PX = pt(10);
const BAR_LABEL_PX = pt(8);
/** matplotlib's first colour (`C0`). */
const BAR_COLOR = '#1f77b4';
/** The axes box, inside constrained layout's margins. */
const BOX = { left: 102, right: CHART_WIDTH - 8, top: 51, bottom: 704 } as const;

/** The chart title as the legacy analyzer sets it. */
export function chartTitle(input: HistogramChartInput): string {
  const s = input.summary?.stats;
  if (!s) return input.title;
  const u = input.unit;
  return `${input.title} (n=${s.n}, mean=${pyFixed(s.mean, 2)}${u}, std=${pyFixed(s.std, 2)}${u})`;
}

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (x: number): string => x.toFixed(2);

function text(x: number, y: number, size: number, body: string, extra = ''): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${f(size)}" ${extra}>${esc(body)}</text>`;
}

/** A tick label with as many decimals as the tick step needs (`0.5` → 1, `20` → 0). */
function tickLabel(v: number, step: number): string {
  const digits = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
  const s = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** The SVG document of one legacy chart, 2000×800. */
export function histogramSvg(input: HistogramChartInput): string {
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" ` +
    `font-family="${FONT_FAMILY}"><rect width="100%" height="100%" fill="white"/>`;
  const s = input.summary;
  if (!s) return `${head}${noData(input.title)}</svg>`;
  const title = text(
    (BOX.left + BOX.right) / 2,
    BOX.top - 12,
    TITLE_PX,
    chartTitle(input),
    'text-anchor="middle"',
  );
  const axes = axesOf(s.hist);
  return [head, title, ...bars(axes), ...xTicks(axes), ...yTicks(axes), ...frame(input.unit), '</svg>'].join(
    '',
  );
}

/** A chart without data has no axes: the title sits at the figure's top and "no data" at its centre. */
function noData(title: string): string {
  const bare = text(CHART_WIDTH / 2, 40, TITLE_PX, title, 'text-anchor="middle"');
  const mid = text(
    CHART_WIDTH / 2,
    CHART_HEIGHT / 2,
    LABEL_PX,
    'no data',
    'text-anchor="middle" dominant-baseline="central"',
  );
  return `${bare}${mid}`;
}

/** Where the bars are, in data units, and how data units map to pixels of {@link BOX}. */
interface Axes {
  percent: number[];
  centers: number[];
  /** A bar's width, in the x unit. */
  width: number;
  xLo: number;
  xHi: number;
  yHi: number;
  sx(v: number): number;
  sy(v: number): number;
}

/** matplotlib's autoscale: the bars' extent plus 5 % on each side; y from 0 to the top bar plus 5 %. */
function axesOf(hist: LegacyHist): Axes {
  const { edges, percent } = hist;
  const width = (edges[1]! - edges[0]!) * 0.9;
  const centers = percent.map((_, i) => (edges[i]! + edges[i + 1]!) / 2);
  const x0 = centers[0]! - width / 2;
  const x1 = centers[centers.length - 1]! + width / 2;
  const xPad = (x1 - x0) * 0.05;
  const [xLo, xHi] = [x0 - xPad, x1 + xPad];
  const yHi = Math.max(...percent) * 1.05 || 1;
  return {
    percent,
    centers,
    width,
    xLo,
    xHi,
    yHi,
    sx: (v) => BOX.left + ((v - xLo) / (xHi - xLo)) * (BOX.right - BOX.left),
    sy: (v) => BOX.bottom - (v / yHi) * (BOX.bottom - BOX.top),
  };
}

/** Every non-zero bar, with its percent above it. */
function bars({ percent, centers, width, sx, sy }: Axes): string[] {
  const out: string[] = [];
  for (const [i, p] of percent.entries()) {
    if (p <= 0) continue;
    const left = sx(centers[i]! - width / 2);
    const right = sx(centers[i]! + width / 2);
    out.push(
      `<rect x="${f(left)}" y="${f(sy(p))}" width="${f(Math.max(right - left, 1))}" height="${f(BOX.bottom - sy(p))}" fill="${BAR_COLOR}"/>`,
      text(sx(centers[i]!), sy(p) - 4, BAR_LABEL_PX, `${pyFixed(p, 1)}%`, 'text-anchor="middle"'),
    );
  }
  return out;
}

/** Ticks and spines: 0.8 pt black lines. */
const STROKE = 'stroke="black" stroke-width="2.2"';

/** The x ticks and their labels; for a range too narrow to label (all values equal), only the value itself. */
function xTicks({ centers, xLo, xHi, sx }: Axes): string[] {
  const degenerate = xHi - xLo <= 1e-6 * Math.max(1, Math.abs(xLo));
  const xt = degenerate ? [centers[0]!] : ticks(xLo, xHi, 8).filter((v) => v >= xLo && v <= xHi);
  const xStep = xt.length > 1 ? xt[1]! - xt[0]! : Math.abs(xt[0]!) || 1;
  return xt.flatMap((v) => {
    const x = sx(v);
    return [
      `<line x1="${f(x)}" x2="${f(x)}" y1="${BOX.bottom}" y2="${BOX.bottom + 10}" ${STROKE}/>`,
      text(
        x,
        BOX.bottom + 14 + LABEL_PX * 0.8,
        LABEL_PX,
        tickLabel(v, degenerate ? 0.01 : xStep),
        'text-anchor="middle"',
      ),
    ];
  });
}

/** The y ticks (percent) and their labels. */
function yTicks({ yHi, sy }: Axes): string[] {
  const yt = ticks(0, yHi, 6).filter((v) => v <= yHi);
  const yStep = yt.length > 1 ? yt[1]! - yt[0]! : 1;
  return yt.flatMap((v) => {
    const y = sy(v);
    return [
      `<line x1="${BOX.left - 10}" x2="${BOX.left}" y1="${f(y)}" y2="${f(y)}" ${STROKE}/>`,
      text(BOX.left - 16, y, LABEL_PX, tickLabel(v, yStep), 'text-anchor="end" dominant-baseline="central"'),
    ];
  });
}

/** The axes' box and the axis labels: the unit below, `%` at the left. */
function frame(unit: string): string[] {
  return [
    `<rect x="${BOX.left}" y="${BOX.top}" width="${BOX.right - BOX.left}" height="${BOX.bottom - BOX.top}" fill="none" ${STROKE}/>`,
    text((BOX.left + BOX.right) / 2, CHART_HEIGHT - 16, LABEL_PX, unit, 'text-anchor="middle"'),
    text(
      28,
      (BOX.top + BOX.bottom) / 2,
      LABEL_PX,
      '%',
      `text-anchor="middle" transform="rotate(-90 28 ${f((BOX.top + BOX.bottom) / 2)})"`,
    ),
  ];
}
