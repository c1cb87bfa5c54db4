/**
 * Worker thread side of `ChartWorker` (render.ts does the drawing). Optionally warms up with one throw-away
 * chart, then renders the batches it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderChart, renderCharts } from './render.js';
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

const warm: Promise<unknown> =
  (workerData as { warm?: boolean } | undefined)?.warm === true
    ? renderChart({
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
      res = { id: req.id, pngs: await renderCharts(req.inputs) };
    } catch (err) {
      res = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(res, 'pngs' in res ? res.pngs.map((p) => p.buffer as ArrayBuffer) : []);
  })();
});
