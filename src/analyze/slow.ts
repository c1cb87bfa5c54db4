/**
 * Slow-task detection: the trials of a domain whose wall time lies beyond a robust threshold,
 * `median + k × 1.4826 × MAD` of that domain's trial wall times (MAD: the median absolute deviation from the
 * median; 1.4826 × MAD estimates the standard deviation of normal data, so k reads as "standard deviations",
 * yet one very slow trial cannot inflate it as it would a standard deviation). k is {@link SLOW_K} unless
 * told otherwise. A domain with fewer than {@link SLOW_MIN_TRIALS} trials is not judged: its median says
 * too little.
 *
 * Each slow trial is given the component that made it slow: the one of its wall-time attribution
 * (attribution.ts) that exceeds the domain's median for that component by the most milliseconds.
 */
import { quantileSorted } from '../util/quantile.js';
import { type Breakdown, COMPONENTS, type Component } from './attribution.js';

/** The default k of the rule. */
export const SLOW_K = 3;
/** Fewer trials than this in a domain and it is not judged. */
export const SLOW_MIN_TRIALS = 5;
/** MAD × this estimates a normal distribution's standard deviation. */
export const MAD_SCALE = 1.4826;

/** What the rule needs of a trial. */
export interface TrialTime {
  domain: string;
  wallMs: number;
  breakdown: Breakdown;
}

/** The rule as applied to one domain. */
export interface DomainRule {
  domain: string;
  trials: number;
  medianMs: number;
  madMs: number;
  /** Undefined when the domain has too few trials to be judged. */
  thresholdMs: number | undefined;
}

/** A trial beyond its domain's threshold. */
export interface SlowTrial {
  /** Index of the trial in the input. */
  index: number;
  thresholdMs: number;
  /** The component with the largest excess over the domain's median, and that excess in ms. */
  cause: Component;
  excessMs: number;
}

/** What {@link slowTrials} found. */
export interface SlowReport {
  k: number;
  rules: DomainRule[];
  /** Slowest first. */
  slow: SlowTrial[];
}

const median = (values: number[]): number => quantileSorted(Float64Array.from(values).sort(), 0.5);

/** Applies the rule to every domain of `trials`. */
export function slowTrials(trials: readonly TrialTime[], k = SLOW_K): SlowReport {
  const byDomain = new Map<string, number[]>();
  trials.forEach((t, i) => {
    let list = byDomain.get(t.domain);
    if (!list) {
      list = [];
      byDomain.set(t.domain, list);
    }
    list.push(i);
  });
  const rules: DomainRule[] = [];
  const slow: SlowTrial[] = [];
  for (const [domain, indices] of [...byDomain].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const walls = indices.map((i) => trials[i]!.wallMs);
    const medianMs = median(walls);
    const madMs = median(walls.map((w) => Math.abs(w - medianMs)));
    const judged = indices.length >= SLOW_MIN_TRIALS;
    const thresholdMs = judged ? medianMs + k * MAD_SCALE * madMs : undefined;
    rules.push({ domain, trials: indices.length, medianMs, madMs, thresholdMs });
    if (thresholdMs === undefined) continue;
    const typical = medianBreakdown(indices.map((i) => trials[i]!.breakdown));
    for (const i of indices) {
      const t = trials[i]!;
      if (t.wallMs <= thresholdMs) continue;
      const { cause, excessMs } = largestExcess(t.breakdown, typical);
      slow.push({ index: i, thresholdMs, cause, excessMs });
    }
  }
  slow.sort((a, b) => trials[b.index]!.wallMs - trials[a.index]!.wallMs);
  return { k, rules, slow };
}

/** The median of each component over `list`. */
function medianBreakdown(list: readonly Breakdown[]): Breakdown {
  return Object.fromEntries(COMPONENTS.map((c) => [c, median(list.map((b) => b[c]))])) as Breakdown;
}

/** The component of `b` furthest above `typical`. */
function largestExcess(b: Breakdown, typical: Breakdown): { cause: Component; excessMs: number } {
  let cause: Component = COMPONENTS[0];
  let excessMs = Number.NEGATIVE_INFINITY;
  for (const c of COMPONENTS) {
    const excess = b[c] - typical[c];
    if (excess > excessMs) {
      cause = c;
      excessMs = excess;
    }
  }
  return { cause, excessMs };
}
