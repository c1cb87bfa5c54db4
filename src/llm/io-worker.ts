/**
 * The I/O thread: performs the LLM client's HTTP requests with undici's handler interface and stamps, on a
 * thread that does nothing else, when each request body left and when each response chunk arrived. Stamps taken on the main
 * thread would include however long a busy harness (tool calls, request building, span export, GC) took
 * to get round to a socket, and TTFT would measure the harness instead of the server.
 *
 * Protocol (see io-thread.ts): `request` in; `sent`, `head`, `chunk`, `end`, `error` out; `abort` in.
 * Times are epoch milliseconds (fractional), comparable across threads.
 */
import { subscribe } from 'node:diagnostics_channel';
import { parentPort } from 'node:worker_threads';
import { Agent, type Dispatcher, errors } from 'undici';
import { epochMs } from '../telemetry/clock.js';
import { raiseThreadPriority } from '../util/thread-priority.js';
import type { ToMain, ToWorker } from './io-protocol.js';

const port = parentPort!;
const agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
/** Requests in flight: how to abort each (its controller once undici started it, else a flag it reads then). */
const inflight = new Map<number, { controller?: Dispatcher.DispatchController; aborted: boolean }>();
/** Our id of each undici request, learnt from `undici:request:create`, published inside `dispatch()`. */
const ids = new WeakMap<object, number>();
let dispatching: number | undefined;
const post = (m: ToMain, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);
const aborted = () => new errors.RequestAbortedError();

/**
 * Sends one request through undici's handler interface rather than `request()`: the handler's callbacks run
 * inside the socket's read, as llhttp parses it, so a chunk is stamped before any stream or async iterator
 * machinery (and before the other sockets read in the same turn of the loop get their turn).
 */
function perform(m: Extract<ToWorker, { type: 'request' }>): void {
  const state: { controller?: Dispatcher.DispatchController; aborted: boolean } = { aborted: false };
  inflight.set(m.id, state);
  const done = (last: ToMain) => {
    inflight.delete(m.id);
    post(last);
  };
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(controller) {
      state.controller = controller;
      if (state.aborted) controller.abort(aborted());
    },
    onResponseStart(_controller, status, headers) {
      post({ type: 'head', id: m.id, status, headers: headerPairs(headers) });
    },
    onResponseData(_controller, chunk) {
      const at = epochMs();
      const copy = new Uint8Array(chunk);
      post({ type: 'chunk', id: m.id, at, bytes: copy }, [copy.buffer as ArrayBuffer]);
    },
    onResponseEnd() {
      done({ type: 'end', id: m.id, at: epochMs() });
    },
    onResponseError(_controller, err) {
      const e = err as NodeJS.ErrnoException;
      done({ type: 'error', id: m.id, message: e.message, code: e.code ?? e.name });
    },
  };
  dispatching = m.id;
  try {
    // undici does not decompress: ask for the body as is, so byte offsets match what is parsed.
    const headers = { 'accept-encoding': 'identity', ...m.headers };
    const { origin, pathname, search } = new URL(m.url);
    const options = { origin, path: pathname + search, method: m.method as Dispatcher.HttpMethod, headers };
    agent.dispatch({ ...options, body: m.body ?? null }, handler);
  } catch (err) {
    handler.onResponseError?.(state.controller as Dispatcher.DispatchController, err as Error);
  } finally {
    dispatching = undefined;
  }
}

/** undici's parsed response headers as name/value pairs (repeated headers joined, as fetch does). */
function headerPairs(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) pairs.push([k, Array.isArray(v) ? v.join(', ') : v]);
  }
  return pairs;
}

/** The main thread gave up on request `id`: stop it now, or as soon as undici starts it. */
function abort(id: number): void {
  const state = inflight.get(id);
  if (!state) return;
  state.aborted = true;
  state.controller?.abort(aborted());
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
  if (m.type === 'request') perform(m);
  else if (m.type === 'abort') abort(m.id);
  else if (m.type === 'close') void agent.close().finally(() => port.close());
});
// Stamps taken the moment a socket is readable, not after a time slice of someone else's: the priority that
// TAU2_TRACE_STAMP_PRIORITY asks, or as far as the OS allows (thread-priority.ts); bench:ttft says which.
raiseThreadPriority();
post({ type: 'ready', id: 0 });
