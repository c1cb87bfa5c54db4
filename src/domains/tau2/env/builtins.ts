/**
 * Python built-ins as tau2's tools apply them to arguments that arrive unvalidated: `for x in v`, `len(v)`,
 * `v.count(x)`, `sorted(v)`, `v[i]`, `s.lower()`, `round(x, n)`. Each fails where and as CPython 3.12 fails (a
 * str is iterated character by character, a dict by its keys, an int not at all), so a tool fed a wrong type
 * answers with Python's own error text.
 */
import type { PyValue } from '../../../util/pyjson.js';
import {
  attributeError,
  modelName,
  type PyDict,
  PyError,
  pyEquals,
  pyTypeName,
  typeError,
} from './python.js';

const isDict = (v: PyValue): v is PyDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && modelName(v) === undefined;

/** `iter(v)` as a `for` loop sees it: a str's characters, a list's items, a dict's keys; else `TypeError`. */
export function pyIter(v: PyValue): PyValue[] {
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return v;
  if (isDict(v)) return Object.keys(v);
  throw typeError(`'${pyTypeName(v)}' object is not iterable`);
}

/** `len(v)`: characters of a str (code points), items of a list, keys of a dict; else `TypeError`. */
export function pyLen(v: PyValue): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  throw typeError(`object of type '${pyTypeName(v)}' has no len()`);
}

// Non-overlapping occurrences of `sub` in `s`, as str.count counts them ('' occurs len(s) + 1 times).
function countSubstring(s: string, sub: string): number {
  if (sub === '') return [...s].length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/**
 * `v.count(x)`: `list.count` compares with `==` (so `1 == 1.0`), `str.count` counts substrings and wants a
 * str; any other type has no `count` attribute.
 */
export function pyCount(v: PyValue, x: PyValue): number {
  if (Array.isArray(v)) return v.filter((item) => pyEquals(item, x)).length;
  if (typeof v === 'string') {
    if (typeof x !== 'string') throw typeError(`must be str, not ${pyTypeName(x)}`);
    return countSubstring(v, x);
  }
  throw attributeError(pyTypeName(v), 'count');
}

/** `v.lower()` of a str (`str.lower` and `toLowerCase` agree, final sigma included); else `AttributeError`. */
export function pyLower(v: PyValue): string {
  if (typeof v !== 'string') throw attributeError(pyTypeName(v), 'lower');
  return v.toLowerCase();
}

/** `v[i]` for a list and a non-negative index: `IndexError` past the end. */
export function pyIndex(v: PyValue[], i: number): PyValue {
  if (i >= v.length) throw new PyError('IndexError', 'list index out of range');
  return v[i]!;
}

// `a < b` for the values sorted() meets: numbers with numbers, strs by code point, anything else TypeError.
function pyLess(a: PyValue, b: PyValue): boolean {
  const num = (x: PyValue) => typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';
  if (num(a) && num(b)) return Number(a) < Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
      if (d !== 0) return d < 0;
    }
    return x.length < y.length;
  }
  throw typeError(`'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/**
 * `sorted(v)`: a new list of `v`'s items in ascending order, stable. Python's timsort asks `b < a` of
 * neighbours; an insertion sort asks the same question of the same kinds of pairs, which is all that matters
 * for the error text of a mixed list (the tools only sort lists they have checked to hold strs).
 */
export function pySorted(v: PyValue): PyValue[] {
  const out = [...pyIter(v)];
  for (let i = 1; i < out.length; i++) {
    const x = out[i]!;
    let j = i;
    while (j > 0 && pyLess(x, out[j - 1]!)) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = x;
  }
  return out;
}

/**
 * `round(x, ndigits)` with `ndigits >= 0`: an int is returned as it is; a float is rounded to the nearest
 * decimal with `ndigits` digits, ties to even on its exact binary value (`round(2.675, 2)` is 2.67 because
 * 2.675 is stored below the tie, `round(0.125, 2)` is 0.12), then read back as the nearest float.
 */
export function pyRound(x: PyValue, ndigits: number): PyValue {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'boolean') return BigInt(x);
  if (typeof x !== 'number') throw typeError(`type ${pyTypeName(x)} doesn't define __round__ method`);
  // Zeros keep their sign (toFixed would drop it), as do infinities, nan and floats too large for a fraction.
  if (x === 0 || !Number.isFinite(x) || ndigits > 22 || Math.abs(x) >= 2 ** 52) return x;
  // toFixed rounds on the exact binary value too, but breaks ties away from zero. x * 10^n is exactly halfway
  // between two integers only when x * 2^(n+1) is an odd integer (x is dyadic), which doubles compute exactly.
  const twice = x * 2 ** (ndigits + 1);
  if (Number.isInteger(twice) && BigInt(twice) % 2n !== 0n) {
    const halfway = BigInt(twice) * 5n ** BigInt(ndigits); // 2 * x * 10^n, an odd integer
    const down = (halfway - 1n) / 2n; // floor of x * 10^n (exact division: halfway - 1 is even)
    const even = down % 2n === 0n ? down : down + 1n;
    return Number(`${even}e-${ndigits}`) || (x < 0 ? -0 : 0);
  }
  return Number(x.toFixed(ndigits));
}
