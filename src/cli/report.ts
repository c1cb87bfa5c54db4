/** `tau2-trace report <run>`: one self-contained HTML file of a run (report/build.ts does the work). */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPrices } from '../analyze/cost.js';
import { openRun } from '../export/sources.js';
import { buildReport } from '../report/build.js';
import { printWarnings } from './errors.js';
import { type RunArgOptions, runSourceOf } from './run-arg.js';

/** Options of `tau2-trace report`. */
export interface ReportCommandOptions extends RunArgOptions {
  /** Default: `report.html` beside the run's spool (with --tempo/--jaeger: here). */
  out?: string;
  /** A price table JSON (cost.ts); default: the shipped one. */
  prices?: string;
  /** USD per GPU-hour for models the table does not price (self-hosted). */
  gpuHourPrice?: number;
  /** k of the slow-trial rule. */
  slowK?: number;
}

/** Writes the report; resolves with the exit code. */
export async function reportCommand(runArg: string | undefined, o: ReportCommandOptions): Promise<number> {
  const prices = o.prices === undefined ? undefined : loadPrices(o.prices);
  const run = await openRun(runSourceOf(runArg, o), { onWarning: (w) => printWarnings([w]) });
  const { data, html } = buildReport(run, {
    ...(prices ? { prices } : {}),
    ...(o.gpuHourPrice !== undefined ? { gpuHourPrice: o.gpuHourPrice } : {}),
    ...(o.slowK !== undefined ? { slowK: o.slowK } : {}),
  });
  const out = o.out ?? join(run.besides, 'report.html');
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const mib = (Buffer.byteLength(html) / 2 ** 20).toFixed(1);
  const slow = data.trials.filter((t) => t.slow).length;
  process.stdout.write(`wrote ${out} (${mib} MiB): ${data.trials.length} trials, ${slow} slow\n`);
  return 0;
}
