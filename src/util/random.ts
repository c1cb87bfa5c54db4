/**
 * Seeded randomness: a 32-bit string hash and a small PRNG (mulberry32). Decisions that must not depend on
 * the order in which concurrent requests arrive are drawn from `rngFor(seed, key)`, keyed by what they
 * decide about, rather than from one shared stream.
 */

/** FNV-1a, 32 bit. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A PRNG returning floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: fast, 32-bit state, good enough for simulation decisions. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG determined by the run seed and a key naming the decision. */
export function rngFor(seed: number, key: string): Rng {
  return createRng(hash32(`${seed}:${key}`));
}

/** An integer in [lo, hi]. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
