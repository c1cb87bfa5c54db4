/**
 * Rank tests for `compare`, two-sided, with the normal approximation that scipy.stats calls `asymptotic` /
 * `approx`: Mann–Whitney U for two independent samples (tie-corrected variance, continuity correction), and
 * Wilcoxon's signed-rank test for paired differences (zeros dropped, tie-corrected, no continuity
 * correction). No well-kept npm package gives their p-values, so they are written here and checked against
 * scipy (scripts/rank_tests_reference.py writes the goldens). With the hundreds of samples a run has, the
 * normal approximation is what scipy itself uses; below ~10 samples a side it is rough, and says so by
 * nothing: `compare` shows the counts beside every p-value.
 */
import { cumulativeNormal } from 'vega-statistics';

/** A test's statistic (U of the first sample; W⁺ for signed ranks), its z score and two-sided p-value. */
export interface RankTest {
  statistic: number;
  z: number;
  p: number;
}

/** 1-based midranks of `values` in place of ties, and Σ(t³ − t) over the tie groups. */
export function midranks(values: ArrayLike<number>): { ranks: Float64Array; ties: number } {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  return { ranks, ties };
}

/** Two-sided p-value of z, never above 1. */
const twoSided = (z: number) => Math.min(1, 2 * cumulativeNormal(-Math.abs(z)));

/**
 * Mann–Whitney U of `x` against `y` (scipy.stats.mannwhitneyu, method='asymptotic', use_continuity=True);
 * undefined when a sample is empty. All values equal: p = 1.
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): RankTest | undefined {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const all = new Float64Array(n1 + n2);
  all.set(Array.from(x));
  all.set(Array.from(y), n1);
  const { ranks, ties } = midranks(all);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { statistic: u1, z: 0, p: 1 };
  const z = (Math.max(u1, n1 * n2 - u1) - mu - 0.5) / Math.sqrt(variance);
  return { statistic: u1, z, p: twoSided(z) };
}

/**
 * Wilcoxon's signed-rank test of paired differences `d` (scipy.stats.wilcoxon, method='approx',
 * zero_method='wilcox', correction=False); p = 1 when every difference is zero, undefined when there are none.
 */
export function wilcoxonSignedRank(d: ArrayLike<number>): RankTest | undefined {
  if (d.length === 0) return undefined;
  const nonzero = Array.from(d).filter((v) => v !== 0);
  const n = nonzero.length;
  if (n === 0) return { statistic: 0, z: 0, p: 1 };
  const { ranks, ties } = midranks(nonzero.map(Math.abs));
  let plus = 0;
  for (let i = 0; i < n; i++) if (nonzero[i]! > 0) plus += ranks[i]!;
  const minus = (n * (n + 1)) / 2 - plus;
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties / 48);
  const z = (Math.min(plus, minus) - mean) / sd;
  return { statistic: plus, z, p: twoSided(z) };
}
