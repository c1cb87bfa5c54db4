/**
 * Doubles computed as CPython and the C library compute them where V8 differs: a ratio of big ints rounded
 * once (CPython's int / int), and powers rounded as glibc's pow() rounds them (V8's Math.pow can be an ULP off,
 * which `round(x, 2)` shows for results past ~1e13).
 */

/** `n.bit_length()`. */
export const bitLength = (n: bigint): number => (n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length);

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
export function roundRatio(n: bigint, d: bigint, scale = 0): number {
  // A quotient of 55+ bits plus a sticky bit for the remainder rounds exactly once when made a double.
  const shift = 56 - (bitLength(n) - bitLength(d));
  const num = shift >= 0 ? n << BigInt(shift) : n;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const q = (num / den) * 2n + (num % den === 0n ? 0n : 1n);
  return ldexp(Number(q), scale - shift - 1);
}

// Fractional powers go through log and exp in 160-bit fixed point.

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
export function exactPow(base: number, n: number): number | undefined {
  const [m, exp] = splitDouble(base);
  const k = Math.abs(n);
  if (bitLength(m) * k > 100_000) return undefined;
  const power = m ** BigInt(k);
  return n > 0 ? roundRatio(power, 1n, exp * k) : roundRatio(1n, power, -exp * k);
}

/** base ** exp for base > 0 and a fractional exp, rounded once; Infinity past the largest double. */
export function precisePow(base: number, exp: number): number {
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
