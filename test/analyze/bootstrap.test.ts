/** Bootstrap intervals: the counting walk against resamples built element by element, seeding, coverage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BootStat, bootstrapDiff } from '../../src/analyze/bootstrap.js';
import { quantileSorted } from '../../src/util/quantile.js';
import { createRng, hash32 } from '../../src/util/random.js';

const STATS: BootStat[] = [{ kind: 'quantile', q: 0.5 }, { kind: 'quantile', q: 0.95 }, { kind: 'mean' }];

/** A statistic of an ascending sample. */
const ofSorted = (v: Float64Array, s: BootStat) =>
  s.kind === 'quantile' ? quantileSorted(v, s.q) : v.reduce((a, x) => a + x, 0) / v.length;

/** The same bootstrap written the obvious way: draw each resample's values, sort them, take the statistics. */
function naive(b: number[], c: number[], resamples: number, seed: number, key: string, paired: boolean) {
  const rng = createRng(hash32(`${seed}:${key}`));
  const diffs = STATS.map(() => [] as number[]);
  const take = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * n));
  for (let r = 0; r < resamples; r++) {
    const ib = take(b.length);
    const ic = paired ? ib : take(c.length);
    const rb = Float64Array.from(ib, (i) => b[i]!).sort();
    const rc = Float64Array.from(ic, (i) => c[i]!).sort();
    STATS.forEach((s, k) => {
      diffs[k]!.push(ofSorted(rc, s) - ofSorted(rb, s));
    });
  }
  return diffs.map((d) => {
    const sorted = Float64Array.from(d).sort();
    return { lo: quantileSorted(sorted, 0.025), hi: quantileSorted(sorted, 0.975) };
  });
}

/** Seeded lognormal-ish values with ties (rounded), like latencies. */
function sample(n: number, seed: number, scale: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.round(scale * Math.exp(rng() * 2)));
}

describe('bootstrapDiff', () => {
  it('gives paired intervals equal to those of resamples drawn one by one', () => {
    const b = sample(57, 1, 100);
    const c = sample(57, 2, 120);
    const fast = bootstrapDiff(b, c, STATS, { resamples: 400, seed: 9, key: 'task.duration', paired: true });
    const slow = naive(b, c, 400, 9, 'task.duration', true);
    fast.forEach((iv, k) => {
      assert.ok(Math.abs(iv.lo - slow[k]!.lo) < 1e-9 && Math.abs(iv.hi - slow[k]!.hi) < 1e-9, `stat ${k}`);
    });
  });

  for (const n of [40, 6000]) {
    it(`draws unpaired statistics as resamples drawn one by one would (n = ${n}, within Monte Carlo error)`, () => {
      // Continuous values, so that order statistics are not tied and both ways see the same distribution.
      const rng = createRng(n);
      const b = Array.from({ length: n }, () => 100 * Math.exp(rng() * 2));
      const c = Array.from({ length: n }, () => 110 * Math.exp(rng() * 2));
      const fast = bootstrapDiff(b, c, STATS, { resamples: 2000, seed: 3, key: 'k' });
      const slow = naive(b, c, 2000, 5, 'k', false);
      fast.forEach((iv, k) => {
        const width = slow[k]!.hi - slow[k]!.lo;
        const off = Math.max(Math.abs(iv.lo - slow[k]!.lo), Math.abs(iv.hi - slow[k]!.hi));
        assert.ok(off < 0.1 * width, `stat ${k}: ${JSON.stringify(iv)} vs ${JSON.stringify(slow[k])}`);
      });
    });
  }

  it('is reproducible by seed and key, and differs with them', () => {
    const b = sample(80, 3, 50);
    const c = sample(80, 4, 50);
    const run = (seed: number, key: string) =>
      JSON.stringify(bootstrapDiff(b, c, STATS, { resamples: 300, seed, key }));
    assert.equal(run(1, 'a'), run(1, 'a'));
    assert.notEqual(run(1, 'a'), run(2, 'a'));
    assert.notEqual(run(1, 'a'), run(1, 'b'));
  });

  it('excludes 0 for a clear shift and holds 0 for the same sample', () => {
    const b = sample(200, 5, 100);
    const shifted = b.map((v) => v * 1.5);
    const [median] = bootstrapDiff(b, shifted, STATS, { resamples: 1000, seed: 1, key: 'x' });
    assert.ok(median!.lo > 0, JSON.stringify(median));
    for (const iv of bootstrapDiff(b, [...b], STATS, { resamples: 1000, seed: 1, key: 'x' })) {
      assert.ok(iv.lo <= 0 && iv.hi >= 0, JSON.stringify(iv));
    }
  });
});
