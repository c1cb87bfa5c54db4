/**
 * The main thread's side of the I/O thread's requests: the table of requests in flight, and what each message
 * from the thread does to its request (wire stamps, the `Response`, its body stream, errors). While a request
 * is in flight the thread keeps the process alive; with none it does not.
 */
import type { Worker } from 'node:worker_threads';
import { perfFromEpochMs } from '../telemetry/clock.js';
import type { ToMain, ToWorker } from './io-protocol.js';
import type { WireRecord } from './wire.js';

/** One request in flight: where its stamps go, how its promise settles, and its body once the head came. */
export interface Pending {
  wire: WireRecord | undefined;
  resolve(r: Response): void;
  reject(e: unknown): void;
  body?: ReadableStreamDefaultController<Uint8Array>;
  bytes: number;
}

/** A failure reaches the body stream once the response is out, and the fetch's promise before that. */
export function failPending(p: Pending, err: unknown): void {
  if (p.body) p.body.error(err);
  else p.reject(err);
}

function fetchFailed(message: string, code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

/** The requests in flight, by id; the worker is ref'ed exactly while there is one. */
export class InFlight {
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly worker: Worker,
    private readonly send: (m: ToWorker) => void,
  ) {}

  /** How many requests are in flight. */
  get size(): number {
    return this.pending.size;
  }

  get(id: number): Pending | undefined {
    return this.pending.get(id);
  }

  add(id: number, p: Pending): void {
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, p);
  }

  /** Forgets a request that has ended, failed or been aborted. */
  settle(id: number): void {
    if (this.pending.delete(id) && this.pending.size === 0) this.worker.unref();
  }

  /** The thread died: every request in flight fails with its error. */
  failAll(err: unknown): void {
    for (const p of this.pending.values()) failPending(p, err);
    this.pending.clear();
    this.worker.unref();
  }

  /** Applies one message of the thread (other than `ready`) to its request; unknown ids are late news. */
  receive(m: Exclude<ToMain, { type: 'ready' }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'sent':
        if (p.wire) p.wire.sentAt = perfFromEpochMs(m.at);
        break;
      case 'head':
        p.resolve(this.response(m.id, p, m.status, m.headers));
        break;
      case 'chunk':
        receiveChunk(p, m.at, m.bytes);
        break;
      case 'end':
        p.body?.close();
        this.settle(m.id);
        break;
      case 'error':
        failPending(
          p,
          m.code === 'AbortError'
            ? new DOMException(m.message, 'AbortError')
            : fetchFailed(m.message, m.code),
        );
        this.settle(m.id);
        break;
    }
  }

  /** The response of request `id`; its body is fed by later chunks, and cancelling it aborts the request. */
  private response(id: number, p: Pending, status: number, headers: [string, string][]): Response {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        p.body = controller;
      },
      cancel: () => {
        this.send({ type: 'abort', id });
        this.settle(id);
      },
    });
    return new Response(body, { status, headers });
  }
}

/** Stamps a body chunk's arrival (at its byte offset) and hands the bytes to the body stream. */
function receiveChunk(p: Pending, at: number, bytes: Uint8Array): void {
  p.bytes += bytes.length;
  if (p.wire) {
    p.wire.bytes = p.bytes;
    p.wire.arrivals.push({ at: perfFromEpochMs(at), end: p.bytes });
  }
  p.body?.enqueue(bytes);
}
