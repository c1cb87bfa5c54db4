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
      /** UTF-8 bytes, transferred: prompts never pass through the HTTP thread's heap as strings. */
      body: Uint8Array;
      /** Epoch ms when the request's headers were read off the socket. */
      receivedAt: number;
    }
  /** Epoch ms when a write marked `stamp` was handed to the kernel. */
  | { type: 'sent'; id: number; at: number }
  /**
   * Every byte of the response reached the kernel (epoch ms): the response finished, or the client closed
   * the connection after the last byte but before the chunked terminator.
   */
  | { type: 'finish'; id: number; at: number }
  /** The connection ended before every byte of the response reached the kernel. */
  | { type: 'closed'; id: number }
  | { type: 'stopped' };

export type ToHttp =
  | { type: 'head'; id: number; status: number; headers: OutgoingHttpHeaders; flush: boolean }
  | { type: 'write'; id: number; data: string; stamp: boolean }
  | { type: 'end'; id: number; data?: string }
  | { type: 'destroy'; id: number }
  | { type: 'stop' };
