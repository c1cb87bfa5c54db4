/**
 * Worker thread side of `ChartWorker`. Legacy histograms are SVG strings rasterised by resvg (legacy-svg.ts,
 * raster.ts); Vega (≈300 ms of module loading) is imported only when a stats_ext chart is asked for.
 * Optionally warms up with one throw-away chart, then renders the batches it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mapPool } from '../../util/pool.js';
import { histogramSvg } from './legacy-svg.js';
import { svgToPng } from './raster.js';
import type { ChartInput } from './spec.js';

/** A batch request from the main thread. */
export interface ChartRequest {
  id: number;
  inputs: ChartInput[];
}

/** The answer to one batch: the PNGs in input order, or the error message. */
export type ChartResponse = { id: number; pngs: Uint8Array[] } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('chart-worker must run in a worker thread');

async function render(input: ChartInput): Promise<Uint8Array> {
  if (input.chart === 'log-histogram' || input.chart === 'cdf') {
    const [{ chartSpec }, { renderSpecPng }] = await Promise.all([import('./spec.js'), import('./index.js')]);
    return renderSpecPng(chartSpec(input));
  }
  return svgToPng(histogramSvg(input));
}

/**
 * Two charts at a time: the machine this is sized for has 2 cores, and each chart in flight holds its pixels
 * several times over (resvg's pixmap, the copy handed to JS, the PNG rows); all seven at once peaked at
 * ~235 MB.
 */
const IN_FLIGHT = 2;

async function renderAll(inputs: ChartInput[]): Promise<Uint8Array[]> {
  // Without a signal every item is rendered: the results are all defined.
  return (await mapPool(inputs, IN_FLIGHT, render)) as Uint8Array[];
}

const warm: Promise<unknown> =
  (workerData as { warm?: boolean } | undefined)?.warm === true
    ? render({
        title: 'warm-up',
        unit: 'ms',
        summary: {
          stats: { n: 2, mean: 1.5, std: 0.71, min: 1, max: 2 },
          hist: { edges: [1, 1.5, 2], counts: [1, 1], percent: [50, 50] },
        },
      }).catch(() => undefined)
    : Promise.resolve();

port.on('message', (req: ChartRequest) => {
  void (async () => {
    let res: ChartResponse;
    try {
      await warm;
      res = { id: req.id, pngs: await renderAll(req.inputs) };
    } catch (err) {
      res = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(res, 'pngs' in res ? res.pngs.map((p) => p.buffer as ArrayBuffer) : []);
  })();
});
