/** The one retry loop (LLM client, replay): attempts, budget, Retry-After, abort. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttemptOutcome, type RetryPolicy, type RetryWait, retrying } from '../../src/util/retry.js';

/** A scripted attempt: each entry is what attempt n comes to; the clock moves `stepMs` per attempt. */
function script(outcomes: AttemptOutcome<string, string>[], clock: { t: number }, stepMs = 0) {
  const seen: number[] = [];
  const attempt = async (n: number) => {
    seen.push(n);
    clock.t += stepMs;
    return outcomes[n - 1] ?? { settled: 'late' };
  };
  return { attempt, seen };
}

const fail = (reason: string, retryAfterMs?: number): AttemptOutcome<string, string> => ({
  failed: reason,
  retryable: true,
  retryAfterMs,
});
const base: RetryPolicy = {
  backoff: { baseMs: 1, maxMs: 1 },
  budgetMs: 1_000,
  budgetFrom: 'first_failure',
  pastBudget: 'stop',
  random: () => 0.5,
};

describe('retrying', () => {
  it('retries failures until an attempt settles, telling onRetry of each wait', async () => {
    const clock = { t: 0 };
    const { attempt, seen } = script([fail('a'), fail('b'), { settled: 'ok' }], clock);
    const waits: [string, RetryWait][] = [];
    const r = await retrying(attempt, {
      policy: base,
      now: () => clock.t,
      onRetry: (f, w) => waits.push([f, w]),
    });
    assert.deepEqual(r, { settled: 'ok', attempts: 3 });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(waits, [
      ['a', { attempt: 1, delayMs: 0.5, leftMs: 1_000 }],
      ['b', { attempt: 2, delayMs: 0.5, leftMs: 1_000 }],
    ]);
  });

  it('a failure not worth retrying ends the loop at once; the jitter is drawn all the same', async () => {
    let draws = 0;
    const clock = { t: 0 };
    const { attempt } = script([{ failed: 'bad request', retryable: false }], clock);
    const policy = {
      ...base,
      random: () => {
        draws++;
        return 0;
      },
    };
    const r = await retrying(attempt, { policy, now: () => clock.t });
    assert.equal('failed' in r && r.stop, 'not_retryable');
    assert.equal(r.attempts, 1);
    // A seeded generator shared with other choices (the endpoint) stays in step whatever the failure.
    assert.equal(draws, 1);
  });

  it('stops after maxAttempts', async () => {
    const clock = { t: 0 };
    const { attempt, seen } = script([fail('a'), fail('b'), fail('c')], clock);
    const r = await retrying(attempt, { policy: { ...base, maxAttempts: 2 }, now: () => clock.t });
    assert.deepEqual(r, {
      failed: 'b',
      attempts: 2,
      stop: 'attempts',
      elapsedMs: 0,
      retryAfterMs: undefined,
    });
    assert.deepEqual(seen, [1, 2]);
  });

  it("pastBudget 'stop': gives up when the wait would end past the budget, counted from the first failure", async () => {
    const clock = { t: 0 };
    // Each attempt takes 400 ms: the first failure starts the budget at 400.
    const { attempt } = script([fail('a'), fail('b'), fail('c', 500)], clock, 400);
    const r = await retrying(attempt, { policy: base, now: () => clock.t });
    // At 1200 (800 into the budget) the server asks for 500 ms: 800 + 500 > 1000.
    assert.deepEqual(r, { failed: 'c', attempts: 3, stop: 'budget', elapsedMs: 800, retryAfterMs: 500 });
  });

  it("pastBudget 'clip': a last attempt at the budget's end, unless the server asked for longer", async () => {
    const clock = { t: 0 };
    const waits: RetryWait[] = [];
    const policy: RetryPolicy = {
      ...base,
      backoff: { baseMs: 10_000, maxMs: 10_000 },
      budgetFrom: 'first_attempt',
      pastBudget: 'clip',
      budgetMs: 30,
    };
    const { attempt } = script([fail('a'), fail('b'), fail('c')], clock, 10);
    const r = await retrying(attempt, { policy, now: () => clock.t, onRetry: (_f, w) => waits.push(w) });
    // Waits are clipped to what is left (20 ms, then 10 ms); at 30 ms nothing is left.
    assert.deepEqual(
      waits.map((w) => w.delayMs),
      [20, 10],
    );
    assert.equal('failed' in r && r.stop, 'budget');

    const asked = script([fail('a', 50)], { t: 0 });
    const r2 = await retrying(asked.attempt, { policy, now: () => 0 });
    assert.equal('failed' in r2 && r2.stop, 'retry_after');
  });

  it('an aborted signal: no wait starts; a wait cut short is followed by one attempt that sees the abort', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const clock = { t: 0 };
    const first = script([fail('a'), { settled: 'never' }], clock);
    const r = await retrying(first.attempt, { policy: base, signal: aborted.signal, now: () => clock.t });
    assert.equal('failed' in r && r.stop, 'aborted');
    assert.deepEqual(first.seen, [1]);

    const controller = new AbortController();
    const long = { ...base, backoff: { baseMs: 60_000, maxMs: 60_000 }, budgetMs: 120_000 };
    const second = script([fail('a'), { settled: 'saw the abort' }], clock);
    const t0 = performance.now();
    const pending = retrying(second.attempt, {
      policy: long,
      signal: controller.signal,
      onRetry: () => setImmediate(() => controller.abort()),
    });
    assert.deepEqual(await pending, { settled: 'saw the abort', attempts: 2 });
    assert.ok(performance.now() - t0 < 5_000, 'the 30 s wait was cut short');
  });
});
