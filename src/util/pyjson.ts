/**
 * JSON as Python's `json` module reads and writes it. tau2-bench serialises tool results with `json.dumps`, and
 * its tools see arguments as `json.loads` gives them, where `2` is an int and `2.0` a float that prints as
 * `2.0`: `JSON.parse` would merge the two. Here a Python int is a `bigint` and a Python float a `number`, so
 * the distinction survives a round trip.
 */
import { isInteger, parse } from 'lossless-json';
import { pyFloatRepr } from '../export/legacy/json.js';

/** A value as Python's `json.loads` returns it: `bigint` is a Python int, `number` a Python float. */
export type PyValue = null | boolean | string | bigint | number | PyValue[] | { [key: string]: PyValue };

/** `json.loads(text)`: numbers without a fraction or exponent become `bigint`, the others `number`. */
export function loadsPy(text: string): PyValue {
  return parse(text, null, (digits) =>
    isInteger(digits) ? BigInt(digits) : Number.parseFloat(digits),
  ) as PyValue;
}

/** Options of {@link dumpsPy}, named and defaulted as `json.dumps` names them. */
export interface DumpsOptions {
  /** Default true: every character outside printable ASCII as `\uXXXX`. */
  ensureAscii?: boolean;
  sortKeys?: boolean;
  /** Spaces per level; undefined writes everything on one line. */
  indent?: number;
  /** `[item, key]`; default `[', ', ': ']`, or `[',', ': ']` with an indent. */
  separators?: [string, string];
}

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const SURROGATE = /[\uD800-\uDFFF]/;
// Strings that need no escaping in json.dumps (the common case: a fast path for multi-MB DBs).
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as `json.dumps` quotes it (per UTF-16 code unit, as Python escapes astral characters). */
function quote(s: string, ensureAscii: boolean): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const short = SHORT[ch];
    if (short) out += short;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python orders str keys by code point; JS's default sort compares UTF-16 code units. */
function byCodePoint(a: string, b: string): number {
  // Without surrogates, UTF-16 code unit order is code point order.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return pyFloatRepr(x);
}

/** `json.dumps(value, ...)`, byte for byte. */
export function dumpsPy(value: PyValue, options: DumpsOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
  const write = (v: PyValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return floatText(v);
    const items = Array.isArray(v)
      ? v.map((x) => write(x, level + 1))
      : (options.sortKeys ? Object.keys(v).sort(byCodePoint) : Object.keys(v)).map(
          (k) => `${quote(k, ensureAscii)}${keySep}${write(v[k]!, level + 1)}`,
        );
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return open + close;
    if (indent === undefined) return open + items.join(itemSep) + close;
    const inner = `\n${' '.repeat(indent * (level + 1))}`;
    return `${open}${inner}${items.join(itemSep + inner)}\n${' '.repeat(indent * level)}${close}`;
  };
  return write(value, 0);
}
