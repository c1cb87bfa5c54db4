/** The client routes by the trial's baggage, and a retry leaves an endpoint that refuses connections. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { metrics, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { createLlmClient } from '../../src/llm/client.js';
import { createGenAiInstruments } from '../../src/telemetry/metrics.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';
import { closedPort } from '../helpers.js';
import { memoryTracer } from '../otel.js';
import { chunk, type Script, scriptedServer, usage } from './scripted-server.js';

const instruments = createGenAiInstruments(metrics.getMeter('test'));
const ok = (): Script => ({
  frames: [
    [0, chunk({ content: 'hi' })],
    [0, chunk({}, 'stop')],
    [0, usage(3, 1)],
  ],
});

/** A context carrying a trial's baggage, as harness/trial-context.ts sets it. */
const trial = (task: string, n: number) =>
  propagation.setBaggage(
    ROOT_CONTEXT,
    propagation.createBaggage({
      [Attr.domain]: { value: 'demo' },
      [Attr.taskId]: { value: task },
      [Attr.trial]: { value: String(n) },
    }),
  );

describe('LLM client routing', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of closers) await c();
  });

  it('sticky: each trial on one endpoint, trials spread; a refused endpoint is left on retry', async () => {
    const a = await scriptedServer(Array.from({ length: 20 }, ok));
    const b = await scriptedServer(Array.from({ length: 20 }, ok));
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const { tracer, exporter } = memoryTracer();
    const client = createLlmClient({
      config: {
        models: {
          m: [a.baseURL, b.baseURL, dead].map((baseURL) => ({ baseURL, provider: 'vllm' })),
        },
        expertMapping: {},
      },
      tracer,
      instruments,
      runId: 'r',
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 5 },
      seed: 3,
    });
    closers.push(() => client.close(), a.close, b.close);
    const request = { kind: Kind.llmCall, model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };
    for (let step = 0; step < 3; step++) {
      await Promise.all(['t1', 't2', 't3'].map((t) => client.chat(request, trial(t, 0), undefined)));
    }
    const calls = exporter.getFinishedSpans().filter((s) => s.name === `${SpanName.chatPrefix}m`);
    assert.equal(calls.length, 9);
    // Each server saw the trials it served in the calls' baggage: no trial on both.
    const trials = (seen: typeof a.seen) =>
      new Set(seen.map((h) => /tau2\.task\.id=(\w+)/.exec(String(h.baggage))?.[1]));
    const [onA, onB] = [trials(a.seen), trials(b.seen)];
    assert.deepEqual([...onA, ...onB].sort(), ['t1', 't2', 't3']);
    const dport = Number(new URL(dead).port);
    assert.ok(
      calls.every((s) => s.attributes[Attr.serverPort] !== dport),
      'no call ended on the dead endpoint',
    );
    assert.equal(a.bodies.length + b.bodies.length, 9, 'every call answered once');
    const refused = exporter.getFinishedSpans().filter((s) => s.name === SpanName.attempt);
    assert.equal(refused.length, 1, 'the trial first sent to the dead endpoint was refused once, then moved');
    assert.equal(refused[0]!.attributes[Attr.errorType], 'connection_refused');
    assert.equal(refused[0]!.attributes[Attr.serverPort], dport, 'the attempt names where it went');
    assert.ok(a.bodies.length > 0 && b.bodies.length > 0, 'both live endpoints served trials');
  });
});
