/**
 * Percentile-bootstrap 95 % confidence intervals of the difference of a statistic (candidate − baseline),
 * seeded so that the same inputs give the same interval on every machine.
 *
 * Unpaired, each run's sample is resampled on its own, and a resample's statistic is drawn without building
 * the resample, so that a run of hundreds of thousands of calls costs O(1) per resample instead of O(n):
 * - a quantile needs the resample's k-th and (k+1)-th smallest values. A resample is F̂⁻¹ applied to n
 *   uniforms, so its k-th smallest value is F̂⁻¹(U₍ₖ₎) with U₍ₖ₎ ~ Beta(k, n − k + 1), and given it, U₍ₖ₊₁₎ is
 *   U₍ₖ₎ plus the least of n − k uniforms on what is left: the same distribution as drawing the resample.
 * - the mean of a resample is drawn value by value up to {@link EXACT_MEAN_MAX} values, and from its normal
 *   limit (the mean, σ̂/√n) above, where the two differ by less than the Monte Carlo error of the interval.
 *
 * Paired (the same trial in both runs), pairs are resampled, so both sides of a resample hold the same trials:
 * each resample draws how many times each pair is taken and walks the values in sorted order.
 */
import { quantileSorted } from '../util/quantile.js';
import { createRng, hash32, type Rng } from '../util/random.js';

/** Statistics the bootstrap estimates: the mean or a quantile (0…1, numpy's linear definition). */
export type BootStat = { kind: 'mean' } | { kind: 'quantile'; q: number };

/** A 95 % interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/** Samples above this size have their resampled mean drawn from its normal limit. */
export const EXACT_MEAN_MAX = 1000;

/** One side's values sorted, and where each unit's value sits among them. */
interface Side {
  sorted: Float64Array;
  pos: Uint32Array;
}

function sideOf(values: ArrayLike<number>): Side {
  const order = Uint32Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[a]! - values[b]!,
  );
  const pos = new Uint32Array(values.length);
  order.forEach((unit, k) => {
    pos[unit] = k;
  });
  return { sorted: Float64Array.from(order, (i) => values[i]!), pos };
}

/** The statistics of a plain sample: what the bootstrap's resamples are compared with. */
export function statOf(values: ArrayLike<number>, stat: BootStat): number {
  const sorted = Float64Array.from(values).sort();
  if (stat.kind === 'quantile') return quantileSorted(sorted, stat.q);
  let sum = 0;
  for (const v of sorted) sum += v;
  return sum / sorted.length;
}

/** The ranks each quantile needs in a resample of `n`, ascending: `slot` = 2·statistic + (0 low, 1 high). */
function targetsOf(stats: readonly BootStat[], n: number): { rank: Int32Array; slot: Int32Array } {
  const list: [rank: number, slot: number][] = [];
  stats.forEach((s, i) => {
    if (s.kind !== 'quantile') return;
    // A quantile needs the values at ranks ⌊h⌋ and ⌊h⌋ + 1 of the resample, h = (n − 1)·q.
    const r = Math.floor((n - 1) * s.q);
    list.push([r, 2 * i], [Math.min(r + 1, n - 1), 2 * i + 1]);
  });
  list.sort((x, y) => x[0] - y[0]);
  return { rank: Int32Array.from(list, (t) => t[0]), slot: Int32Array.from(list, (t) => t[1]) };
}

/**
 * The statistics of one resample, from how many times each sorted value was drawn (`counts`, in sorted
 * order, `n` in all), written into `out`; `ends` is scratch space of 2 per statistic.
 */
function walkStats(
  sorted: Float64Array,
  counts: Uint32Array,
  n: number,
  stats: readonly BootStat[],
  targets: ReturnType<typeof targetsOf>,
  ends: Float64Array,
  out: Float64Array,
): void {
  const { rank, slot } = targets;
  let t = 0;
  let seen = 0;
  let sum = 0;
  for (let k = 0; k < sorted.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const v = sorted[k]!;
    sum += v * c;
    seen += c;
    for (; t < rank.length && rank[t]! < seen; t++) ends[slot[t]!] = v;
  }
  for (let i = 0; i < stats.length; i++) {
    const s = stats[i]!;
    if (s.kind === 'mean') out[i] = sum / n;
    else {
      const h = (n - 1) * s.q;
      out[i] = ends[2 * i]! + (h - Math.floor(h)) * (ends[2 * i + 1]! - ends[2 * i]!);
    }
  }
}

/** How many resamples, and what seeds them: `key` (the metric's name) makes each metric's draws its own. */
export interface BootstrapOptions {
  resamples: number;
  seed: number;
  key: string;
}

/**
 * 95 % intervals of `stat(candidate) − stat(baseline)` for each of `stats`. Paired: `baseline[i]` and
 * `candidate[i]` are the same unit (trial) and are drawn together. Both samples must hold values.
 */
export function bootstrapDiff(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  stats: readonly BootStat[],
  options: BootstrapOptions & { paired?: boolean },
): Interval[] {
  const paired = options.paired === true;
  if (paired && baseline.length !== candidate.length) throw new Error('paired samples differ in length');
  const rng = createRng(hash32(`${options.seed}:${options.key}`));
  if (!paired) {
    const b = resampledStats(baseline, stats, options.resamples, rng);
    const c = resampledStats(candidate, stats, options.resamples, rng);
    return stats.map((_, s) => percentiles(c[s]!.map((v, r) => v - b[s]![r]!)));
  }
  // Pairs that are all equal (every trial's reward unchanged) differ by 0 in every resample.
  let same = true;
  for (let i = 0; i < baseline.length && same; i++) same = baseline[i] === candidate[i];
  if (same) return stats.map(() => ({ lo: 0, hi: 0 }));
  return pairedDiffs(baseline, candidate, stats, options.resamples, rng).map(percentiles);
}

/** The 2.5 % and 97.5 % points of the resampled differences (sorted in place). */
function percentiles(d: Float64Array): Interval {
  d.sort();
  return { lo: quantileSorted(d, 0.025), hi: quantileSorted(d, 0.975) };
}

/** Resampled differences of paired samples: pairs drawn with their counts, values walked in sorted order. */
function pairedDiffs(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  stats: readonly BootStat[],
  resamples: number,
  rng: Rng,
): Float64Array[] {
  const b = sideOf(baseline);
  const c = sideOf(candidate);
  const n = baseline.length;
  // Drawn counts scattered to each side's sorted order, so that the walks read memory in order.
  const countsB = new Uint32Array(n);
  const countsC = new Uint32Array(n);
  const outB = new Float64Array(stats.length);
  const outC = new Float64Array(stats.length);
  const ends = new Float64Array(2 * stats.length);
  const diffs = stats.map(() => new Float64Array(resamples));
  const targets = targetsOf(stats, n);
  for (let r = 0; r < resamples; r++) {
    countsB.fill(0);
    countsC.fill(0);
    for (let k = 0; k < n; k++) {
      const unit = Math.floor(rng() * n);
      countsB[b.pos[unit]!]!++;
      countsC[c.pos[unit]!]!++;
    }
    walkStats(b.sorted, countsB, n, stats, targets, ends, outB);
    walkStats(c.sorted, countsC, n, stats, targets, ends, outC);
    for (let s = 0; s < stats.length; s++) diffs[s]![r] = outC[s]! - outB[s]!;
  }
  return diffs;
}

/** A standard normal variate (Box–Muller). */
function normal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A Gamma(a, 1) variate for a ≥ 1 (Marsaglia and Tsang, 2000). */
function gamma(rng: Rng, a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** `sorted`'s value at uniform `u`: F̂⁻¹(u), the ⌈n·u⌉-th smallest. */
const inverse = (sorted: Float64Array, u: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * u) - 1))]!;

/** `resamples` draws of the q-quantile of a resample of ascending `sorted`. */
function resampledQuantiles(sorted: Float64Array, q: number, resamples: number, rng: Rng): Float64Array {
  const n = sorted.length;
  const h = (n - 1) * q;
  const k = Math.floor(h) + 1; // 1-based rank of the lower of the two order statistics
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const g = gamma(rng, k);
    const uk = g / (g + gamma(rng, n - k + 1));
    const a = inverse(sorted, uk);
    if (k >= n || h === k - 1) {
      out[r] = a;
      continue;
    }
    const next = uk + (1 - uk) * (1 - (1 - rng()) ** (1 / (n - k)));
    out[r] = a + (h - (k - 1)) * (inverse(sorted, next) - a);
  }
  return out;
}

/** `resamples` draws of the mean of a resample of `sorted`. */
function resampledMeans(sorted: Float64Array, resamples: number, rng: Rng): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(resamples);
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  if (n > EXACT_MEAN_MAX) {
    let ss = 0;
    for (const v of sorted) ss += (v - mean) ** 2;
    const se = Math.sqrt(ss / n / n);
    for (let r = 0; r < resamples; r++) out[r] = mean + se * normal(rng);
    return out;
  }
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += sorted[Math.floor(rng() * n)]!;
    out[r] = s / n;
  }
  return out;
}

/** Each statistic's resampled values for one unpaired sample. */
function resampledStats(values: ArrayLike<number>, stats: readonly BootStat[], resamples: number, rng: Rng) {
  const sorted = Float64Array.from(values).sort();
  return stats.map((s) =>
    s.kind === 'mean'
      ? resampledMeans(sorted, resamples, rng)
      : resampledQuantiles(sorted, s.q, resamples, rng),
  );
}
