/**
 * The simulated server's timing model and faults as flat settings (what `run` and `sim` take, and what a
 * run's config.json stores), and the engine and fault configurations they stand for.
 */
import { setting, UsageError } from '../util/errors.js';
import type { EngineConfig } from './engine.js';
import { type FaultConfig, faultConfigProblem } from './faults.js';

/** Timing-model and fault settings. */
export interface SimSettings {
  maxNumSeqs: number;
  maxBatchedTokens: number;
  prefillMsPerToken: number;
  stepMs: number;
  decodeMsPerSeq: number;
  timeScale: number;
  /** vLLM's automatic prefix caching (on by default, as there). */
  enablePrefixCaching: boolean;
  /** Tokens per prefix-cache block. */
  blockSize: number;
  /** Blocks the prefix cache holds (LRU beyond). */
  cacheBlocks: number;
  fault429: number;
  fault5xx: number;
  faultCut: number;
  faultGarbage: number;
  faultStall: number;
  stallMs: number;
}

/** The defaults of the timing model (a vLLM-like server on one GPU, in real time) and no faults. */
export const DEFAULT_SIM_SETTINGS = {
  maxNumSeqs: 8,
  maxBatchedTokens: 2048,
  prefillMsPerToken: 0.04,
  stepMs: 6,
  decodeMsPerSeq: 0.25,
  timeScale: 1,
  enablePrefixCaching: true,
  blockSize: 16,
  // 256 Ki tokens: the KV cache a 7-8B model leaves free on an 80 GB GPU, in round figures.
  cacheBlocks: 16384,
  fault429: 0,
  fault5xx: 0,
  faultCut: 0,
  faultGarbage: 0,
  faultStall: 0,
  stallMs: 2000,
} as const satisfies SimSettings;

/** The engine configuration of the settings. */
export function engineConfigOf(s: SimSettings): Partial<EngineConfig> {
  return {
    maxNumSeqs: s.maxNumSeqs,
    maxBatchedTokens: s.maxBatchedTokens,
    prefillPerTokenMs: s.prefillMsPerToken,
    stepBaseMs: s.stepMs,
    decodePerSeqMs: s.decodeMsPerSeq,
    timeScale: s.timeScale,
    prefixCaching: s.enablePrefixCaching,
    blockSize: s.blockSize,
    cacheBlocks: s.cacheBlocks,
  };
}

/** The fault configuration of the settings; a {@link UsageError} about `faults` when it cannot be. */
export function faultConfigOf(s: SimSettings): FaultConfig {
  const faults = {
    rate429: s.fault429,
    rate5xx: s.fault5xx,
    rateCut: s.faultCut,
    rateGarbage: s.faultGarbage,
    rateStall: s.faultStall,
    stallMs: s.stallMs,
  };
  const problem = faultConfigProblem(faults);
  // The rates are several settings; `faults` names them as a group.
  if (problem) throw new UsageError([setting('faults'), `: ${problem}`], { field: 'faults' });
  return faults;
}
