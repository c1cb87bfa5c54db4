import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine, type EngineConfig } from '../../src/sim/engine.js';

const base: EngineConfig = {
  maxNumSeqs: 2,
  maxBatchedTokens: 4096,
  prefillPerTokenMs: 0.01,
  stepBaseMs: 2,
  decodePerSeqMs: 0.5,
  timeScale: 1,
  // These tests time prefills of unrelated prompts; the prefix cache has tests of its own.
  prefixCaching: false,
  blockSize: 16,
  cacheBlocks: 1024,
};

interface Timing {
  submitted: number;
  scheduled: number;
  first: number;
  finished: number;
}

function submit(engine: ReturnType<typeof createEngine>, prompt: number, output: number): Promise<Timing> {
  return new Promise((resolve) => {
    const t: Timing = { submitted: performance.now(), scheduled: -1, first: -1, finished: -1 };
    engine.submit(prompt, output, {
      onScheduled: (now) => {
        t.scheduled = now;
      },
      onToken: (i, now) => {
        if (i === 0) t.first = now;
      },
      onFinished: (now) => {
        t.finished = now;
        resolve(t);
      },
    });
  });
}

describe('timing model', () => {
  it('queues requests past max-num-seqs and runs the rest at once', async () => {
    const engine = createEngine(base);
    try {
      const timings = await Promise.all(Array.from({ length: 5 }, () => submit(engine, 100, 10)));
      const queued = timings.map((t) => t.scheduled - t.submitted);
      // The first two are admitted at once; the others wait for a free slot, i.e. for 10 decode steps of
      // at least 2 ms each. Timers only ever fire late, so the lower bound holds on a loaded machine too.
      for (const q of queued.slice(2))
        assert.ok(q >= 15, `expected queueing ≥ 15 ms, got ${q.toFixed(1)} ms`);
      assert.ok(
        Math.max(queued[0]!, queued[1]!) < Math.min(...queued.slice(2)),
        `queued ${queued.map((q) => q.toFixed(1))}`,
      );
      assert.ok(queued[4]! > queued[2]!, 'later arrivals wait longer (FIFO)');
    } finally {
      engine.close();
    }
  });

  it('prefill time grows with prompt length', async () => {
    const engine = createEngine({ ...base, prefillPerTokenMs: 0.02, maxBatchedTokens: 100_000 });
    try {
      const short = await submit(engine, 100, 2);
      const long = await submit(engine, 5000, 2);
      const prefill = (t: Timing) => t.first - t.scheduled;
      // 5000 tokens × 0.02 ms = 100 ms more than the short prompt's 2 ms.
      assert.ok(prefill(long) - prefill(short) >= 80, `short ${prefill(short)} long ${prefill(long)}`);
    } finally {
      engine.close();
    }
  });

  it('chunked prefill spreads a long prompt over several steps', async () => {
    const engine = createEngine({ ...base, maxBatchedTokens: 1000, prefillPerTokenMs: 0, stepBaseMs: 5 });
    try {
      const t = await submit(engine, 4500, 1);
      // 5 steps of 1000 tokens at 5 ms each.
      assert.ok(t.first - t.scheduled >= 23, `got ${(t.first - t.scheduled).toFixed(1)} ms`);
    } finally {
      engine.close();
    }
  });

  it('decode slows down as the batch grows', async () => {
    const perToken = async (n: number) => {
      const engine = createEngine({ ...base, maxNumSeqs: 64, decodePerSeqMs: 1 });
      try {
        const ts = await Promise.all(Array.from({ length: n }, () => submit(engine, 10, 21)));
        return ts.map((t) => (t.finished - t.first) / 20).reduce((a, b) => a + b, 0) / n;
      } finally {
        engine.close();
      }
    };
    const one = await perToken(1);
    const many = await perToken(30);
    // 2 + 1×1 ms vs 2 + 30×1 ms per step.
    assert.ok(many > one * 3, `per-token decode: 1 seq ${one.toFixed(2)} ms, 30 seqs ${many.toFixed(2)} ms`);
  });

  it('a cancelled request frees its slot', async () => {
    const engine = createEngine({ ...base, maxNumSeqs: 1 });
    try {
      const handle = engine.submit(10, 1000, { onToken() {}, onFinished() {} });
      const next = submit(engine, 10, 2);
      setTimeout(() => handle.cancel(), 20);
      const t = await next;
      assert.ok(t.finished - t.submitted < 200, 'the waiting request ran after the cancel');
      assert.deepEqual(engine.gauges(), { running: 0, waiting: 0 });
    } finally {
      engine.close();
    }
  });
});
