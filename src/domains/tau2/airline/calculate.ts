/**
 * tau2's `calculate` tool (airline and retail `tools.py`):
 * `str(round(float(eval(expression, {"__builtins__": None}, {})), 2))` after a check that every character is
 * one of `0123456789+-*\/(). `. With those characters Python's grammar still allows more than arithmetic:
 * `**` and `//`, calls (`2(3)` → `'int' object is not callable`), the empty tuple `()`, Ellipsis `...`, and
 * complex results (`(-8) ** 0.5`). The subset is compiled first as CPython 3.12 compiles it (`calculate-parse.ts`:
 * a syntax error wins over `1/0`), then evaluated here with Python's int and float semantics and error texts.
 *
 * Known limits: a complex value is tracked by type only (any use of it yields a complex, so only its errors
 * and the final `float()` TypeError are modelled); powers of ints whose result would exceed 2^24 bits raise
 * the OverflowError that Python's final `float()` would raise after minutes of work; a float power whose exact
 * value is a tie between two doubles rounds to even here, while glibc's `pow` goes by its approximation error.
 */
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { intToFloat, pyArith, pyIter } from '../env/operators.js';
import { PyError, pyStr, pyTypeName, typeError, valueError } from '../env/python.js';
import { compile, type Node } from './calculate-parse.js';
import { powPositive } from './exact-pow.js';

const ALLOWED = '0123456789+-*/(). ';

type Special = { kind: 'tuple' } | { kind: 'ellipsis' } | { kind: 'complex' };
/** A value of the expression: an int (bigint), a float (number), or one of the few other objects reachable. */
type Value = bigint | number | Special;

const COMPLEX: Special = { kind: 'complex' };
// str(v); a complex's value is not tracked, so it shows as its type.
const valueStr = (v: Value): string =>
  typeof v !== 'object'
    ? pyStr(v)
    : v.kind === 'tuple'
      ? '()'
      : v.kind === 'ellipsis'
        ? 'Ellipsis'
        : 'complex';
const typeName = (v: Value): string => (typeof v === 'object' ? v.kind : pyTypeName(v));
// `**` is named with its builtin twin: `unsupported operand type(s) for ** or pow(): 'int' and 'tuple'`.
const unsupported = (op: string, a: Value, b: Value): PyError =>
  typeError(
    `unsupported operand type(s) for ${op === '**' ? '** or pow()' : op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
const zeroDivision = (message: string): PyError => new PyError('ZeroDivisionError', message);
const bitLength = (n: bigint): number => (n < 0n ? -n : n).toString(2).length;

// int / int, correctly rounded as CPython's long_true_divide (exact for operands up to 2^53).
function intTrueDiv(a: bigint, b: bigint): number {
  if (b === 0n) throw zeroDivision('division by zero');
  const limit = 2n ** 53n;
  if (-limit <= a && a <= limit && -limit <= b && b <= limit) return Number(a) / Number(b);
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  if (x === 0n) return negative ? -0 : 0;
  // Scale so the integer quotient has at least 55 bits, then round to 53 with a sticky bit.
  const shift = 55 - (bitLength(x) - bitLength(y));
  const num = shift >= 0 ? x << BigInt(shift) : x;
  const den = shift >= 0 ? y : y << BigInt(-shift);
  const q = num / den;
  const sticky = num % den !== 0n;
  const drop = bitLength(q) - 53;
  let mant = q >> BigInt(drop);
  const rest = q & ((1n << BigInt(drop)) - 1n);
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (sticky || (mant & 1n) === 1n))) mant += 1n;
  const value = Number(mant) * 2 ** (drop - shift);
  if (!Number.isFinite(value)) {
    throw new PyError('OverflowError', 'integer division result too large for a float');
  }
  return negative ? -value : value;
}

// float // float as CPython's float_floor_div computes it (via fmod, so -7.0 // 2 is -4.0).
function floatFloorDiv(x: number, y: number): number {
  if (y === 0) throw zeroDivision('float floor division by zero');
  const mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0 && y < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(x / y) < 0 || Object.is(x / y, -0) ? -0 : 0;
  let floored = Math.floor(div);
  if (div - floored > 0.5) floored += 1;
  return floored;
}

// float ** float as CPython's float_pow, special cases included; a negative base with a fractional exponent
// gives a complex.
function floatPow(x: number, y: number): number | Special {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x;
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  const oddInt = (n: number) => Math.abs(n) % 2 === 1;
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return y > 0 === ax > 1 ? Math.abs(y) : 0;
  }
  if (!Number.isFinite(x)) {
    if (y > 0) return oddInt(y) ? x : Math.abs(x);
    return oddInt(y) ? (x < 0 ? -0 : 0) : 0;
  }
  if (x === 0) {
    if (y < 0) throw zeroDivision('0.0 cannot be raised to a negative power');
    return oddInt(y) ? x : 0;
  }
  let negate = false;
  let base = x;
  if (x < 0) {
    if (y !== Math.floor(y)) {
      // Python hands over to complex pow, which fails when the magnitude |x| ** y overflows.
      if (!Number.isFinite((-x) ** y)) throw new PyError('OverflowError', 'complex exponentiation');
      return COMPLEX;
    }
    base = -x;
    negate = oddInt(y);
  }
  if (base === 1) return negate ? -1 : 1;
  const r = powPositive(base, y);
  if (!Number.isFinite(r)) throw new PyError('OverflowError', "(34, 'Numerical result out of range')");
  return negate ? -r : r;
}

function intPow(a: bigint, b: bigint): Value {
  if (b < 0n) return floatPow(intToFloat(a), intToFloat(b));
  if (a === 0n || a === 1n || a === -1n || b === 0n) return a ** b;
  if (Number(b) * (bitLength(a) - 1) > 2 ** 24) {
    throw new PyError('OverflowError', 'int too large to convert to float');
  }
  return a ** b;
}

function binary(op: string, a: Value, b: Value): Value {
  if (typeof a !== 'object' && typeof b !== 'object') {
    switch (op) {
      case '+':
      case '-':
      case '*':
        return pyArith(op, a, b) as bigint | number;
      case '/':
        if (typeof a === 'bigint' && typeof b === 'bigint') return intTrueDiv(a, b);
        if (intToFloat(b) === 0) throw zeroDivision('float division by zero');
        return intToFloat(a) / intToFloat(b);
      case '//':
        if (typeof a === 'bigint' && typeof b === 'bigint') {
          if (b === 0n) throw zeroDivision('integer division or modulo by zero');
          const q = a / b;
          return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
        }
        return floatFloorDiv(intToFloat(a), intToFloat(b));
      default:
        return typeof a === 'bigint' && typeof b === 'bigint'
          ? intPow(a, b)
          : floatPow(intToFloat(a), intToFloat(b));
    }
  }
  const isComplexOrNumber = (v: Value) => typeof v !== 'object' || v.kind === 'complex';
  if (isComplexOrNumber(a) && isComplexOrNumber(b) && op !== '//') return COMPLEX;
  const tuple = (v: Value) => typeof v === 'object' && v.kind === 'tuple';
  if (op === '+' && tuple(a)) {
    if (tuple(b)) return a;
    throw typeError(`can only concatenate tuple (not "${typeName(b)}") to tuple`);
  }
  if (op === '*' && (tuple(a) || tuple(b))) {
    // Python falls back to repeating the sequence, which wants an int count whatever the other operand is.
    const count = tuple(a) ? b : a;
    if (typeof count === 'bigint') return { kind: 'tuple' };
    throw typeError(`can't multiply sequence by non-int of type '${typeName(count)}'`);
  }
  throw unsupported(op, a, b);
}

function evaluate(node: Node): Value {
  switch (node.t) {
    case 'num':
      return node.value;
    case 'ellipsis':
      return { kind: 'ellipsis' };
    case 'tuple':
      return { kind: 'tuple' };
    case 'unary': {
      const v = evaluate(node.operand);
      if (typeof v !== 'object') return node.op === '-' ? -v : v;
      if (v.kind === 'complex') return v;
      throw typeError(`bad operand type for unary ${node.op}: '${v.kind}'`);
    }
    case 'binary': {
      const left = evaluate(node.left);
      return binary(node.op, left, evaluate(node.right));
    }
    case 'call': {
      const callee = evaluate(node.callee);
      const arg = node.arg === null ? null : evaluate(node.arg);
      // Unpacking is checked before the call: only `()` is iterable, nothing here is a mapping.
      const isTuple = arg !== null && typeof arg === 'object' && arg.kind === 'tuple';
      if (node.unpack === '**' || (node.unpack === '*' && !isTuple)) {
        const wanted = node.unpack === '*' ? 'an iterable' : 'a mapping';
        throw typeError(
          `${valueStr(callee)} argument after ${node.unpack} must be ${wanted}, not ${typeName(arg!)}`,
        );
      }
      throw typeError(`'${typeName(callee)}' object is not callable`);
    }
  }
}

/** The `calculate` tool: Python's result text (`152.0`, `0.38`, `1e+20`) or the exception it raises. */
export function pyCalculate(expression: PyValue): string {
  for (const ch of pyIter(expression)) {
    if (typeof ch !== 'string') {
      throw typeError(`'in <string>' requires string as left operand, not ${pyTypeName(ch)}`);
    }
    // `in` on a str is a substring test: a list item "12" passes, and so does "".
    if (!ALLOWED.includes(ch)) throw valueError('Invalid characters in expression');
  }
  if (typeof expression !== 'string') throw typeError('eval() arg 1 must be a string, bytes or code object');
  const value = evaluate(compile(expression));
  if (typeof value === 'object') {
    throw typeError(`float() argument must be a string or a real number, not '${value.kind}'`);
  }
  const x = intToFloat(value);
  // round(x, 2): the exact binary value rounded half to even, as CPython's dtoa does.
  return pyStr(Number.isFinite(x) ? Number(pyFixed(x, 2)) : x);
}
