/**
 * Charts to PNGs on the calling thread, one at a time: legacy histograms are SVG strings rasterised by resvg
 * (legacy-svg.ts, raster.ts); Vega (≈300 ms of module loading) is imported only when a stats_ext chart is
 * asked for. Each chart holds its 2000×800 RGBA pixmap (6.4 MB) while it is drawn; one at a time keeps the
 * peak of `stats` at a third of the legacy analyzer's (`npm run bench:legacy`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { histogramSvg } from './legacy-svg.js';
import { svgToPng } from './raster.js';
import type { ChartInput } from './spec.js';

/** One chart as a PNG. */
export async function renderChart(input: ChartInput): Promise<Uint8Array> {
  if (input.chart === 'log-histogram' || input.chart === 'cdf') {
    const [{ chartSpec }, { renderSpecPng }] = await Promise.all([import('./spec.js'), import('./index.js')]);
    return renderSpecPng(chartSpec(input));
  }
  return svgToPng(histogramSvg(input));
}

let gc: (() => void) | undefined;

/**
 * resvg-js 2.6 frees a chart's Rust memory (its pixmap, its parsed SVG tree) only when V8 collects the JS
 * objects holding it, and V8 does not see that memory, so no collection is due and the charts pile up: seven
 * in a row ended at +60 MiB RSS. Collecting after each chart and letting the finalizers run (they are queued
 * to the next turn of the event loop) keeps one chart's worth. `gc` is exposed the way Jest's leak detector
 * does it.
 */
async function releaseNativeMemory(): Promise<void> {
  gc ??= (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();
  gc();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Renders `inputs` one after another; PNGs in input order. */
export async function renderCharts(inputs: readonly ChartInput[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const input of inputs) {
    out.push(await renderChart(input));
    await releaseNativeMemory();
  }
  return out;
}
