import { hash32, rngFor } from '../util/random.js';

/**
 * Fault injection rates (0..1 each, at most 1 in total) and the stall length. Each rate is a fraction of all
 * chat requests, streamed or not; the stream faults strike half-way through the answer.
 */
export interface FaultConfig {
  /** Answered 429 at once. */
  rate429: number;
  /** Answered 503 at once. */
  rate5xx: number;
  /** The connection is reset half-way: a stream stops without `[DONE]`, a plain answer never comes. */
  rateCut: number;
  /** A frame that is not JSON arrives half-way through a stream; a plain answer's body is not JSON. */
  rateGarbage: number;
  /** The answer pauses half-way for `stallMs`, then arrives whole. */
  rateStall: number;
  stallMs: number;
}

/** Why `config` cannot be used, or undefined when it can. */
export function faultConfigProblem(config: FaultConfig): string | undefined {
  const rates = [config.rate429, config.rate5xx, config.rateCut, config.rateGarbage, config.rateStall];
  if (rates.some((r) => !(r >= 0 && r <= 1))) return 'every fault rate is between 0 and 1';
  // Decimal rates such as 0.1 + 0.2 + 0.3 + 0.4 add up to a hair over 1 in binary.
  if (rates.reduce((a, b) => a + b, 0) > 1 + 1e-9) return 'the fault rates add up to more than 1';
  if (!(config.stallMs >= 0 && Number.isFinite(config.stallMs))) return 'the stall length is not a duration';
  return undefined;
}

export const noFaults: FaultConfig = {
  rate429: 0,
  rate5xx: 0,
  rateCut: 0,
  rateGarbage: 0,
  rateStall: 0,
  stallMs: 0,
};

/** What goes wrong with one request. */
export type Fault = 'none' | '429' | '5xx' | 'cut' | 'garbage' | 'stall';

/**
 * Decides each request's fault from the seed, the request body and how many times that same body was seen
 * before, so a retry of a failed request draws again (and usually succeeds) and the outcome does not depend
 * on the order in which concurrent requests arrive.
 */
export function createFaultPicker(config: FaultConfig, seed: number): (body: string) => Fault {
  const seen = new Map<number, number>();
  const any = config.rate429 + config.rate5xx + config.rateCut + config.rateGarbage + config.rateStall > 0;
  return (body) => {
    if (!any) return 'none';
    const key = hash32(body);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    let x = rngFor(seed, `fault:${key}:${n}`)();
    for (const [fault, rate] of [
      ['429', config.rate429],
      ['5xx', config.rate5xx],
      ['cut', config.rateCut],
      ['garbage', config.rateGarbage],
      ['stall', config.rateStall],
    ] as const) {
      if (x < rate) return fault;
      x -= rate;
    }
    return 'none';
  };
}
