/** Messages between the main thread and the I/O thread (io-worker.ts). Times are epoch milliseconds. */
export type ToWorker =
  | {
      type: 'request';
      id: number;
      url: string;
      method: string;
      headers: Record<string, string>;
      /** UTF-8 bytes, transferred: the thread's heap never holds a prompt, so it rarely collects garbage. */
      body?: Uint8Array;
    }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type ToMain =
  | { type: 'ready'; id: 0 }
  | { type: 'sent'; id: number; at: number }
  | { type: 'head'; id: number; status: number; headers: [string, string][] }
  | { type: 'chunk'; id: number; at: number; bytes: Uint8Array }
  | { type: 'end'; id: number; at: number }
  | { type: 'error'; id: number; message: string; code: string };
