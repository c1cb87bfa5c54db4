/**
 * `tau2-trace compare <baseline> <candidate>`: opens both runs, compares them (analyze/compare.ts), prints
 * the comparison and exits 1 when a `--fail-on` rule fails.
 */

import { analyzeRun, compareRuns, type CompareOptions as LibOptions } from '../analyze/compare.js';
import { compareJson, compareMarkdown, compareText } from '../analyze/compare-format.js';
import { loadPrices } from '../analyze/cost.js';
import { parseFailOn } from '../analyze/fail-on.js';
import type { SplitBy } from '../analyze/metrics.js';
import type { RunSource } from '../export/sources.js';
import { openForReport } from '../report/open.js';
import { Tau2Error, UsageError } from '../util/errors.js';
import { cliMessage, printWarnings } from './errors.js';
import { runSourceOf } from './run-arg.js';

/** Options of `tau2-trace compare`. */
export interface CompareOptions {
  format: 'text' | 'md' | 'json';
  failOn: string[];
  by?: SplitBy;
  resamples: number;
  seed: number;
  prices?: string;
  gpuHourPrice?: number;
}

/** Opens one of the two runs; messages name it as the argument it is (`baseline`, `candidate`). */
async function open(arg: string, side: 'baseline' | 'candidate'): Promise<RunSource> {
  try {
    // As report opens a run: legacy logs are imported into a temporary spool first.
    const spec = runSourceOf(arg, side);
    return await openForReport(spec, { onWarning: (w) => printWarnings([[`${side}: `, ...w]]) });
  } catch (err) {
    if (!(err instanceof Tau2Error)) throw err;
    const fields = ['spans', 'logDir', 'logPath', 'tempo', 'jaeger', side];
    const spelled = { ...Object.fromEntries(fields.map((f) => [f, side])), runId: `${side} (its run id)` };
    throw new UsageError(cliMessage(err, spelled), { cause: err });
  }
}

/** Runs `compare`; resolves with 1 when a rule failed, else 0. */
export async function compareCommand(
  baseline: string,
  candidate: string,
  o: CompareOptions,
): Promise<number> {
  const rules = o.failOn.map(parseFailOn);
  const cost = {
    ...(o.prices !== undefined ? { prices: loadPrices(o.prices) } : {}),
    ...(o.gpuHourPrice !== undefined ? { gpuHourPrice: o.gpuHourPrice } : {}),
  };
  const b = analyzeRun(await open(baseline, 'baseline'), cost);
  const c = analyzeRun(await open(candidate, 'candidate'), cost);
  const options: LibOptions = {
    resamples: o.resamples,
    seed: o.seed,
    failOn: rules,
    ...(o.by ? { by: o.by } : {}),
  };
  const comparison = compareRuns(b, c, options);
  const render = o.format === 'json' ? compareJson : o.format === 'md' ? compareMarkdown : compareText;
  process.stdout.write(render(comparison));
  return comparison.failOn.some((f) => f.failed) ? 1 : 0;
}
