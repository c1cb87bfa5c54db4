/** The one worker pool: bounded lanes, results in order, a failure or the signal stops new items. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapPool } from '../../src/util/pool.js';

describe('mapPool', () => {
  it('never runs more than `concurrency` at once and keeps the items’ order', async () => {
    let running = 0;
    let most = 0;
    const out = await mapPool([5, 1, 4, 2, 3], 2, async (x) => {
      running++;
      most = Math.max(most, running);
      await sleep(x);
      running--;
      return x * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(most, 2);
  });

  it('the first failure stops new items, waits for those in flight, then rejects with it', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const pending = mapPool([0, 1, 2, 3, 4], 2, async (x) => {
      started.push(x);
      if (x === 0) throw new Error('boom');
      await sleep(20);
      finished.push(x);
    });
    await assert.rejects(pending, /boom/);
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(finished, [1], 'the item in flight finished before the pool rejected');
  });

  it('an aborted signal starts nothing more; results of unstarted items are undefined', async () => {
    const controller = new AbortController();
    const out = await mapPool(
      [1, 2, 3],
      1,
      async (x) => {
        if (x === 2) controller.abort();
        return x;
      },
      { signal: controller.signal },
    );
    assert.deepEqual(out, [1, 2, undefined]);
  });

  it('zero items resolve at once; a concurrency below one still makes progress', async () => {
    assert.deepEqual(await mapPool([], 4, async () => 1), []);
    assert.deepEqual(await mapPool([1, 2], 0, async (x) => x), [1, 2]);
  });
});
