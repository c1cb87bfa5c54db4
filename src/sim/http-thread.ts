/**
 * The main-thread side of the simulator's HTTP thread: requests arrive as {@link ThreadRequest}s, answers go
 * out through a {@link ThreadResponse} that mirrors the few `ServerResponse` calls the server makes.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Worker } from 'node:worker_threads';
import { perfFromEpochMs } from '../telemetry/clock.js';
import type { FromHttp, ToHttp } from './http-protocol.js';

/** A request read by the HTTP thread; `receivedAt` is performance.now() of this thread. */
export interface ThreadRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/**
 * Emits 'finish' (with the time every byte was handed to the kernel) or 'close' (the connection ended before
 * that), exactly one of them, like a ServerResponse.
 */
export class ThreadResponse extends EventEmitter {
  headersSent = false;
  private readonly onSent = new Map<number, (at: number) => void>();
  private writes = 0;
  constructor(
    private readonly id: number,
    private readonly send: (m: ToHttp) => void,
  ) {
    super();
  }
  writeHead(status: number, headers: OutgoingHttpHeaders = {}, flush = false): this {
    this.headersSent = true;
    this.send({ type: 'head', id: this.id, status, headers, flush });
    return this;
  }
  /** `onSent` gets the time the HTTP thread handed these bytes to the kernel. */
  write(data: string, onSent?: (at: number) => void): void {
    if (onSent) this.onSent.set(this.writes, onSent);
    this.writes++;
    this.send({ type: 'write', id: this.id, data, stamp: onSent !== undefined });
  }
  end(data?: string): void {
    this.send(data === undefined ? { type: 'end', id: this.id } : { type: 'end', id: this.id, data });
  }
  destroy(): void {
    this.send({ type: 'destroy', id: this.id });
  }
  /** @internal the HTTP thread reported a stamped write as sent (stamped writes complete in order). */
  sent(at: number): void {
    const first = this.onSent.keys().next();
    if (first.done) return;
    const cb = this.onSent.get(first.value)!;
    this.onSent.delete(first.value);
    cb(at);
  }
}

/** A listening HTTP thread. */
export interface HttpThread {
  address: string;
  family: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP thread; rejects (with the errno code) when it cannot listen. */
export function startHttpThread(
  host: string,
  port: number,
  onRequest: (req: ThreadRequest, res: ThreadResponse) => void,
): Promise<HttpThread> {
  const worker = new Worker(new URL('./http-worker.js', import.meta.url), {
    workerData: { host, listenPort: port },
  });
  const link = new ThreadLink(worker, onRequest);
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: FromHttp) => {
      if (m.type === 'listening') resolve(link.listening(m));
      else if (m.type === 'listen-error') {
        void worker.terminate();
        reject(Object.assign(new Error(m.message), { code: m.code }));
      } else link.receive(m);
    });
  });
}

/** The main thread's end of a listening HTTP thread: its open responses, and how it stops. */
class ThreadLink {
  private readonly open = new Map<number, ThreadResponse>();
  private stopped: () => void = () => {};
  private closing: Promise<void> | undefined;
  private readonly send = (m: ToHttp) => this.worker.postMessage(m);

  constructor(
    private readonly worker: Worker,
    private readonly onRequest: (req: ThreadRequest, res: ThreadResponse) => void,
  ) {}

  listening(m: Extract<FromHttp, { type: 'listening' }>): HttpThread {
    return { address: m.address, family: m.family, port: m.port, close: () => this.close() };
  }

  private close(): Promise<void> {
    this.closing ??= new Promise<void>((done) => {
      this.stopped = () => void this.worker.terminate().then(() => done());
      this.send({ type: 'stop' });
    });
    return this.closing;
  }

  /** A message about a request, or that the thread stopped. */
  receive(m: Exclude<FromHttp, { type: 'listening' | 'listen-error' }>): void {
    switch (m.type) {
      case 'request': {
        const res = new ThreadResponse(m.id, this.send);
        this.open.set(m.id, res);
        const { method, url, headers } = m;
        const body = Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('utf8');
        this.onRequest({ method, url, headers, body, receivedAt: perfFromEpochMs(m.receivedAt) }, res);
        break;
      }
      case 'sent':
        this.open.get(m.id)?.sent(perfFromEpochMs(m.at));
        break;
      case 'finish':
        this.open.get(m.id)?.emit('finish', perfFromEpochMs(m.at));
        this.open.delete(m.id);
        break;
      case 'closed':
        this.open.get(m.id)?.emit('close');
        this.open.delete(m.id);
        break;
      case 'stopped':
        // The HTTP thread reported every connection it closed; anything still open here never will be.
        for (const res of this.open.values()) res.emit('close');
        this.open.clear();
        this.stopped();
        break;
    }
  }
}
