/**
 * `x ** y` for floats, correctly rounded where that can be computed exactly: integer and half-integer exponents
 * (`28.0 ** 30`, `x ** 1.5`, `x ** -0.5`), which is what C's `pow` (glibc, behind CPython's `float_pow`) returns.
 * V8's `Math.pow` can be a unit in the last place off there, which shows once `calculate` rounds a large result
 * to 2 decimals. Other exponents fall back to `Math.pow`.
 */

const bitLength = (n: bigint): number => n.toString(2).length;

/** The positive finite double `x` as `mant * 2^exp`, exactly. */
function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, biased - 1075];
}

/** `m * 2^k` for an `m` below 2^54, in steps that stay exact whenever the result is representable. */
function ldexp(m: number, k: number): number {
  let v = m;
  let rest = k;
  while (rest > 1000) {
    v *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    v *= 2 ** -1000;
    rest += 1000;
  }
  return v * 2 ** rest;
}

/**
 * The double nearest to `(q + e) * 2^-k`, ties to even, where `0 <= e < 1` and `e > 0` iff `inexact`; `q` must
 * have at least 55 bits. Subnormal results keep fewer bits; past the largest double the result is Infinity.
 */
function roundScaled(q: bigint, inexact: boolean, k: number): number {
  const qb = bitLength(q);
  // Keep 53 bits, or fewer when the last kept bit would fall below 2^-1074.
  const drop = Math.max(qb - 53, k - 1074);
  if (drop >= qb + 1) return 0;
  const d = BigInt(drop);
  let mant = q >> d;
  const rest = q & ((1n << d) - 1n);
  const half = 1n << (d - 1n);
  if (rest > half || (rest === half && (inexact || (mant & 1n) === 1n))) mant += 1n;
  if (drop - k + bitLength(mant) > 1024) return Number.POSITIVE_INFINITY;
  return ldexp(Number(mant), drop - k);
}

/** `floor(sqrt(n))`. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// Exponents whose exact value stays cheap: x^(2y) has at most 53 * 4096 bits.
const MAX_TWICE_EXPONENT = 4096;

// base^p as num / den exactly (p an integer), both positive bigints.
function exactPower(base: number, p: number): [bigint, bigint] {
  const [m, e] = decompose(base);
  const n = BigInt(Math.abs(p));
  const mantPow = m ** n;
  const exp2 = BigInt(e) * (p >= 0 ? n : -n);
  let num = p >= 0 ? mantPow : 1n;
  let den = p >= 0 ? 1n : mantPow;
  if (exp2 >= 0n) num <<= exp2;
  else den <<= -exp2;
  return [num, den];
}

/** `base ** y` for a positive finite `base` and finite `y`, rounded as C's `pow` rounds it. */
export function powPositive(base: number, y: number): number {
  const twice = 2 * y;
  if (!Number.isInteger(twice) || Math.abs(twice) > MAX_TWICE_EXPONENT) return base ** y;
  // Far outside the double range the exact value is not needed: it overflows or underflows anyway.
  const log2 = y * Math.log2(base);
  if (log2 > 1100) return Number.POSITIVE_INFINITY;
  if (log2 < -1200) return 0;
  if (Number.isInteger(y)) {
    const [num, den] = exactPower(base, y);
    const k = Math.max(0, 55 - (bitLength(num) - bitLength(den)));
    const scaled = num << BigInt(k);
    return roundScaled(scaled / den, scaled % den !== 0n, k);
  }
  // A half-integer power is sqrt(base^(2y)): sqrt(num * 4^k / den) = result * 2^k, whose floor and exactness
  // decide the rounding.
  const [num, den] = exactPower(base, twice);
  const k = Math.max(0, Math.ceil((112 - (bitLength(num) - bitLength(den))) / 2));
  const scaled = num << BigInt(2 * k);
  const n2 = scaled / den;
  const root = isqrt(n2);
  return roundScaled(root, scaled % den !== 0n || root * root !== n2, k);
}
