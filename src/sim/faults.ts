import { hash32, rngFor } from '../util/random.js';

/** Fault injection rates (0..1 each) and the stall length. */
export interface FaultConfig {
  rate429: number;
  rate5xx: number;
  /** The stream stops mid-way without `[DONE]` (connection closed). */
  rateCut: number;
  /** A frame that is not JSON arrives mid-stream. */
  rateGarbage: number;
  /** The stream pauses mid-way for `stallMs`. */
  rateStall: number;
  stallMs: number;
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
