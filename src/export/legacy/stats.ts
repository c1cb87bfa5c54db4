/**
 * numpy-exact statistics for the legacy `<prefix>_stats.json`: the same float64 operations in the same order as
 * `np.mean`, `np.std(ddof=1)`, `np.linspace` and `np.histogram`, so every bit of the output matches.
 */

/** numpy's pairwise-summation block size (`PW_BLOCKSIZE` in loops_utils.h). */
const PW_BLOCKSIZE = 128;

/**
 * Sums `a[start, start+n)` exactly as numpy's `DOUBLE_pairwise_sum` does (the inner loop of `np.add.reduce`
 * on a contiguous float64 array), including its 8-way unrolled partial sums and split points.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = r[j]! + a[start + i + j]!;
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  // Split in half, rounded down to a multiple of the unroll factor, as numpy does.
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * numpy's ufunc buffer size (`NPY_BUFSIZE`): `np.add.reduce` hands its inner loop at most this many elements
 * at a time, even for a contiguous float64 array.
 */
const NPY_BUFSIZE = 8192;

/**
 * `np.add.reduce` of a 1-d float64 array, as numpy computes it: the result starts at the identity 0.0 and each
 * chunk of {@link NPY_BUFSIZE} elements is pairwise-summed and added to it in turn. Only within a chunk is the
 * summation pairwise; from 8,193 values on, this differs from one pairwise sum over the whole array.
 */
export function numpySum(a: ArrayLike<number>): number {
  let total = 0;
  for (let start = 0; start < a.length; start += NPY_BUFSIZE) {
    total += pairwiseSum(a, start, Math.min(NPY_BUFSIZE, a.length - start));
  }
  return total;
}

/** `np.mean` of a float64 array: numpy's sum ({@link numpySum}) divided by n. */
export function mean(a: ArrayLike<number>): number {
  return numpySum(a) / a.length;
}

/**
 * `np.std(a, ddof=1)`: deviations from the numpy mean, squared, summed as numpy sums ({@link numpySum}),
 * divided by n-1, square root.
 * The legacy analyzer reports 0.0 for n = 1 (numpy itself would give nan).
 */
export function stdDdof1(a: ArrayLike<number>): number {
  const n = a.length;
  if (n <= 1) return 0;
  const m = mean(a);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - m;
    sq[i] = d * d;
  }
  return Math.sqrt(numpySum(sq) / (n - 1));
}

/** `np.linspace(start, stop, num)` with `endpoint=True`, numpy ≥ 1.20 arithmetic. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  if (div <= 0) {
    if (num === 1) y[0] = start;
    return y;
  }
  const step = delta / div;
  for (let i = 0; i < num; i++) {
    // numpy scales by delta/div, except when the step underflows to 0, where it divides first.
    y[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  }
  y[num - 1] = stop;
  return y;
}

/**
 * `np.histogram(a, bins=edges)[0]`. numpy sorts and counts with `searchsorted`; the result is the same as
 * placing each value by the (sorted) edges, which needs no sort: bin i holds `edges[i] <= x < edges[i+1]`, the
 * last bin is closed on the right, values outside are not counted. The bin is first guessed from the value's
 * position in the range and then corrected by comparing with the edges themselves, so only the comparisons
 * decide: the guess's rounding cannot move a value to another bin.
 */
export function histogramCounts(a: ArrayLike<number>, edges: Float64Array): number[] {
  const last = edges.length - 1;
  const counts = new Array<number>(last).fill(0);
  const lo = edges[0]!;
  const hi = edges[last]!;
  const scale = hi > lo ? last / (hi - lo) : 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    if (!(x >= lo && x <= hi)) continue;
    if (x === hi) {
      counts[last - 1]!++;
      continue;
    }
    let i = Math.min(last - 1, Math.max(0, Math.floor((x - lo) * scale)));
    // The last edge <= x, i.e. (the number of edges <= x) - 1; edges[0] <= x, edges[last] > x.
    while (i > 0 && x < edges[i]!) i--;
    while (i < last - 1 && x >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  return counts;
}

/** The `stats` object of one legacy metric. */
export interface LegacyStats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** The `hist` object of one legacy metric. */
export interface LegacyHist {
  edges: number[];
  counts: number[];
  percent: number[];
}

/** Stats and histogram for one metric, or `null` for both when it has no values (the legacy `null`s). */
export function summarize(
  values: ArrayLike<number>,
  bins = 10,
): { stats: LegacyStats; hist: LegacyHist } | null {
  const n = values.length;
  if (n === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // The legacy tool widens a zero-width range so the histogram has valid edges; `max_ms` stays the real max.
  const top = max === min ? min + 1e-9 : max;
  const edges = linspace(min, top, bins + 1);
  const counts = histogramCounts(values, edges);
  return {
    stats: { n, mean: mean(values), std: stdDdof1(values), min, max },
    hist: { edges: Array.from(edges), counts, percent: counts.map((c) => (c / n) * 100) },
  };
}

/** Summaries of every legacy metric, computed once for the JSON, the console and the charts. */
export type LegacySummaries = Map<string, ReturnType<typeof summarize>>;

/** Summarizes each metric's values (`values.get(name)` may be any ArrayLike of float64). */
export function summarizeAll(
  metrics: readonly { name: string }[],
  values: Map<string, { values(): Float64Array }>,
  bins = 10,
): LegacySummaries {
  return new Map(
    metrics.map((m) => [m.name, summarize(values.get(m.name)?.values() ?? new Float64Array(0), bins)]),
  );
}
