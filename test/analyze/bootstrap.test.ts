/** Bootstrap intervals: the counting walk against resamples built element by element, seeding, coverage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BootStat, bootstrapDiff, statOf } from '../../src/analyze/bootstrap.js';
import { quantileSorted } from '../../src/util/quantile.js';
import { createRng, hash32 } from '../../src/util/random.js';

const STATS: BootStat[] = [{ kind: 'quantile', q: 0.5 }, { kind: 'quantile', q: 0.95 }, { kind: 'mean' }];

/** The same bootstrap written the obvious way: draw each resample's values, sort them, take the statistics. */
function naive(b: number[], c: number[], resamples: number, seed: number, key: string, paired: boolean) {
  const rng = createRng(hash32(`${seed}:${key}`));
  const diffs = STATS.map(() => [] as number[]);
  const take = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * n));
  for (let r = 0; r < resamples; r++) {
    const ib = take(b.length);
    const ic = paired ? ib : take(c.length);
    const rb = ib.map((i) => b[i]!);
    const rc = ic.map((i) => c[i]!);
    STATS.forEach((s, k) => {
      diffs[k]!.push(statOf(rc, s) - statOf(rb, s));
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
  for (const paired of [false, true]) {
    it(`gives the intervals of resamples drawn one by one (${paired ? 'paired' : 'unpaired'})`, () => {
      const b = sample(57, 1, 100);
      const c = sample(paired ? 57 : 43, 2, 120);
      const opts = { resamples: 400, seed: 9, key: 'llm_call.ttft', paired };
      const fast = bootstrapDiff(b, c, STATS, opts);
      const slow = naive(b, c, 400, 9, 'llm_call.ttft', paired);
      fast.forEach((iv, k) => {
        assert.ok(Math.abs(iv.lo - slow[k]!.lo) < 1e-9 && Math.abs(iv.hi - slow[k]!.hi) < 1e-9, `stat ${k}`);
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
