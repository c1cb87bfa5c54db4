/** Mann–Whitney U and Wilcoxon signed-rank against scipy's answers (scripts/rank_tests_reference.py). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mannWhitneyU, midranks, wilcoxonSignedRank } from '../../src/analyze/rank-test.js';
import { repoRoot } from '../helpers.js';

interface Golden {
  mannwhitneyu: { name: string; x: number[]; y: number[]; statistic: number; p: number }[];
  wilcoxon: { name: string; d: number[]; statistic: number; p: number }[];
}
const golden: Golden = JSON.parse(
  readFileSync(join(repoRoot, 'test/fixtures/analyze/rank-tests.json'), 'utf8'),
);

/** Equal to 1e-9 relative: the normal tail is computed by different code in scipy. */
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-300), `${what}: ${a} ≠ ${b}`);

describe('rank tests', () => {
  it('midranks give ties their mean rank', () => {
    const { ranks, ties } = midranks([10, 20, 10, 30, 20, 20]);
    assert.deepEqual([...ranks], [1.5, 4, 1.5, 6, 4, 4]);
    assert.equal(ties, 2 * 2 * 2 - 2 + (3 * 3 * 3 - 3));
  });

  for (const c of golden.mannwhitneyu) {
    it(`Mann–Whitney U as scipy computes it: ${c.name}`, () => {
      const r = mannWhitneyU(c.x, c.y)!;
      assert.equal(r.statistic, c.statistic);
      close(r.p, c.p, 'p');
    });
  }

  for (const c of golden.wilcoxon) {
    it(`Wilcoxon signed-rank as scipy computes it: ${c.name}`, () => {
      const r = wilcoxonSignedRank(c.d)!;
      const n = c.d.filter((v) => v !== 0).length;
      assert.equal(Math.min(r.statistic, (n * (n + 1)) / 2 - r.statistic), c.statistic);
      close(r.p, c.p, 'p');
    });
  }

  it('has no answer without samples, and p = 1 without differences', () => {
    assert.equal(mannWhitneyU([], [1]), undefined);
    assert.equal(wilcoxonSignedRank([]), undefined);
    assert.equal(wilcoxonSignedRank([0, 0, 0])!.p, 1);
  });
});
