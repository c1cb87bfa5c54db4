/**
 * Python built-ins as tau2's tools apply them to arguments that arrive unvalidated: `for x in v`, `len(v)`,
 * `max(a, b)`, `sum(v)`, `v.count(x)`, `sorted(v)`, `v[i]`, `s.lower()`, `round(x, n)`. Each fails where and as
 * CPython 3.12 fails (a str is iterated character by character, a dict by its keys, an int not at all), so a
 * tool fed a wrong type answers with Python's own error text. Operators and comparisons are in `operators.ts`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { isPlainDict, pyArith, pyCompare } from './operators.js';
import { attributeError, modelName, PyError, pyEquals, pyTypeName, typeError } from './python.js';

/**
 * `iter(v)` as a `for` loop sees it: a str's characters, a list's items, a dict's keys, a model instance's
 * `(field, value)` pairs (as 2-item lists, pydantic's `__iter__`); else `TypeError`.
 */
export function pyIter(v: PyValue): PyValue[] {
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null) {
    return modelName(v) === undefined ? Object.keys(v) : Object.entries(v).map(([k, x]) => [k, x]);
  }
  throw typeError(`'${pyTypeName(v)}' object is not iterable`);
}

/** `len(v)`: characters of a str (code points), items of a list, keys of a dict; a model or number has none. */
export function pyLen(v: PyValue): bigint {
  if (typeof v === 'string') return BigInt([...v].length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (isPlainDict(v)) return BigInt(Object.keys(v).length);
  throw typeError(`object of type '${pyTypeName(v)}' has no len()`);
}

/** `max(a, b)`: the first of the largest (`max(0, 0.0)` is the int `0`), compared as `b > a`. */
export function pyMax(a: PyValue, b: PyValue): PyValue {
  return pyCompare('>', b, a) ? b : a;
}

/**
 * `sum(items)`: from the int `0`, adding with Python's `+`. Exact for ints; a float sum would need CPython 3.12's
 * compensated summation, which no ported tool needs.
 */
export function pySum(items: readonly PyValue[]): PyValue {
  let total: PyValue = 0n;
  for (const x of items) total = pyArith('+', total, x);
  return total;
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
    while (j > 0 && pyCompare('<', x, out[j - 1]!)) {
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
