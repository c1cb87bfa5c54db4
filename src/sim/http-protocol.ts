/** Messages between the simulator's engine (main thread) and its HTTP thread (http-worker.ts). */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export type FromHttp =
  | { type: 'listening'; address: string; family: string; port: number }
  | { type: 'listen-error'; code: string; message: string }
  | {
      type: 'request';
      id: number;
      method: string;
      url: string;
      headers: IncomingHttpHeaders;
      body: string;
      /** Epoch ms when the request's headers were read off the socket. */
      receivedAt: number;
    }
  /** Epoch ms when a write marked `stamp` was handed to the kernel. */
  | { type: 'sent'; id: number; at: number }
  | { type: 'finish'; id: number; at: number }
  /** The client went away before the response finished. */
  | { type: 'closed'; id: number }
  | { type: 'stopped' };

export type ToHttp =
  | { type: 'head'; id: number; status: number; headers: OutgoingHttpHeaders; flush: boolean }
  | { type: 'write'; id: number; data: string; stamp: boolean }
  | { type: 'end'; id: number; data?: string }
  | { type: 'destroy'; id: number }
  | { type: 'stop' };
