/** The timing-model and fault flags of `run` and `sim`, apart from sim.ts so that declaring them loads no telemetry. */
import type { Command } from 'commander';
import { nonNegativeNumber, positiveInt, rate } from './parse.js';

/** Timing-model and fault flags. */
export interface SimFlags {
  maxNumSeqs: number;
  maxBatchedTokens: number;
  prefillMsPerToken: number;
  stepMs: number;
  decodeMsPerSeq: number;
  timeScale: number;
  fault429: number;
  fault5xx: number;
  faultCut: number;
  faultGarbage: number;
  faultStall: number;
  stallMs: number;
}

/** Adds the timing-model and fault flags to a command. */
export function addSimFlags(cmd: Command, what: string): Command {
  return cmd
    .option('--max-num-seqs <n>', `${what}: requests running at once; more wait in the queue`, positiveInt, 8)
    .option(
      '--max-batched-tokens <n>',
      `${what}: token budget per engine step (chunked prefill)`,
      positiveInt,
      2048,
    )
    .option('--prefill-ms-per-token <ms>', `${what}: prefill time per prompt token`, nonNegativeNumber, 0.04)
    .option('--step-ms <ms>', `${what}: fixed cost of one engine step`, nonNegativeNumber, 6)
    .option('--decode-ms-per-seq <ms>', `${what}: step cost per decoding sequence`, nonNegativeNumber, 0.25)
    .option('--time-scale <x>', `${what}: multiply every duration (0.1 = 10x faster)`, nonNegativeNumber, 1)
    .option('--fault-429 <rate>', `${what}: fraction of requests answered 429`, rate, 0)
    .option('--fault-5xx <rate>', `${what}: fraction of requests answered 503`, rate, 0)
    .option('--fault-cut <rate>', `${what}: fraction of requests whose connection is cut mid-way`, rate, 0)
    .option(
      '--fault-garbage <rate>',
      `${what}: fraction of requests with a frame (or body) that is not JSON`,
      rate,
      0,
    )
    .option(
      '--fault-stall <rate>',
      `${what}: fraction of requests that pause mid-way for --stall-ms`,
      rate,
      0,
    )
    .option('--stall-ms <ms>', `${what}: length of a stall`, nonNegativeNumber, 2000);
}
