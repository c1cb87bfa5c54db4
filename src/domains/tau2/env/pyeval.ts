/**
 * `eval(expression, {"__builtins__": None}, {})` for the texts tau2's `calculate` tools let through (digits,
 * `+ - * / ( ) .` and spaces), as CPython 3.12 evaluates them: ints of any size, floats, `/` `//` `**`, the
 * empty tuple `()`, `...`, calls (`2(3)` is a call, and fails as one), complex results of a negative base
 * raised to a fractional power, and the same exceptions with the same texts — including the parser's
 * `SyntaxError`s, whose wording depends on how far CPython's two parser passes read (see `parse`).
 */
import { pyFloatRepr } from '../../../export/legacy/json.js';
import { PyError, typeError } from './python.js';

/** A value an arithmetic expression can produce. */
export type EvalValue =
  | { kind: 'int'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'complex'; re: number; im: number }
  | { kind: 'tuple' }
  | { kind: 'ellipsis' };

type Node =
  | { t: 'value'; value: EvalValue }
  | { t: 'unary'; op: '+' | '-'; e: Node }
  | { t: 'binary'; op: string; l: Node; r: Node }
  | { t: 'call'; callee: Node; arg?: { star: '' | '*' | '**'; e: Node } };

interface Token {
  type: 'number' | 'op' | 'error';
  text: string;
  /** Parenthesis depth after the token, as CPython's tokenizer records it (`(` counts already). */
  level: number;
}

// str(SyntaxError) of eval's input: the message and where (eval's source is "<string>").
const syntaxError = (msg: string, line = 1): PyError =>
  new PyError('SyntaxError', `${msg} (<string>, line ${line})`);

const LEADING_ZEROS =
  'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers';

/** CPython's tokenizer over the allowed characters; it stops at its first error, as CPython's does. */
function tokenize(src: string): { tokens: Token[]; endLevel: number } {
  const tokens: Token[] = [];
  let level = 0;
  let i = 0;
  const digitsFrom = (j: number) => {
    while (j < src.length && src[j]! >= '0' && src[j]! <= '9') j++;
    return j;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ') {
      i++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = digitsFrom(i);
      const isFloat = src[j] === '.';
      if (isFloat) j = digitsFrom(j + 1);
      const text = src.slice(i, j);
      // "007" is an error, "000" and "007.5" are not.
      if (!isFloat && text.length > 1 && text[0] === '0' && /[1-9]/.test(text)) {
        tokens.push({ type: 'error', text: LEADING_ZEROS, level });
        return { tokens, endLevel: level };
      }
      tokens.push({ type: 'number', text, level });
      i = j;
    } else if (c === '.' && src[i + 1] !== undefined && src[i + 1]! >= '0' && src[i + 1]! <= '9') {
      const j = digitsFrom(i + 1);
      tokens.push({ type: 'number', text: src.slice(i, j), level });
      i = j;
    } else if (src.startsWith('...', i)) {
      tokens.push({ type: 'op', text: '...', level });
      i += 3;
    } else if (src.startsWith('**', i) || src.startsWith('//', i)) {
      tokens.push({ type: 'op', text: src.slice(i, i + 2), level });
      i += 2;
    } else {
      if (c === '(') level++;
      if (c === ')') {
        if (level === 0) {
          tokens.push({ type: 'error', text: "unmatched ')'", level });
          return { tokens, endLevel: level };
        }
        level--;
      }
      tokens.push({ type: 'op', text: c, level });
      i++;
    }
  }
  return { tokens, endLevel: level };
}

const END: Token = { type: 'op', text: '<end>', level: 0 };

/**
 * CPython's PEG parser on this grammar subset. A first pass parses; when it fails, a second pass with the
 * `invalid_*` rules looks for a specific message (`Perhaps you forgot a comma?` for two expressions side by
 * side inside brackets, starred expressions in a group). Reading a token is what raises the tokenizer's
 * errors, and reading past the end with a bracket open raises `'(' was never closed`, so messages depend on
 * how far the parser reads: this parser reads as far as CPython's does (one token past each operand).
 */
class Parser {
  pos = 0;
  invalid = false;
  constructor(
    private readonly tokens: Token[],
    private readonly endLevel: number,
  ) {}

  peek(): Token {
    const tok = this.tokens[this.pos];
    if (tok === undefined) {
      if (this.endLevel > 0) throw syntaxError("'(' was never closed");
      return END;
    }
    if (tok.type === 'error') throw syntaxError(tok.text);
    return tok;
  }

  private isOp(text: string): boolean {
    const tok = this.peek();
    return tok.type === 'op' && tok.text === text;
  }

  /** `eval: expressions NEWLINE* ENDMARKER` (no commas, so one expression). */
  parseEval(): Node | null {
    const e = this.expression();
    return e !== null && this.peek() === END ? e : null;
  }

  expression(): Node | null {
    if (this.invalid) {
      // invalid_expression: a disjunction directly followed by another expression.
      const start = this.pos;
      if (this.sum() !== null) {
        this.invalid = false;
        const b = this.expression();
        this.invalid = true;
        if (b !== null && this.tokens[this.pos - 1]!.level > 0) {
          throw syntaxError('invalid syntax. Perhaps you forgot a comma?');
        }
      }
      this.pos = start;
    }
    return this.sum();
  }

  private binaryChain(operand: () => Node | null, ops: readonly string[]): Node | null {
    let left = operand();
    if (left === null) return null;
    for (;;) {
      const tok = this.peek();
      if (tok.type !== 'op' || !ops.includes(tok.text)) return left;
      const save = this.pos;
      this.pos++;
      const right = operand();
      if (right === null) {
        this.pos = save;
        return left;
      }
      left = { t: 'binary', op: tok.text, l: left, r: right };
    }
  }

  private sum(): Node | null {
    return this.binaryChain(() => this.term(), ['+', '-']);
  }

  private term(): Node | null {
    return this.binaryChain(() => this.factor(), ['*', '/', '//']);
  }

  private factor(): Node | null {
    const tok = this.peek();
    if (tok.type === 'op' && (tok.text === '+' || tok.text === '-')) {
      const save = this.pos;
      this.pos++;
      const e = this.factor();
      if (e === null) {
        this.pos = save;
        return null;
      }
      return { t: 'unary', op: tok.text, e };
    }
    return this.power();
  }

  private power(): Node | null {
    const base = this.primary();
    if (base === null) return null;
    if (!this.isOp('**')) return base;
    const save = this.pos;
    this.pos++;
    const exp = this.factor();
    if (exp === null) {
      this.pos = save;
      return base;
    }
    return { t: 'binary', op: '**', l: base, r: exp };
  }

  private primary(): Node | null {
    let node = this.atom();
    if (node === null) return null;
    for (;;) {
      const save = this.pos;
      if (this.isOp('.')) {
        // `primary '.' NAME`: there is no NAME, but the parser reads the token to find out.
        this.pos++;
        this.peek();
        this.pos = save;
        return node;
      }
      if (!this.isOp('(')) return node;
      this.pos++;
      const arg = this.argument();
      if (!this.isOp(')')) {
        this.pos = save;
        return node;
      }
      this.pos++;
      node = arg === undefined ? { t: 'call', callee: node } : { t: 'call', callee: node, arg };
    }
  }

  // One call argument (no commas are possible): `*e`, `**e` or `e`; undefined for none.
  private argument(): { star: '' | '*' | '**'; e: Node } | undefined {
    if (this.isOp(')')) return undefined;
    const save = this.pos;
    const star = this.isOp('*') ? '*' : this.isOp('**') ? '**' : '';
    if (star !== '') this.pos++;
    const e = this.expression();
    if (e === null) {
      this.pos = save;
      return undefined;
    }
    return { star, e };
  }

  private atom(): Node | null {
    const tok = this.peek();
    if (tok.type === 'number') {
      this.pos++;
      return { t: 'value', value: numberValue(tok.text) };
    }
    if (tok.type === 'op' && tok.text === '...') {
      this.pos++;
      return { t: 'value', value: { kind: 'ellipsis' } };
    }
    if (!(tok.type === 'op' && tok.text === '(')) return null;
    const start = this.pos;
    this.pos++;
    if (this.isOp(')')) {
      this.pos++;
      return { t: 'value', value: { kind: 'tuple' } };
    }
    const inner = this.pos;
    if (this.isOp('*')) {
      // The tuple alternative `(*x, ...)` reads a starred operand before it misses its comma.
      this.pos++;
      this.sum();
      this.pos = inner;
    }
    const e = this.expression();
    if (e !== null && this.isOp(')')) {
      this.pos++;
      return e;
    }
    if (this.invalid) {
      // invalid_group: `(*e)` and `(**e)`.
      for (const [star, what] of [
        ['*', 'starred'],
        ['**', 'double starred'],
      ] as const) {
        this.pos = inner;
        if (!this.isOp(star)) continue;
        this.pos++;
        if (this.expression() !== null && this.isOp(')')) {
          throw syntaxError(`cannot use ${what} expression here`);
        }
      }
    }
    this.pos = start;
    return null;
  }
}

function numberValue(text: string): EvalValue {
  return text.includes('.') ? { kind: 'float', v: Number(text) } : { kind: 'int', v: BigInt(text) };
}

/** Parses `src` as `eval` does, raising CPython's `SyntaxError` texts. */
function parse(src: string): Node {
  // eval() drops leading spaces and tabs; an empty source is an error "at line 0".
  const { tokens, endLevel } = tokenize(src.replace(/^[ \t]+/, ''));
  if (tokens.length === 0) throw syntaxError('invalid syntax', 0);
  const parser = new Parser(tokens, endLevel);
  const ast = parser.parseEval();
  if (ast !== null) return ast;
  // A tokenizer error anywhere in the source wins over the parser's own messages, but not over one that
  // reading the source already raised (those propagate from peek() directly).
  const tokenizerError = tokens.find((t) => t.type === 'error');
  parser.pos = 0;
  parser.invalid = true;
  try {
    parser.parseEval();
  } catch (err) {
    if (tokenizerError !== undefined && !/was never closed/.test((err as PyError).message)) {
      throw syntaxError(tokenizerError.text);
    }
    throw err;
  }
  throw syntaxError(tokenizerError?.text ?? 'invalid syntax');
}

// --- evaluation ---------------------------------------------------------------------------------------------

const typeName = (v: EvalValue): string => v.kind;
const int = (v: bigint): EvalValue => ({ kind: 'int', v });
const float = (v: number): EvalValue => ({ kind: 'float', v });
const complex = (re: number, im: number): EvalValue => ({ kind: 'complex', re, im });
const zeroDivision = (msg: string) => new PyError('ZeroDivisionError', msg);
const overflow = (msg: string) => new PyError('OverflowError', msg);
// What C's pow() reports through errno on overflow, as Python prints the OSError-style pair.
const RANGE_ERROR = "(34, 'Numerical result out of range')";

/** `float(n)` of a Python int: nearest double, ties to even; too large is an `OverflowError`. */
function intToFloat(n: bigint): number {
  const x = Number(n);
  if (!Number.isFinite(x)) throw overflow('int too large to convert to float');
  return x;
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length);

// x * 2^e without intermediate overflow or underflow for the ranges used here.
function ldexp(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

/** n / d * 2^scale for positive ints, rounded once to the nearest double (Infinity when too large). */
function roundRatio(n: bigint, d: bigint, scale = 0): number {
  // A quotient of 55+ bits plus a sticky bit for the remainder rounds exactly once when made a double.
  const shift = 56 - (bitLength(n) - bitLength(d));
  const num = shift >= 0 ? n << BigInt(shift) : n;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const q = (num / den) * 2n + (num % den === 0n ? 0n : 1n);
  return ldexp(Number(q), scale - shift - 1);
}

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

// --- pow with a fractional exponent, to 160 bits: glibc's pow() is (almost always) correctly rounded, V8's is not.

const PREC = 160n;
const ONE = 1n << PREC;

// atanh(p/q) in fixed point, for 0 <= p/q <= 1/3.
function atanhFixed(p: bigint, q: bigint): bigint {
  let term = (ONE * p) / q;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * p * p) / (q * q);
  }
  return sum;
}

const LN2 = 2n * atanhFixed(1n, 3n);

// ln(m * 2^e) in fixed point, for an integer m > 0.
function lnFixed(m: bigint, e: number): bigint {
  const bits = bitLength(m);
  const half = 1n << BigInt(bits - 1); // m / half is in [1, 2)
  return 2n * atanhFixed(m - half, m + half) + BigInt(e + bits - 1) * LN2;
}

// The integer mantissa and exponent of a finite double: x = m * 2^e.
function splitDouble(x: number): [bigint, number] {
  let e = 0;
  let m = Math.abs(x);
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  return [BigInt(m), e];
}

/**
 * `base ** n` for a positive finite double and an integer n, computed exactly and rounded once, as glibc's
 * pow() rounds it but for results within ~0.02 ULP of a midpoint (its bound is 0.52 ULP; `23.0 ** 32` differs)
 * and V8's Math.pow (which can be an ULP off) does not; undefined when the exact power would be too large.
 */
function exactPow(base: number, n: number): number | undefined {
  const [m, exp] = splitDouble(base);
  const k = Math.abs(n);
  if (bitLength(m) * k > 100_000) return undefined;
  const power = m ** BigInt(k);
  return n > 0 ? roundRatio(power, 1n, exp * k) : roundRatio(1n, power, -exp * k);
}

/** base ** exp for base > 0 and a fractional exp, rounded once; Infinity past the largest double. */
function precisePow(base: number, exp: number): number {
  const [bm, be] = splitDouble(base);
  const [em, ee] = splitDouble(exp);
  const signed = exp < 0 ? -em : em;
  const scaled = lnFixed(bm, be) * signed;
  const t = ee >= 0 ? scaled << BigInt(ee) : scaled >> BigInt(-ee); // exp * ln(base), fixed point
  if (t > 800n * ONE) return Number.POSITIVE_INFINITY;
  if (t < -800n * ONE) return 0;
  // exp(t) = 2^k * exp(r), |r| <= ln2 / 2.
  const k = (t + LN2 / 2n) / LN2 - (t + LN2 / 2n < 0n && (t + LN2 / 2n) % LN2 !== 0n ? 1n : 0n);
  const r = t - k * LN2;
  let sum = ONE;
  let term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (ONE * n);
    sum += term;
  }
  return roundRatio(sum, ONE, Number(k));
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

function binary(op: string, a: EvalValue, b: EvalValue): EvalValue {
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

function unary(op: '+' | '-', v: EvalValue): EvalValue {
  if (v.kind === 'int') return int(op === '-' ? -v.v : v.v);
  if (v.kind === 'float') return float(op === '-' ? -v.v : v.v);
  if (v.kind === 'complex') return op === '-' ? complex(-v.re, -v.im) : v;
  throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}

function reprValue(v: EvalValue): string {
  if (v.kind === 'int') return v.v.toString();
  if (v.kind === 'float') return pyFloatRepr(v.v);
  if (v.kind === 'tuple') return '()';
  if (v.kind === 'ellipsis') return 'Ellipsis';
  return `(${pyFloatRepr(v.re)}+${pyFloatRepr(v.im)}j)`;
}

function evaluate(node: Node): EvalValue {
  switch (node.t) {
    case 'value':
      return node.value;
    case 'unary':
      return unary(node.op, evaluate(node.e));
    case 'binary':
      return binary(node.op, evaluate(node.l), evaluate(node.r));
    case 'call': {
      const callee = evaluate(node.callee);
      if (node.arg !== undefined) {
        const arg = evaluate(node.arg.e);
        if (node.arg.star === '*' && arg.kind !== 'tuple') {
          throw typeError(`${reprValue(callee)} argument after * must be an iterable, not ${typeName(arg)}`);
        }
        if (node.arg.star === '**') {
          throw typeError(`${reprValue(callee)} argument after ** must be a mapping, not ${typeName(arg)}`);
        }
      }
      throw typeError(`'${typeName(callee)}' object is not callable`);
    }
  }
}

/** `eval(src, {"__builtins__": None}, {})` for a str of digits, `+-*\/().` and spaces. */
export function evalArithmetic(src: string): EvalValue {
  return evaluate(parse(src));
}

/** `float(v)`: ints converted (too large is an `OverflowError`), anything but a real number a `TypeError`. */
export function toPyFloat(v: EvalValue): number {
  if (v.kind === 'int') return intToFloat(v.v);
  if (v.kind === 'float') return v.v;
  throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
}
