/** Backoff with full jitter and `Retry-After` parsing: the retry arithmetic shared by replay and the LLM client. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, parseRetryAfter } from '../../src/util/backoff.js';

const bounds = { baseMs: 500, maxMs: 8_000 };
/** Just under 1: the top of the jitter window. */
const top = () => 1 - 2 ** -53;

describe('backoffDelay', () => {
  it('the window doubles from baseMs with every failed attempt, up to maxMs', () => {
    const windows = [1, 2, 3, 4, 5, 6, 7].map((a) => Math.round(backoffDelay(a, bounds, top)));
    assert.deepEqual(windows, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('draws uniformly inside the window (full jitter), down to no wait at all', () => {
    assert.equal(
      backoffDelay(3, bounds, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(3, bounds, () => 0.25),
      500,
    );
  });

  it('a huge attempt number stays at maxMs instead of overflowing', () => {
    assert.equal(Math.round(backoffDelay(5_000, bounds, top)), 8_000);
  });

  it('attempt 0 or below is read as the first failure', () => {
    assert.equal(Math.round(backoffDelay(0, bounds, top)), 500);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2015-10-21T07:28:00Z');

  it('reads delay-seconds, decimals included', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 1.5 ', now), 1_500);
    assert.equal(parseRetryAfter('0', now), 0);
  });

  it('reads an HTTP-date as the time left until it, and a past date as now', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now), 0);
  });

  it('reads the obsolete HTTP-date forms as GMT, whatever the local time zone', () => {
    assert.equal(parseRetryAfter('Wednesday, 21-Oct-15 07:28:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed Oct 21 07:28:20 2015', now), 20_000);
  });

  it('ignores what it cannot read: negative numbers, words, nothing', () => {
    for (const value of ['-5', '-1.5', 'soon', 'Foo, 99 Bar 2015', '', null, undefined]) {
      assert.equal(parseRetryAfter(value, now), undefined, JSON.stringify(value));
    }
  });

  it('from headers, retry-after-ms wins over retry-after; either alone works', () => {
    const h = (init: Record<string, string>) => new Headers(init);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '3' }), now), 250);
    assert.equal(parseRetryAfter(h({ 'Retry-After': '3' }), now), 3_000);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': 'junk', 'retry-after': '3' }), now), 3_000);
    assert.equal(parseRetryAfter(h({ 'content-type': 'text/plain' }), now), undefined);
  });
});
