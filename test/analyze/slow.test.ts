/** Slow-trial detection (src/analyze/slow.ts): median + k × 1.4826 × MAD per domain, with the cause. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyBreakdown } from '../../src/analyze/attribution.js';
import { slowTrials } from '../../src/analyze/slow.js';

/** A trial of `domain` whose wall time is `tool` + `queue` ms. */
function trial(domain: string, tool: number, queue = 0) {
  const breakdown = { ...emptyBreakdown(), tool, queue };
  return { domain, wallMs: tool + queue, breakdown };
}

describe('slow trials', () => {
  it('flags a trial beyond median + k·1.4826·MAD of its own domain, with the component that made it slow', () => {
    // Domain a: walls 100, 110, 90, 105, 95 and one 100 + 400 of queue. Median 102.5, MAD 7.5.
    const trials = [
      trial('a', 100),
      trial('a', 110),
      trial('a', 90),
      trial('a', 105),
      trial('a', 95),
      trial('a', 100, 400),
      // Domain b is slower throughout: 500 is its normal, so nothing there is flagged.
      ...[480, 500, 520, 510, 490].map((w) => trial('b', w)),
    ];
    const r = slowTrials(trials, 3);
    const a = r.rules.find((x) => x.domain === 'a')!;
    assert.equal(a.medianMs, 102.5);
    assert.equal(a.madMs, 7.5);
    assert.equal(a.thresholdMs, 102.5 + 3 * 1.4826 * 7.5);
    assert.deepEqual(
      r.slow.map((s) => [s.index, s.cause, s.excessMs]),
      [[5, 'queue', 400]],
    );
  });

  it('does not judge a domain with fewer than 5 trials', () => {
    const r = slowTrials([trial('a', 1), trial('a', 1), trial('a', 1000)]);
    assert.equal(r.rules[0]!.thresholdMs, undefined);
    assert.deepEqual(r.slow, []);
  });
});
