/**
 * Wire timestamps of LLM requests, stamped by the I/O thread (io-thread.ts): when the request body finished
 * going to the socket, and when each response body chunk came off it. TTFT taken from these excludes the
 * client's own request building and connection set-up, and the delay between a chunk's arrival and the
 * moment a busy event loop gets round to parsing it: it measures the server and the network, not us.
 *
 * Requests are recognised by their `traceparent` header (unique per call); nothing is kept for others.
 */

/** What the wire saw of one request. */
export interface WireRecord {
  /** performance.now() when the request body was fully written; undefined until then. */
  sentAt: number | undefined;
  /** Arrival of each response body chunk: time and the byte offset just past the chunk. */
  arrivals: { at: number; end: number }[];
  bytes: number;
}

const byTraceparent = new Map<string, WireRecord>();

/** The I/O thread saw the request body leave. */
export function noteSent(traceparent: string, at: number): void {
  const record = byTraceparent.get(traceparent);
  if (record) record.sentAt = at;
}

/** The I/O thread saw response bytes up to offset `end` arrive. */
export function noteChunk(traceparent: string, at: number, end: number): void {
  const record = byTraceparent.get(traceparent);
  if (!record) return;
  record.bytes = end;
  record.arrivals.push({ at, end });
}

/** Starts watching the request carrying `traceparent`; call `release()` when done with it. */
export function watchRequest(traceparent: string): { record: WireRecord; release(): void } {
  const record: WireRecord = { sentAt: undefined, arrivals: [], bytes: 0 };
  byTraceparent.set(traceparent, record);
  return { record, release: () => byTraceparent.delete(traceparent) };
}

/**
 * When the byte at `offset` (0-based, of the response body) arrived, or undefined when the wire did not see
 * it (another HTTP stack, or a compressed body whose offsets differ).
 */
export function arrivalOf(
  record: WireRecord,
  offset: number,
  from = 0,
): { at: number; index: number } | undefined {
  const a = record.arrivals;
  for (let i = from; i < a.length; i++) if (a[i]!.end > offset) return { at: a[i]!.at, index: i };
  return undefined;
}
