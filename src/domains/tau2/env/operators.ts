/**
 * Python's operators on {@link PyValue}s, for tools whose arithmetic runs on unvalidated arguments: `int`
 * (bigint) and `float` (number) mix as in Python (`2 - 1.0` is `1.0`, `50 * 2` stays an int), `bool` counts as
 * an int, `str`/`list` repeat and concatenate, and everything else raises Python's own `TypeError`
 * (`unsupported operand type(s) for -: 'str' and 'int'`). Also comparisons, `d[key]` and attribute access on
 * model instances, each failing as CPython 3.12 fails. The built-in functions (`len`, `iter`, `max`, `sum`,
 * `sorted`, `round`, ...) are in `builtins.ts`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import {
  attributeError,
  keyError,
  modelName,
  type PyDict,
  PyError,
  pyEquals,
  pyTypeName,
  typeError,
} from './python.js';

/** The binary operators the tools use; `+=` style augmented forms only change the error text. */
export type ArithOp = '+' | '-' | '*';

const isDictLike = (v: PyValue): v is PyDict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number as Python sees it (`bool` is an `int`), or undefined for anything else. */
export function pyNumber(v: PyValue): bigint | number | undefined {
  if (typeof v === 'boolean') return BigInt(v);
  return typeof v === 'bigint' || typeof v === 'number' ? v : undefined;
}

/** `float(int)`: nearest double, ties to even (as `Number(bigint)` rounds); `OverflowError` past the largest. */
export function intToFloat(v: bigint | number): number {
  if (typeof v === 'number') return v;
  const f = Number(v);
  if (!Number.isFinite(f)) throw new PyError('OverflowError', 'int too large to convert to float');
  return f;
}

const unsupported = (op: string, a: PyValue, b: PyValue): PyError =>
  typeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);

// `seq * n`: Python repeats a str or list n times (nothing for n <= 0); a non-int count is a TypeError.
function repeat(seq: string | PyValue[], count: PyValue): PyValue {
  const n = typeof count === 'boolean' ? BigInt(count) : count;
  if (typeof n !== 'bigint')
    throw typeError(`can't multiply sequence by non-int of type '${pyTypeName(count)}'`);
  const times = n > 0n ? Number(n) : 0;
  if (typeof seq === 'string') return seq.repeat(times);
  const out: PyValue[] = [];
  for (let i = 0; i < times; i++) out.push(...seq);
  return out;
}

/**
 * `a <op> b` (or `a <op>= b` when `augmented`): int with int stays an int, any float makes a float, `str`/`list`
 * concatenate and repeat; other mixes raise the `TypeError` CPython raises.
 */
export function pyArith(op: ArithOp, a: PyValue, b: PyValue, augmented = false): PyValue {
  const shown = augmented ? `${op}=` : op;
  const x = pyNumber(a);
  const y = pyNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === 'bigint' && typeof y === 'bigint')
      return op === '+' ? x + y : op === '-' ? x - y : x * y;
    const fx = intToFloat(x);
    const fy = intToFloat(y);
    return op === '+' ? fx + fy : op === '-' ? fx - fy : fx * fy;
  }
  if (op === '+') {
    if (typeof a === 'string') {
      if (typeof b === 'string') return a + b;
      throw typeError(`can only concatenate str (not "${pyTypeName(b)}") to str`);
    }
    if (Array.isArray(a)) {
      if (Array.isArray(b)) return [...a, ...b];
      throw typeError(`can only concatenate list (not "${pyTypeName(b)}") to list`);
    }
  }
  if (op === '*') {
    if (typeof a === 'string' || Array.isArray(a)) return repeat(a, b);
    if (x !== undefined && (typeof b === 'string' || Array.isArray(b))) return repeat(b, a);
  }
  throw unsupported(shown, a, b);
}

/** `-a`. */
export function pyNeg(a: PyValue): PyValue {
  const x = pyNumber(a);
  if (x === undefined) throw typeError(`bad operand type for unary -: '${pyTypeName(a)}'`);
  return -x;
}

/** Compares two str by code point, as Python does (JS `<` compares UTF-16 units). */
function compareStr(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

// -1/0/1, or undefined when Python has no ordering for the pair.
function order(a: PyValue, b: PyValue, op: string): number {
  const x = pyNumber(a);
  const y = pyNumber(b);
  if (x !== undefined && y !== undefined) {
    // bigint and number compare exactly by value in JS, as int and float do in Python.
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return Math.sign(compareStr(a, b));
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i]!, b[i]!)) return order(a[i]!, b[i]!, op);
    }
    return Math.sign(a.length - b.length);
  }
  throw typeError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** `a < b`, `a <= b`, `a > b`, `a >= b`; unorderable types raise `TypeError`, NaN compares false. */
export function pyCompare(op: '<' | '<=' | '>' | '>=', a: PyValue, b: PyValue): boolean {
  const c = order(a, b, op);
  if (Number.isNaN(c)) return false;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

/** `d[key]` on a dict with str keys: unhashable keys raise `TypeError`, absent keys `KeyError(repr(key))`. */
export function pyGetItem(d: PyDict, key: PyValue): PyValue {
  if (Array.isArray(key) || isDictLike(key)) throw typeError(`unhashable type: '${pyTypeName(key)}'`);
  if (typeof key !== 'string' || !Object.hasOwn(d, key)) throw keyError(key);
  return d[key]!;
}

/**
 * `obj.name`: a field of a pydantic model instance; on anything else (a plain dict included, whatever its
 * keys) `AttributeError: 'dict' object has no attribute 'name'`.
 */
export function pyAttr<T extends PyValue = PyValue>(obj: PyValue, name: string): T {
  if (modelName(obj) !== undefined && Object.hasOwn(obj as PyDict, name)) return (obj as PyDict)[name] as T;
  throw attributeError(pyTypeName(obj), name);
}

/** `isinstance(v, dict)`: a plain dict; a model instance is not one. */
export function isPlainDict(v: PyValue): v is PyDict {
  return isDictLike(v) && modelName(v) === undefined;
}
