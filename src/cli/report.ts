/** `tau2-trace report <run>`: one self-contained HTML file of a run (report/build.ts does the work). */
import { join } from 'node:path';
import { loadPrices } from '../analyze/cost.js';
import type { RunSourceSpec } from '../export/sources.js';
import { buildReport } from '../report/build.js';
import { openForReport } from '../report/open.js';
import { UsageError } from '../util/errors.js';
import { writeOutput } from './atomic-write.js';
import { printWarnings } from './errors.js';
import { runSourceOf } from './run-arg.js';

/** Options of `tau2-trace report`. */
export interface ReportCommandOptions {
  /** Tempo's or Jaeger's HTTP API, with `runId`, instead of a run argument (as `stats` and `export` take it). */
  tempo?: string;
  jaeger?: string;
  runId?: string;
  /** Default: `report.html` beside the run's spool (with --tempo/--jaeger: here). */
  out?: string;
  /** A price table JSON (cost.ts); default: the shipped one. */
  prices?: string;
  /** USD per GPU-hour for models the table does not price (self-hosted). */
  gpuHourPrice?: number;
  /** k of the slow-trial rule. */
  slowK?: number;
}

/** The run to read: the argument (run-arg.ts: a path, or `tempo:<url>#<run id>`), or `--tempo`/`--jaeger`. */
function sourceOf(run: string | undefined, o: ReportCommandOptions): RunSourceSpec {
  const given = [run, o.tempo, o.jaeger].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of <run>, --tempo and --jaeger');
  if (o.tempo !== undefined) return { kind: 'tempo', url: o.tempo, runId: o.runId };
  if (o.jaeger !== undefined) return { kind: 'jaeger', url: o.jaeger, runId: o.runId };
  return runSourceOf(run!);
}

/** Writes the report; resolves with the exit code. */
export async function reportCommand(runArg: string | undefined, o: ReportCommandOptions): Promise<number> {
  const prices = o.prices === undefined ? undefined : loadPrices(o.prices);
  const run = await openForReport(sourceOf(runArg, o), { onWarning: (w) => printWarnings([w]) });
  const { data, html } = buildReport(run, {
    ...(prices ? { prices } : {}),
    ...(o.gpuHourPrice !== undefined ? { gpuHourPrice: o.gpuHourPrice } : {}),
    ...(o.slowK !== undefined ? { slowK: o.slowK } : {}),
  });
  const out = o.out ?? join(run.besides, 'report.html');
  writeOutput(out, html);
  const mib = (Buffer.byteLength(html) / 2 ** 20).toFixed(1);
  const slow = data.trials.filter((t) => t.slow).length;
  process.stdout.write(`wrote ${out} (${mib} MiB): ${data.trials.length} trials, ${slow} slow\n`);
  return 0;
}
