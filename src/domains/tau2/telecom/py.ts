/**
 * The Python semantics telecom's tools add to those of `env/python.ts`: truthiness, arithmetic and comparison
 * across ints, floats and bools (with Python's `TypeError`s for anything else), attribute access on values that
 * may not be models (the phone's APN settings can hold a str after a bad call), `Enum.value`, and the fixed
 * calendar of `get_today()`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { attributeError, modelName, type PyDict, pyTypeName, typeError } from '../env/python.js';

/** `bool(v)`. */
export function truthy(v: PyValue | undefined): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && modelName(v) === undefined) return Object.keys(v).length > 0;
  return true;
}

/** `obj.name` where `obj` may be any value: only a model (or dict-like object) has fields. */
export function attr<T extends PyValue = PyValue>(obj: PyValue | undefined, name: string): T {
  const o = obj ?? null;
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !Object.hasOwn(o, name)) {
    throw attributeError(pyTypeName(o), name);
  }
  return o[name] as T;
}

/** `obj.name = value`, failing as Python does on a value that is not a model. */
export function setAttr(obj: PyValue | undefined, name: string, value: PyValue): void {
  const o = obj ?? null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw attributeError(pyTypeName(o), name);
  (o as PyDict)[name] = value;
}

/** `member.value` of a str-mixin enum member (stored as its value); anything else has no `.value`. */
export function enumValue(v: PyValue | undefined): string {
  if (typeof v === 'string') return v;
  throw attributeError(pyTypeName(v ?? null), 'value');
}

/** `v.lower()`: only a str has it. */
export function pyLower(v: PyValue): string {
  if (typeof v !== 'string') throw attributeError(pyTypeName(v), 'lower');
  return v.toLowerCase();
}

type Num = bigint | number | boolean;
const isNum = (v: PyValue): v is Num =>
  typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
const isInt = (v: Num): v is bigint | boolean => typeof v !== 'number';

function binary(op: '+' | '-' | '*', a: PyValue, b: PyValue): PyValue {
  if (!isNum(a) || !isNum(b)) {
    throw typeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  if (isInt(a) && isInt(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return op === '+' ? x + y : op === '-' ? x - y : x * y;
  }
  const x = Number(a);
  const y = Number(b);
  return op === '+' ? x + y : op === '-' ? x - y : x * y;
}

/** `a + b` on numbers (an int stays an int, a float anywhere makes a float). */
export const pyAdd = (a: PyValue, b: PyValue): PyValue => binary('+', a, b);
/** `a - b` on numbers. */
export const pySub = (a: PyValue, b: PyValue): PyValue => binary('-', a, b);
/** `a * b` on numbers. */
export const pyMul = (a: PyValue, b: PyValue): PyValue => binary('*', a, b);

/** `a <op> b` for numbers (or two strs); other pairs raise Python's `TypeError`. */
export function pyCompare(op: '<' | '<=' | '>' | '>=', a: PyValue, b: PyValue): boolean {
  let x: number | bigint | string;
  let y: number | bigint | string;
  if (isNum(a) && isNum(b)) {
    x = typeof a === 'boolean' ? BigInt(a) : a;
    y = typeof b === 'boolean' ? BigInt(b) : b;
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    throw typeError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

/** tau2's telecom `get_today()`: the simulated clock is fixed at 2025-02-25. */
export const TODAY = '2025-02-25';

const toDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const fromDate = (d: Date): string => d.toISOString().slice(0, 10);

/** `date + timedelta(days=n)` on `YYYY-MM-DD` dates. */
export function addDays(iso: string, n: number): string {
  const d = toDate(iso);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}

/** `date.replace(day=1)`. */
export const firstOfMonth = (iso: string): string => `${iso.slice(0, 8)}01`;

/** `date.replace(month=m)` for the first of a month (the only day tau2 moves across months). */
export function withMonth(iso: string, year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}${iso.slice(7)}`;
}
