/**
 * Writes the legacy summary byte for byte as Python `json.dump(summary, f, indent=2)` does: same key order,
 * one list element per line, ints as ints and floats in Python `repr`, no trailing newline.
 */
import type { LegacyParseResult } from './parse.js';
import { LEGACY_METRICS } from './parse.js';
import { type LegacySummaries, summarizeAll } from './stats.js';

/** A Python JSON value: `bigint` stands for a Python int, `number` for a Python float. */
export type PyJson = null | string | bigint | number | PyJson[] | { [key: string]: PyJson };

/** Python `repr(float)`: shortest round-trip digits, exponent form when exp < -4 or exp >= 16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // JS toExponential() without digits gives the same shortest round-trip digits as Python's repr.
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
}

/** A float as `json.dumps` writes it (`allow_nan=True`: `NaN`, `Infinity`, `-Infinity`). */
function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return pyFloatRepr(x);
}

/** `json.dumps(value, indent=2)` (default separators `', '`/`': '`, which indent turns into `','` + newline). */
export function pyJsonDumps(value: PyJson, level = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return jsonFloat(value);
  const pad = '  '.repeat(level + 1);
  const end = '  '.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + pyJsonDumps(v, level + 1)).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pyJsonDumps(v, level + 1)}`);
  return `{\n${body.join(',\n')}\n${end}}`;
}

/** Builds the legacy summary object (as Python values) from parsed logs. */
export function legacySummary(
  parsed: LegacyParseResult,
  bins = 10,
  summaries: LegacySummaries = summarizeAll(LEGACY_METRICS, parsed.values, bins),
): PyJson {
  const out: { [key: string]: PyJson } = {};
  for (const metric of LEGACY_METRICS) {
    const s = summaries.get(metric.name) ?? null;
    out[metric.name] = {
      unit: metric.unit,
      stats: s && {
        n: BigInt(s.stats.n),
        mean_ms: s.stats.mean,
        std_ms: s.stats.std,
        min_ms: s.stats.min,
        max_ms: s.stats.max,
      },
      hist: s && {
        edges: s.hist.edges,
        counts: s.hist.counts.map((c) => BigInt(c)),
        percent: s.hist.percent,
      },
    };
  }
  return out;
}

/** The `<prefix>_stats.json` text for parsed logs. */
export function legacyStatsJson(
  parsed: LegacyParseResult,
  bins = 10,
  summaries: LegacySummaries = summarizeAll(LEGACY_METRICS, parsed.values, bins),
): string {
  return pyJsonDumps(legacySummary(parsed, bins, summaries));
}
