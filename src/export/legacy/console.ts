/**
 * The legacy analyzer's console tables, with Python's `format()` rounding (half-to-even on the exact binary
 * value of the double, which JS `toFixed` gets wrong only at exact ties).
 */
import type { LegacyParseResult } from './parse.js';
import { LEGACY_METRICS } from './parse.js';
import { type LegacySummaries, summarizeAll } from './stats.js';

/** Python `f"{x:.{digits}f}"`: exact decimal expansion of the double, rounded half to even. */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // x = mant * 2^exp2 exactly; subnormals have no implicit bit.
  let exp2 = biased - 1075;
  if (biased === 0) exp2 = -1074;
  else mant |= 1n << 52n;
  const scaled = mant * 10n ** BigInt(digits);
  let q: bigint;
  if (exp2 >= 0) q = scaled << BigInt(exp2);
  else {
    const den = 1n << BigInt(-exp2);
    q = scaled / den;
    const twice = 2n * (scaled % den);
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return (negative ? '-' : '') + body;
}

/** Python `f"{x:{width}.{digits}f}"`: right-aligned in `width`. */
function pyFixedWidth(x: number, width: number, digits: number): string {
  return pyFixed(x, digits).padStart(width, ' ');
}

/**
 * The console tables of the legacy analyzer: per metric a `=== <header> ===` block with the stats line (each
 * value followed by the metric's unit) and one row per bin, or `no data`; every block ends with an empty line.
 */
export function legacyConsoleText(
  parsed: LegacyParseResult,
  bins = 10,
  summaries: LegacySummaries = summarizeAll(LEGACY_METRICS, parsed.values, bins),
): string {
  const out: string[] = [];
  for (const metric of LEGACY_METRICS) {
    out.push(`=== ${metric.header} ===`);
    const s = summaries.get(metric.name) ?? null;
    if (!s) {
      out.push('no data', '');
      continue;
    }
    const u = metric.unit;
    const { n, mean, std, min, max } = s.stats;
    out.push(
      `n=${n} mean=${pyFixed(mean, 2)}${u} std=${pyFixed(std, 2)}${u} min=${pyFixed(min, 2)}${u} max=${pyFixed(max, 2)}${u}`,
    );
    // Edges of token metrics are whole numbers of tokens.
    const ed = metric.unit === 'tok' ? 0 : 2;
    const { edges, percent } = s.hist;
    for (let i = 0; i < percent.length; i++) {
      out.push(
        `[${pyFixed(edges[i]!, ed)}, ${pyFixed(edges[i + 1]!, ed)}]: ${pyFixedWidth(percent[i]!, 5, 1)}%`,
      );
    }
    out.push('');
  }
  return out.map((l) => `${l}\n`).join('');
}

/**
 * The legacy analyzer's last lines: `Wrote <json>`, then `Wrote <png>` per chart in metric order. It prints
 * absolute paths with symlinks resolved (`Path.resolve()`), so callers pass such paths.
 */
export function legacyWroteText(jsonPath: string, pngPaths: readonly string[]): string {
  return [jsonPath, ...pngPaths].map((p) => `Wrote ${p}\n`).join('');
}
