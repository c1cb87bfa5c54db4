/**
 * The simulator's HTTP thread: accepts connections, reads requests and writes responses, and stamps when a
 * request arrived and when a marked chunk was handed to the kernel. The engine and the roles run on the
 * main thread; a pause there (GC, a burst of 48 requests being planned) then no longer shifts the stamps
 * that the simulator records as its own truth.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { epochMs } from '../telemetry/clock.js';
import type { FromHttp, ToHttp } from './http-protocol.js';

const MAX_BODY = 32 * 1024 * 1024;
const port = parentPort!;
const { host, listenPort } = workerData as { host: string; listenPort: number };
const post = (m: FromHttp) => port.postMessage(m);
const responses = new Map<number, ServerResponse>();
let nextId = 1;

const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
  const receivedAt = epochMs();
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
    responses.set(id, res);
    res.on('finish', () => post({ type: 'finish', id, at: epochMs() }));
    res.on('close', () => {
      responses.delete(id);
      if (!res.writableFinished) post({ type: 'closed', id });
    });
    const body = Buffer.concat(parts).toString('utf8');
    post({
      type: 'request',
      id,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      receivedAt,
    });
  });
});

port.on('message', (m: ToHttp) => {
  if (m.type === 'stop') {
    server.close(() => post({ type: 'stopped' }));
    server.closeAllConnections();
    return;
  }
  const res = responses.get(m.id);
  if (!res) return;
  switch (m.type) {
    case 'head':
      res.writeHead(m.status, m.headers);
      if (m.flush) res.flushHeaders();
      break;
    case 'write':
      // The callback runs once the bytes are handed to the kernel (Node corks writes until the tick ends).
      res.write(m.data, m.stamp ? () => post({ type: 'sent', id: m.id, at: epochMs() }) : undefined);
      break;
    case 'end':
      res.end(m.data);
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
