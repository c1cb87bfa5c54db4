/** The knee rule on hand-made levels: a knee, none, and too few levels to tell. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findKnee } from '../../src/sweep/knee.js';

const level = (concurrency: number, tasksPerMinute: number, ttftP95: number | undefined) => ({
  concurrency,
  tasksPerMinute,
  ttftP95,
});

describe('findKnee', () => {
  it('names the lower level of the first step where p95 TTFT grows faster than throughput', () => {
    // 8→16: throughput +90 %, TTFT +10 %; 16→32: throughput +20 %, TTFT +100 %; 32→64 would also qualify.
    const k = findKnee([level(32, 228, 400), level(8, 100, 100), level(16, 190, 110), level(64, 230, 2000)]);
    assert.equal(k.kind, 'knee');
    assert.equal(k.concurrency, 16);
    assert.deepEqual(
      k.steps.map((s) => [s.from, s.to, s.latencyWins]),
      [
        [8, 16, false],
        [16, 32, true],
        [32, 64, true],
      ],
    );
    assert.ok(Math.abs(k.steps[1]!.ttftP95Growth - (400 / 110 - 1)) < 1e-12);
    assert.match(k.verdict, /^knee at c=16: from c=16 to c=32/);
  });

  it('a knee at the lowest level when the first step already loses', () => {
    const k = findKnee([level(1, 100, 10), level(2, 110, 20)]);
    assert.equal(k.concurrency, 1);
  });

  it('equal growth is not a knee, and no knee says to sweep higher', () => {
    const k = findKnee([level(4, 100, 50), level(8, 200, 100), level(16, 300, 120)]);
    assert.equal(k.kind, 'none');
    assert.equal(k.concurrency, null);
    assert.match(k.verdict, /no knee up to c=16.*sweep higher/);
  });

  it('one level, or levels without TTFT, name no knee and say why', () => {
    const one = findKnee([level(8, 100, 50)]);
    assert.equal(one.kind, 'undetermined');
    assert.match(one.verdict, /one level measured/);
    const blind = findKnee([level(8, 100, undefined), level(16, 150, 80)]);
    assert.equal(blind.kind, 'undetermined');
    assert.match(blind.verdict, /only 1 of 2 levels/);
  });
});
