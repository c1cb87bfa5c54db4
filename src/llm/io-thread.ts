/**
 * A `fetch` whose HTTP work runs on the I/O thread (io-worker.ts), so that request-sent and chunk-arrival
 * times are stamped where no harness work can delay them. Responses are ordinary `Response`s (the openai
 * client uses this fetch); the stamps go to the {@link WireRecord} passed as `init.wire`, if any.
 */
import { Worker } from 'node:worker_threads';
import { perfFromEpochMs } from '../telemetry/clock.js';
import type { ToMain, ToWorker } from './io-protocol.js';
import type { WireRecord } from './wire.js';

interface Pending {
  wire: WireRecord | undefined;
  resolve(r: Response): void;
  reject(e: unknown): void;
  body?: ReadableStreamDefaultController<Uint8Array>;
  bytes: number;
}

/** A fetch on the I/O thread, and `close()` to stop the thread. */
export interface IoThread {
  fetch: typeof globalThis.fetch;
  /** Resolves once the thread has loaded and can send (it boots in about 0.1 s). */
  ready: Promise<void>;
  close(): Promise<void>;
}

function fetchFailed(message: string, code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

export function startIoThread(): IoThread {
  const worker = new Worker(new URL('./io-worker.js', import.meta.url));
  worker.unref();
  // The thread keeps the process alive only while a request is in flight.
  const pending = new Map<number, Pending>();
  const track = {
    set(id: number, p: Pending) {
      if (pending.size === 0) worker.ref();
      pending.set(id, p);
    },
    delete(id: number) {
      if (pending.delete(id) && pending.size === 0) worker.unref();
    },
  };
  let nextId = 1;
  const send = (m: ToWorker) => worker.postMessage(m);

  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  worker.on('message', (m: ToMain) => {
    if (m.type === 'ready') return onReady();
    const p = pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'sent':
        if (p.wire) p.wire.sentAt = perfFromEpochMs(m.at);
        break;
      case 'head': {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            p.body = controller;
          },
          cancel() {
            send({ type: 'abort', id: m.id });
            track.delete(m.id);
          },
        });
        p.resolve(new Response(body, { status: m.status, headers: m.headers }));
        break;
      }
      case 'chunk':
        p.bytes += m.bytes.length;
        if (p.wire) {
          p.wire.bytes = p.bytes;
          p.wire.arrivals.push({ at: perfFromEpochMs(m.at), end: p.bytes });
        }
        p.body?.enqueue(m.bytes);
        break;
      case 'end':
        p.body?.close();
        track.delete(m.id);
        break;
      case 'error': {
        const err =
          m.code === 'AbortError'
            ? new DOMException(m.message, 'AbortError')
            : fetchFailed(m.message, m.code);
        if (p.body) p.body.error(err);
        else p.reject(err);
        track.delete(m.id);
        break;
      }
    }
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.body ? p.body.error(err) : p.reject(err);
    pending.clear();
    worker.unref();
  });

  const ioFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const body = init?.body;
    if (body != null && typeof body !== 'string')
      throw new TypeError('the I/O thread fetch sends string bodies only');
    const signal = init?.signal;
    if (signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
    const id = nextId++;
    return new Promise<Response>((resolve, reject) => {
      track.set(id, { wire: (init as { wire?: WireRecord } | undefined)?.wire, resolve, reject, bytes: 0 });
      signal?.addEventListener(
        'abort',
        () => {
          const p = pending.get(id);
          if (!p) return;
          send({ type: 'abort', id });
          const err = new DOMException('This operation was aborted', 'AbortError');
          if (p.body) p.body.error(err);
          else p.reject(err);
          track.delete(id);
        },
        { once: true },
      );
      send({
        type: 'request',
        id,
        url,
        method: init?.method ?? 'GET',
        headers,
        ...(body != null ? { body } : {}),
      });
    });
  }) as typeof globalThis.fetch;

  let closing: Promise<void> | undefined;
  return {
    fetch: ioFetch,
    ready,
    close() {
      closing ??= new Promise<void>((resolve) => {
        worker.ref();
        worker.once('exit', () => resolve());
        send({ type: 'close' });
        setTimeout(() => void worker.terminate(), 1000).unref();
      });
      return closing;
    },
  };
}
