/**
 * The simulator's HTTP thread: accepts connections, reads requests and writes responses, and stamps when a
 * request arrived and when a marked chunk was handed to the kernel. The engine and the roles run on the
 * main thread; a pause there (GC, a burst of 48 requests being planned) then no longer shifts the stamps
 * that the simulator records as its own truth.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { epochMs } from '../telemetry/clock.js';
import { raiseThreadPriority } from '../util/thread-priority.js';
import type { FromHttp, ToHttp } from './http-protocol.js';

// Truth stamps taken the moment a socket is ready, not after a time slice of someone else's: the priority
// that TAU2_TRACE_STAMP_PRIORITY asks, or as far as the OS allows (thread-priority.ts); bench:ttft says which.
raiseThreadPriority();

const MAX_BODY = 32 * 1024 * 1024;
const port = parentPort!;
const { host, listenPort } = workerData as { host: string; listenPort: number };
const post = (m: FromHttp, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** A response in progress and what became of the bytes the engine side asked us to write. */
interface Open {
  res: ServerResponse;
  /** Writes whose callback has not run yet. */
  unsettled: number;
  /** A write failed: some bytes never reached the kernel. */
  lost: boolean;
  /** Epoch ms when the last write was handed to the kernel. */
  lastWrittenAt: number | undefined;
  /** The engine side sent its last bytes (`end`). */
  ended: boolean;
  /** `finish` or `closed` was posted. */
  reported: boolean;
}
const responses = new Map<number, Open>();
let nextId = 1;

function report(id: number, open: Open, m: FromHttp): void {
  if (open.reported) return;
  open.reported = true;
  responses.delete(id);
  post(m);
}

function write(id: number, open: Open, data: string, stamp: boolean): void {
  open.unsettled++;
  // The callback runs once the bytes are handed to the kernel (Node corks writes until the tick ends).
  open.res.write(data, (err) => {
    open.unsettled--;
    if (err) {
      open.lost = true;
      return;
    }
    open.lastWrittenAt = epochMs();
    if (stamp) post({ type: 'sent', id, at: open.lastWrittenAt });
  });
}

/** When this turn of the event loop read its first request; reset when the turn ends. */
let turnStartedAt: number | undefined;

/**
 * The arrival stamp of a request read now: the moment this turn of the event loop read its first request.
 * One poll of the sockets hands the thread every socket that was readable, and the thread reads them one after
 * another, each to the end of its request (a turn that reads one request takes about 0.15 ms here). Each of
 * them had arrived by the time the first was read, so that time is still late for every one of them, never
 * early, and it does not charge a request for the ones read before it. With this thread at real-time
 * priority, few turns read more than one request at concurrency 48 (3 of 784 in one bench:ttft rep, up to 5
 * each). The bound holds as requests are read in the loop's poll phase, where a client that does not
 * pipeline has them read, and while fewer sockets than libuv takes from one poll (1,024) are ready at once.
 */
function arrivalStamp(): number {
  if (turnStartedAt === undefined) {
    turnStartedAt = epochMs();
    setImmediate(() => {
      turnStartedAt = undefined;
    });
  }
  return turnStartedAt;
}

const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
  const receivedAt = arrivalStamp();
  const id = nextId++;
  const parts: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) parts.push(c);
  });
  req.on('end', () => {
    if (size > MAX_BODY) {
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"message":"request body too large"}');
      return;
    }
    const open: Open = {
      res,
      unsettled: 0,
      lost: false,
      lastWrittenAt: undefined,
      ended: false,
      reported: false,
    };
    responses.set(id, open);
    res.on('finish', () => report(id, open, { type: 'finish', id, at: epochMs() }));
    res.on('close', () => {
      if (open.reported) return;
      // A client that hangs up as soon as it has read the last event (the Python openai client does, at
      // `[DONE]`) can close the socket before the chunked terminator is written, so `finish` never comes.
      // The response is complete all the same once every byte it carries reached the kernel. Writes the
      // close cut short settle with an error by the next turn of the loop.
      setImmediate(() => {
        const complete = open.ended && open.unsettled === 0 && !open.lost;
        report(
          id,
          open,
          complete ? { type: 'finish', id, at: open.lastWrittenAt ?? epochMs() } : { type: 'closed', id },
        );
      });
    });
    // A fresh array of its own (Buffer.concat may hand out a slice of the shared pool), moved, not copied.
    const body = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      body.set(p, at);
      at += p.length;
    }
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      receivedAt,
    };
    post({ type: 'request', id, ...request }, [body.buffer]);
  });
});

port.on('message', (m: ToHttp) => {
  if (m.type === 'stop') {
    // After the reports that closing the connections deferred (see 'close' above), which were queued first.
    server.close(() => setImmediate(() => post({ type: 'stopped' })));
    server.closeAllConnections();
    return;
  }
  const open = responses.get(m.id);
  if (!open) return;
  const { res } = open;
  // Writing after the end would make the response emit 'error', which nothing here listens to.
  if ((m.type === 'write' || m.type === 'end') && res.writableEnded) return;
  switch (m.type) {
    case 'head':
      res.writeHead(m.status, m.headers);
      if (m.flush) res.flushHeaders();
      break;
    case 'write':
      write(m.id, open, m.data, m.stamp);
      break;
    case 'end':
      open.ended = true;
      if (m.data !== undefined) write(m.id, open, m.data, false);
      res.end();
      break;
    case 'destroy':
      res.destroy();
      break;
  }
});

server.once('error', (err: NodeJS.ErrnoException) =>
  post({ type: 'listen-error', code: err.code ?? 'EUNKNOWN', message: err.message }),
);
server.listen(listenPort, host, () => {
  const a = server.address() as { address: string; family: string; port: number };
  post({ type: 'listening', address: a.address, family: a.family, port: a.port });
});
