/**
 * The project's one definition of a quantile: linear interpolation between order statistics, numpy's default
 * (`method='linear'`, R's type 7). The extended stats goldens (`<prefix>_stats_ext.json`) were written with
 * exactly this arithmetic, `a + (h − lo)·(b − a)`; any rewrite must stay byte-identical to them.
 */

/**
 * The `q`-quantile (0…1) of ascending `sorted`, which must not be empty.
 *
 * With `h = (n − 1)·q` and `lo = ⌊h⌋`: `sorted[lo] + (h − lo)·(sorted[lo + 1] − sorted[lo])`.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

/** The `q`-quantile (0…1) of unsorted `values` (not modified), or `undefined` when there are none. */
export function quantile(values: ArrayLike<number>, q: number): number | undefined {
  if (values.length === 0) return undefined;
  return quantileSorted(Float64Array.from(values).sort(), q);
}
