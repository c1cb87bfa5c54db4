/**
 * Python's arithmetic operators on the values an arithmetic `eval` can produce (ints of any size, floats,
 * complex numbers, the empty tuple, Ellipsis), with CPython 3.12's results and exception texts.
 */
import { pyFloatRepr } from '../../../export/legacy/json.js';
import { intToFloat } from './operators.js';
import { bitLength, exactPow, precisePow, roundRatio } from './pyfloat.js';
import { PyError, typeError } from './python.js';

/** A value an arithmetic expression can produce. */
export type EvalValue =
  | { kind: 'int'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'complex'; re: number; im: number }
  | { kind: 'tuple' }
  | { kind: 'ellipsis' };

/** `type(v).__name__`. */
export const typeName = (v: EvalValue): string => v.kind;
const int = (v: bigint): EvalValue => ({ kind: 'int', v });
const float = (v: number): EvalValue => ({ kind: 'float', v });
const complex = (re: number, im: number): EvalValue => ({ kind: 'complex', re, im });
const zeroDivision = (msg: string) => new PyError('ZeroDivisionError', msg);
const overflow = (msg: string) => new PyError('OverflowError', msg);
// What C's pow() reports through errno on overflow, as Python prints the OSError-style pair.
const RANGE_ERROR = "(34, 'Numerical result out of range')";

/** Python's int / int: the correctly rounded quotient (CPython's long_true_divide). */
function intTrueDivide(a: bigint, b: bigint): number {
  if (b === 0n) throw zeroDivision('division by zero');
  const limit = 2n ** 53n;
  const abs = (n: bigint) => (n < 0n ? -n : n);
  if (abs(a) <= limit && abs(b) <= limit) return Number(a) / Number(b);
  const negative = a < 0n !== b < 0n;
  if (a === 0n) return negative ? -0 : 0;
  const result = roundRatio(abs(a), abs(b));
  if (!Number.isFinite(result)) throw overflow('integer division result too large for a float');
  return negative ? -result : result;
}

function intFloorDivide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw zeroDivision('integer division or modulo by zero');
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** CPython's float_floor_div (via fmod, so -7.5 // 2 is -4.0 and signs of zero follow Python). */
function floatFloorDivide(vx: number, wx: number): number {
  if (wx === 0) throw zeroDivision('float floor division by zero');
  const mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod && wx < 0 !== mod < 0) div -= 1;
  if (div) {
    let floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
    return floordiv;
  }
  return Math.sign(vx / wx) < 0 || Object.is(vx / wx, -0) ? -0 : 0;
}

const isOddInteger = (x: number): boolean => Number.isInteger(x) && Math.abs(x % 2) === 1;

/** CPython's float_pow: special cases first; a negative base to a fractional power is complex. */
function floatPow(iv: number, iw: number): EvalValue {
  if (iw === 0) return float(1);
  if (Number.isNaN(iv)) return float(iv);
  if (Number.isNaN(iw)) return float(iv === 1 ? 1 : iw);
  if (!Number.isFinite(iw)) {
    const av = Math.abs(iv);
    if (av === 1) return float(1);
    return float(iw > 0 === av > 1 ? Math.abs(iw) : 0);
  }
  if (!Number.isFinite(iv)) {
    const odd = isOddInteger(iw);
    if (iw > 0) return float(odd ? iv : Math.abs(iv));
    return float(odd ? (iv < 0 ? -0 : 0) : 0);
  }
  if (iv === 0) {
    if (iw < 0) throw zeroDivision('0.0 cannot be raised to a negative power');
    return float(isOddInteger(iw) ? iv : 0);
  }
  let negate = false;
  let base = iv;
  if (iv < 0) {
    if (iw !== Math.floor(iw)) return complexPow(iv, 0, iw, 0);
    base = -iv;
    negate = isOddInteger(iw);
  }
  if (base === 1) return float(negate ? -1 : 1);
  const ix = Number.isInteger(iw) ? (exactPow(base, iw) ?? base ** iw) : precisePow(base, iw);
  if (!Number.isFinite(ix)) throw overflow(RANGE_ERROR);
  return float(negate ? -ix : ix);
}

/** Complex `**`, enough for what can follow (its value only ever ends in float()'s TypeError). */
function complexPow(ar: number, ai: number, br: number, bi: number): EvalValue {
  if (br === 0 && bi === 0) return complex(1, 0);
  if (ar === 0 && ai === 0) {
    if (bi !== 0 || br < 0) throw zeroDivision('0.0 to a negative or complex power');
    return complex(0, 0);
  }
  const vabs = Math.hypot(ar, ai);
  const at = Math.atan2(ai, ar);
  const len = vabs ** br * Math.exp(-at * bi);
  const phase = at * br + (bi !== 0 ? bi * Math.log(vabs) : 0);
  const re = len * Math.cos(phase);
  const im = len * Math.sin(phase);
  if (!Number.isFinite(re) || !Number.isFinite(im)) throw overflow('complex exponentiation');
  return complex(re, im);
}

const OP_NAMES: Record<string, string> = { '**': '** or pow()' };
const unsupported = (op: string, a: EvalValue, b: EvalValue) =>
  typeError(`unsupported operand type(s) for ${OP_NAMES[op] ?? op}: '${typeName(a)}' and '${typeName(b)}'`);

const isNumber = (v: EvalValue) => v.kind === 'int' || v.kind === 'float' || v.kind === 'complex';
const asFloat = (v: EvalValue): number =>
  v.kind === 'int' ? intToFloat(v.v) : v.kind === 'float' ? v.v : Number.NaN;

/** `a op b` for `+ - * / // **`: Python's numeric tower, then the tuple's own operators, else `TypeError`. */
export function binary(op: string, a: EvalValue, b: EvalValue): EvalValue {
  if (!isNumber(a) || !isNumber(b)) return sequenceBinary(op, a, b);
  if (a.kind === 'complex' || b.kind === 'complex') {
    if (op === '//') throw unsupported(op, a, b);
    const [ar, ai] = a.kind === 'complex' ? [a.re, a.im] : [asFloat(a), 0];
    const [br, bi] = b.kind === 'complex' ? [b.re, b.im] : [asFloat(b), 0];
    if (op === '+') return complex(ar + br, ai + bi);
    if (op === '-') return complex(ar - br, ai - bi);
    if (op === '*') return complex(ar * br - ai * bi, ar * bi + ai * br);
    if (op === '/') {
      if (br === 0 && bi === 0) throw zeroDivision('complex division by zero');
      const d = br * br + bi * bi;
      return complex((ar * br + ai * bi) / d, (ai * br - ar * bi) / d);
    }
    return complexPow(ar, ai, br, bi);
  }
  if (a.kind === 'int' && b.kind === 'int') return intBinary(op, a.v, b.v);
  const x = asFloat(a);
  const y = asFloat(b);
  if (op === '+') return float(x + y);
  if (op === '-') return float(x - y);
  if (op === '*') return float(x * y);
  if (op === '/') {
    if (y === 0) throw zeroDivision('float division by zero');
    return float(x / y);
  }
  if (op === '//') return float(floatFloorDivide(x, y));
  return floatPow(x, y);
}

// Above this many bits an int power is not built: Python would build it, and then fail to make it a float.
const MAX_POWER_BITS = 1 << 24;

function intBinary(op: string, a: bigint, b: bigint): EvalValue {
  if (op === '+') return int(a + b);
  if (op === '-') return int(a - b);
  if (op === '*') {
    if (bitLength(a) + bitLength(b) > MAX_POWER_BITS) throw overflow('int too large to convert to float');
    return int(a * b);
  }
  if (op === '/') return float(intTrueDivide(a, b));
  if (op === '//') return int(intFloorDivide(a, b));
  if (b < 0n) return floatPow(intToFloat(a), intToFloat(b));
  if (a === 0n || a === 1n) return int(b === 0n ? 1n : a);
  if (a === -1n) return int(b % 2n === 0n ? 1n : -1n);
  if (BigInt(bitLength(a)) * b > BigInt(MAX_POWER_BITS)) throw overflow('int too large to convert to float');
  return int(a ** b);
}

// Operators on the empty tuple and Ellipsis: concatenation and repetition of the tuple, TypeError otherwise.
function sequenceBinary(op: string, a: EvalValue, b: EvalValue): EvalValue {
  if (op === '+' && a.kind === 'tuple') {
    if (b.kind === 'tuple') return a;
    throw typeError(`can only concatenate tuple (not "${typeName(b)}") to tuple`);
  }
  if (op === '*' && (a.kind === 'tuple' || b.kind === 'tuple')) {
    const times = a.kind === 'tuple' ? b : a;
    if (times.kind !== 'int') {
      throw typeError(`can't multiply sequence by non-int of type '${typeName(times)}'`);
    }
    if (times.v > 2n ** 63n - 1n || times.v < -(2n ** 63n)) {
      throw overflow("cannot fit 'int' into an index-sized integer");
    }
    return { kind: 'tuple' };
  }
  throw unsupported(op, a, b);
}

/** `+v` / `-v`. */
export function unary(op: '+' | '-', v: EvalValue): EvalValue {
  if (v.kind === 'int') return int(op === '-' ? -v.v : v.v);
  if (v.kind === 'float') return float(op === '-' ? -v.v : v.v);
  if (v.kind === 'complex') return op === '-' ? complex(-v.re, -v.im) : v;
  throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** `repr(v)` (a call's error names its callee this way). */
export function reprValue(v: EvalValue): string {
  if (v.kind === 'int') return v.v.toString();
  if (v.kind === 'float') return pyFloatRepr(v.v);
  if (v.kind === 'tuple') return '()';
  if (v.kind === 'ellipsis') return 'Ellipsis';
  return `(${pyFloatRepr(v.re)}+${pyFloatRepr(v.im)}j)`;
}

/** `float(v)`: ints converted (too large is an `OverflowError`), anything but a real number a `TypeError`. */
export function toPyFloat(v: EvalValue): number {
  if (v.kind === 'int') return intToFloat(v.v);
  if (v.kind === 'float') return v.v;
  throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
}
