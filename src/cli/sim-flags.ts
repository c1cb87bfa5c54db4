/** The timing-model and fault flags of `run` and `sim`, apart from sim.ts so that declaring them loads no telemetry. */
import type { Command } from 'commander';
import { DEFAULT_SIM_SETTINGS as D, type SimSettings } from '../sim/settings.js';
import { nonNegativeNumber, positiveInt, rate } from './parse.js';

/** Timing-model and fault flags: the simulator's settings, one flag each. */
export type SimFlags = SimSettings;

/** Adds the timing-model and fault flags to a command. */
export function addSimFlags(cmd: Command, what: string): Command {
  return cmd
    .option(
      '--max-num-seqs <n>',
      `${what}: requests running at once; more wait in the queue`,
      positiveInt,
      D.maxNumSeqs,
    )
    .option(
      '--max-batched-tokens <n>',
      `${what}: token budget per engine step (chunked prefill)`,
      positiveInt,
      D.maxBatchedTokens,
    )
    .option(
      '--prefill-ms-per-token <ms>',
      `${what}: prefill time per prompt token`,
      nonNegativeNumber,
      D.prefillMsPerToken,
    )
    .option('--step-ms <ms>', `${what}: fixed cost of one engine step`, nonNegativeNumber, D.stepMs)
    .option(
      '--decode-ms-per-seq <ms>',
      `${what}: step cost per decoding sequence`,
      nonNegativeNumber,
      D.decodeMsPerSeq,
    )
    .option(
      '--time-scale <x>',
      `${what}: multiply every duration (0.1 = 10x faster)`,
      nonNegativeNumber,
      D.timeScale,
    )
    .option(
      '--no-enable-prefix-caching',
      `${what}: no prefix cache (on by default, as in vLLM): every prompt is prefilled whole`,
    )
    .option('--block-size <n>', `${what}: tokens per prefix-cache block`, positiveInt, D.blockSize)
    .option(
      '--cache-blocks <n>',
      `${what}: prefix-cache capacity in blocks (least recently used evicted beyond)`,
      positiveInt,
      D.cacheBlocks,
    )
    .option('--fault-429 <rate>', `${what}: fraction of requests answered 429`, rate, D.fault429)
    .option('--fault-5xx <rate>', `${what}: fraction of requests answered 503`, rate, D.fault5xx)
    .option(
      '--fault-cut <rate>',
      `${what}: fraction of requests whose connection is cut mid-way`,
      rate,
      D.faultCut,
    )
    .option(
      '--fault-garbage <rate>',
      `${what}: fraction of requests with a frame (or body) that is not JSON`,
      rate,
      D.faultGarbage,
    )
    .option(
      '--fault-stall <rate>',
      `${what}: fraction of requests that pause mid-way for --stall-ms`,
      rate,
      D.faultStall,
    )
    .option('--stall-ms <ms>', `${what}: length of a stall`, nonNegativeNumber, D.stallMs);
}
