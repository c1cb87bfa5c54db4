/**
 * The simulator's arrival stamp (`tau2.sim.request_received_ms`) is the moment its HTTP thread's event-loop turn
 * read its first request, shared by every request read in that turn (http-worker.ts). That is only a truth if it
 * is never earlier than the request was sent: a turn's stamp must not outlive the turn. Two bursts of requests
 * sent a while apart, each written on already-open connections in one go, must each be stamped no earlier than
 * their own burst was sent, and no later than their first byte of answer.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoDomain } from '../../src/domains/demo/index.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { epochMs } from '../../src/telemetry/clock.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

/** Opens `n` connections to the simulator and resolves once every one is connected. */
function openConnections(port: number, n: number): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
}

/** A whole chat request for `model`, tagged by its first message so its span can be found. */
function request(model: string, tag: string): string {
  const body = JSON.stringify({ model, messages: [{ role: 'system', content: tag }] });
  return (
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Resolves when the socket has received a complete JSON answer (the simulator sends a content-length). */
function answered(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    s.setEncoding('utf8');
    s.on('data', (t: string) => {
      seen += t;
      const head = seen.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(seen)?.[1];
      if (head >= 0 && length !== undefined && Buffer.byteLength(seen.slice(head + 4)) >= Number(length))
        resolve();
    });
    s.once('error', reject);
  });
}

describe('the simulator stamps a request on arrival, never before it was sent', () => {
  let sim: SimServer;
  const { tracer, exporter } = memoryTracer();

  before(async () => {
    sim = await startSimServer({
      seed: 1,
      models: { user: 'user' },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.01 },
      tracer,
    });
  });
  after(() => sim.close());

  it('each burst is stamped after it was sent and before it was answered', async () => {
    const perBurst = 16;
    const sentAt: number[] = [];
    for (const burst of [0, 1]) {
      const sockets = await openConnections(sim.port, perBurst);
      const done = sockets.map(answered);
      sentAt.push(epochMs());
      for (const [i, s] of sockets.entries()) s.write(request('user', `burst ${burst} request ${i}`));
      await Promise.all(done);
      for (const s of sockets) s.destroy();
      await sleep(50); // a gap the first burst's turn must not reach across
    }

    const spans = exporter.getFinishedSpans().filter((s) => s.name === SpanName.llmRequest);
    assert.equal(spans.length, 2 * perBurst, 'one llm_request span per request');
    for (const span of spans) {
      const received = span.attributes[Attr.simRequestReceivedMs] as number;
      const firstSent = span.attributes[Attr.simFirstChunkSentMs] as number;
      const burst = spans.indexOf(span) < perBurst ? 0 : 1;
      assert.ok(
        received >= sentAt[burst]!,
        `stamped ${(sentAt[burst]! - received).toFixed(3)} ms before burst ${burst} was sent`,
      );
      assert.ok(received <= firstSent, 'stamped after its answer left');
    }
  });
});
