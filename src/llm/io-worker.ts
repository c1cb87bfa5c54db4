/**
 * The I/O thread: performs the LLM client's HTTP requests with undici and stamps, on a thread that does
 * nothing else, when each request body left and when each response chunk arrived. Stamps taken on the main
 * thread would include however long a busy harness (tool calls, request building, span export, GC) took
 * to get round to a socket, and TTFT would measure the harness instead of the server.
 *
 * Protocol (see io-thread.ts): `request` in; `sent`, `head`, `chunk`, `end`, `error` out; `abort` in.
 * Times are epoch milliseconds (fractional), comparable across threads.
 */
import { subscribe } from 'node:diagnostics_channel';
import { parentPort } from 'node:worker_threads';
import { Agent, type Dispatcher, request } from 'undici';
import { epochMs } from '../telemetry/clock.js';
import type { ToMain, ToWorker } from './io-protocol.js';

const port = parentPort!;
const agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
const controllers = new Map<number, AbortController>();
/** Our id of each undici request, learnt from `undici:request:create`, published inside `request()`. */
const ids = new WeakMap<object, number>();
let dispatching: number | undefined;
const post = (m: ToMain, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

async function perform(m: Extract<ToWorker, { type: 'request' }>): Promise<void> {
  const controller = new AbortController();
  controllers.set(m.id, controller);
  try {
    dispatching = m.id;
    const pending = request(m.url, {
      method: m.method as Dispatcher.HttpMethod,
      // undici.request does not decompress: ask for the body as is, so byte offsets match what is parsed.
      headers: { 'accept-encoding': 'identity', ...m.headers },
      body: m.body ?? null,
      signal: controller.signal,
      dispatcher: agent,
    });
    dispatching = undefined;
    const res = await pending;
    const headers: [string, string][] = [];
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers.push([k, Array.isArray(v) ? v.join(', ') : v]);
    }
    post({ type: 'head', id: m.id, status: res.statusCode, headers });
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const at = epochMs();
      const copy = new Uint8Array(chunk);
      post({ type: 'chunk', id: m.id, at, bytes: copy }, [copy.buffer as ArrayBuffer]);
    }
    post({ type: 'end', id: m.id, at: epochMs() });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ type: 'error', id: m.id, message: e.message, code: e.code ?? e.name });
  } finally {
    controllers.delete(m.id);
  }
}

subscribe('undici:request:create', (message) => {
  if (dispatching !== undefined) ids.set((message as { request: object }).request, dispatching);
});
// The request body has left the process when undici's `bodySent` fires.
subscribe('undici:request:bodySent', (message) => {
  const id = ids.get((message as { request: object }).request);
  if (id !== undefined) post({ type: 'sent', id, at: epochMs() });
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'request') void perform(m);
  else if (m.type === 'abort') controllers.get(m.id)?.abort();
  else if (m.type === 'close') void agent.close().finally(() => port.close());
});
post({ type: 'ready', id: 0 });
