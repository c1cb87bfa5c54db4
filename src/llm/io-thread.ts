/**
 * A `fetch` whose HTTP work runs on the I/O thread (io-worker.ts), so that request-sent and chunk-arrival
 * times are stamped where no harness work can delay them. Responses are ordinary `Response`s (the openai
 * client uses this fetch); the stamps go to the {@link WireRecord} passed as `init.wire`, if any. What the
 * thread's messages do to a request in flight is ./io-requests.ts.
 */
import { Worker } from 'node:worker_threads';
import type { ToMain, ToWorker } from './io-protocol.js';
import { failPending, InFlight } from './io-requests.js';
import type { WireRecord } from './wire.js';

/** A fetch on the I/O thread, and `close()` to stop the thread. */
export interface IoThread {
  fetch: typeof globalThis.fetch;
  /** Resolves once the thread has loaded and can send (it boots in about 0.1 s). */
  ready: Promise<void>;
  close(): Promise<void>;
}

type RequestMessage = Extract<ToWorker, { type: 'request' }>;

/**
 * How many I/O threads a client starts when not told. One thread both sends every request body and reads
 * every stream, so at 48 streams a chunk can wait behind another request's body or another stream's chunks;
 * two halve that wait, and more would only compete for the cores with the harness itself.
 */
export const DEFAULT_IO_THREADS = 2;

/**
 * Starts `threads` I/O threads behind one fetch, which sends each request through the thread with the
 * fewest in flight; they keep the process alive only while a request is in flight.
 */
export function startIoThread(threads = DEFAULT_IO_THREADS): IoThread {
  const all = Array.from({ length: Math.max(1, threads) }, startOne);
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const least = all.reduce((a, b) => (b.inflight.size < a.inflight.size ? b : a));
    return least.fetch(input, init);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    ready: Promise.all(all.map((t) => t.ready)).then(() => {}),
    close: () => Promise.all(all.map((t) => t.close())).then(() => {}),
  };
}

/** One I/O thread, with its table of requests in flight. */
function startOne(): IoThread & { inflight: InFlight } {
  const worker = new Worker(new URL('./io-worker.js', import.meta.url));
  worker.unref();
  const send = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
  const inflight = new InFlight(worker, send);

  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  worker.on('message', (m: ToMain) => {
    if (m.type !== 'ready') return inflight.receive(m);
    onReady();
  });
  worker.on('error', (err) => inflight.failAll(err));

  let closing: Promise<void> | undefined;
  return {
    fetch: ioFetch(inflight, send),
    inflight,
    ready,
    close() {
      closing ??= closeWorker(worker, send);
      return closing;
    },
  };
}

/** The fetch: checks what the thread cannot send, then posts the request and waits for its head. */
function ioFetch(
  inflight: InFlight,
  send: (m: ToWorker, transfer?: ArrayBuffer[]) => void,
): typeof globalThis.fetch {
  let nextId = 1;
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = requestOf(input, init);
    const signal = init?.signal;
    if (signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
    const id = nextId++;
    return new Promise<Response>((resolve, reject) => {
      inflight.add(id, {
        wire: (init as { wire?: WireRecord } | undefined)?.wire,
        resolve,
        reject,
        bytes: 0,
      });
      signal?.addEventListener('abort', () => abortRequest(inflight, send, id), { once: true });
      const body = request.body?.buffer as ArrayBuffer | undefined;
      send({ ...request, id }, body ? [body] : []);
    });
  }) as typeof globalThis.fetch;
}

const utf8 = new TextEncoder();

/** The request message of a fetch call, without its id; the thread sends string bodies only. */
function requestOf(input: string | URL | Request, init: RequestInit | undefined): Omit<RequestMessage, 'id'> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => {
    headers[k] = v;
  });
  const body = init?.body;
  if (body != null && typeof body !== 'string')
    throw new TypeError('the I/O thread fetch sends string bodies only');
  // A fresh array of its own (not Buffer's shared pool), so its memory can move to the thread.
  const bytes = body != null ? utf8.encode(body) : undefined;
  return { type: 'request', url, method: init?.method ?? 'GET', headers, ...(bytes ? { body: bytes } : {}) };
}

/** The caller's signal fired: the thread drops the request, and the fetch or its body fails at once. */
function abortRequest(inflight: InFlight, send: (m: ToWorker) => void, id: number): void {
  const p = inflight.get(id);
  if (!p) return;
  send({ type: 'abort', id });
  failPending(p, new DOMException('This operation was aborted', 'AbortError'));
  inflight.settle(id);
}

/** Asks the thread to finish; one that has not exited within a second is terminated. */
function closeWorker(worker: Worker, send: (m: ToWorker) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    worker.ref();
    worker.once('exit', () => resolve());
    send({ type: 'close' });
    setTimeout(() => void worker.terminate(), 1000).unref();
  });
}
