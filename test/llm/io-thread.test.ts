import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type IoThread, startIoThread } from '../../src/llm/io-thread.js';
import { createWireRecord } from '../../src/llm/wire.js';
import { closedPort } from '../helpers.js';
import { chunk, scriptedServer } from './scripted-server.js';

/** An HTTP server in a child process that answers every request with one SSE frame after `delayMs`. */
function childServer(delayMs: number): Promise<{ url: string; kill(): void }> {
  const code = `
    const http = require('node:http');
    const s = http.createServer({ noDelay: true }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        setTimeout(() => res.end('data: late\\n\\n'), ${delayMs});
      });
    });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) =>
      resolve({ url: `http://127.0.0.1:${d.toString().trim()}/x`, kill: () => child.kill() }),
    );
  });
}

describe('I/O thread fetch', () => {
  let io: IoThread;
  before(async () => {
    io = startIoThread();
    await io.ready;
  });
  after(() => io.close());

  it('stamps send and arrivals on its own thread, unaffected by a busy main thread', async () => {
    // The server must not live on the thread this test blocks: it runs in a child process.
    const server = await childServer(80);
    try {
      const wire = createWireRecord();
      const res = await io.fetch(server.url, { method: 'POST', body: '{}', wire } as RequestInit);
      assert.equal(res.status, 200);
      // Block the main thread past the moment the delayed chunk arrives.
      const blockedUntil = performance.now() + 250;
      while (performance.now() < blockedUntil) {
        // busy
      }
      const text = await res.text();
      const readAt = performance.now();
      assert.equal(text, 'data: late\n\n');
      assert.equal(typeof wire.sentAt, 'number', 'the request body was stamped as sent');
      assert.equal(wire.arrivals[wire.arrivals.length - 1]!.end, Buffer.byteLength(text));
      const first = wire.arrivals[0]!.at;
      assert.ok(first - wire.sentAt! >= 70, `the chunk was sent after 80 ms: ${first - wire.sentAt!}`);
      assert.ok(
        readAt - first >= 100,
        `stamped on arrival, not when the blocked main thread read it (${readAt - first} ms)`,
      );
    } finally {
      server.kill();
    }
  });

  it('reports a refused connection as fetch failed with the errno code', async () => {
    const port = await closedPort();
    await assert.rejects(io.fetch(`http://127.0.0.1:${port}/v1/models`), (e: unknown) => {
      return e instanceof TypeError && (e.cause as { code?: string }).code === 'ECONNREFUSED';
    });
  });

  it('aborts a request when its signal fires', async () => {
    const server = await scriptedServer([{ frames: [[1_000, chunk({ content: 'never' })]] }]);
    try {
      const controller = new AbortController();
      const res = await io.fetch(`${server.baseURL}/x`, {
        method: 'POST',
        body: '{}',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 20);
      await assert.rejects(res.text(), (e: unknown) => (e as Error).name === 'AbortError');
    } finally {
      await server.close();
    }
  });
});
