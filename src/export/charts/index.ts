/**
 * Charts drawn with Vega: the stats_ext charts (log-scale histograms, CDFs) are Vega specs, rendered to SVG by a
 * headless Vega view (`view.toSVG()`, no canvas) and rasterised by resvg (see raster.ts). The legacy
 * histograms need no chart library and are drawn in legacy-svg.ts; `renderHistogramPng` is kept here for
 * callers of this module. Importing this module loads Vega (~300 ms): the chart worker imports it only when
 * a stats_ext chart is asked for.
 */
import type { Spec } from 'vega';
import { parse, View } from 'vega';
import { CHART_HEIGHT, CHART_WIDTH, type HistogramChartInput, histogramSvg } from './legacy-svg.js';
import { FONT_FAMILY, svgToPng } from './raster.js';

export { CHART_HEIGHT, CHART_WIDTH, chartTitle, type HistogramChartInput } from './legacy-svg.js';
export { FONT_FAMILY, initChartRenderer } from './raster.js';

/** Space around the plot area for the title, axis labels and axis titles. */
export const PADDING = { left: 110, right: 50, top: 80, bottom: 100 } as const;
export const BAR_COLOR = '#4c78a8';

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

/** Renders a Vega spec to an SVG string (headless view, no canvas). */
export async function specSvg(spec: Spec): Promise<string> {
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega spec as a PNG of its own size (2000×800 for the specs of this project). */
export async function renderSpecPng(spec: Spec): Promise<Uint8Array> {
  return svgToPng(await specSvg(spec));
}

/** Renders one legacy histogram chart as a 2000×800 PNG (no Vega involved). */
export function renderHistogramPng(input: HistogramChartInput): Uint8Array {
  return svgToPng(histogramSvg(input));
}
