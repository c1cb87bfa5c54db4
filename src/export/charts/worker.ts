/**
 * Charts rendered in a worker thread, so that loading the chart library and rendering overlap the main
 * thread's work (e.g. parsing logs) on a second core. Start it early, send the inputs when they are ready.
 */
import { Worker } from 'node:worker_threads';
import type { ChartRequest, ChartResponse } from './chart-worker.js';
import type { ChartInput } from './spec.js';

export class ChartWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (pngs: Uint8Array[]) => void; reject: (e: Error) => void }
  >();
  #nextId = 0;
  #failed: Error | undefined;

  /** Spawns the worker now; with `warm`, it also renders one throw-away chart to warm up the JIT. */
  constructor(options: { warm?: boolean } = {}) {
    this.#worker = new Worker(new URL('./chart-worker.js', import.meta.url), {
      workerData: { warm: options.warm === true },
    });
    this.#worker.on('message', (res: ChartResponse) => {
      const p = this.#pending.get(res.id);
      if (!p) return;
      this.#pending.delete(res.id);
      if ('pngs' in res) p.resolve(res.pngs.map((png) => new Uint8Array(png)));
      else p.reject(new Error(res.error));
    });
    const fail = (err: Error): void => {
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => {
      if (this.#pending.size > 0) fail(new Error(`chart worker exited with code ${code}`));
    });
  }

  /** Renders the charts (concurrently, in the worker); PNGs come back in input order. */
  render(inputs: ChartInput[]): Promise<Uint8Array[]> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    const req: ChartRequest = { id, inputs };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(req);
    });
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
