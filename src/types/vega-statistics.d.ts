// vega-statistics ships JavaScript without types; this declares the one function tau2-trace uses.
declare module 'vega-statistics' {
  /** The normal distribution's CDF at `value` (Hart's double-precision algorithm as given by West, 2005). */
  export function cumulativeNormal(value: number, mean?: number, stdev?: number): number;
}
