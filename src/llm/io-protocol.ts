/** Messages between the main thread and the I/O thread (io-worker.ts). Times are epoch milliseconds. */
export type ToWorker =
  | {
      type: 'request';
      id: number;
      url: string;
      method: string;
      headers: Record<string, string>;
      body?: string;
    }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type ToMain =
  /** `notRaised`: why the thread runs at normal priority (see util/thread-priority.ts). */
  | { type: 'ready'; id: 0; notRaised?: string }
  | { type: 'sent'; id: number; at: number }
  | { type: 'head'; id: number; status: number; headers: [string, string][] }
  | { type: 'chunk'; id: number; at: number; bytes: Uint8Array }
  | { type: 'end'; id: number; at: number }
  | { type: 'error'; id: number; message: string; code: string };
