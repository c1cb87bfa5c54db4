/**
 * Wire timestamps of one LLM request, stamped by the I/O thread (io-thread.ts): when the request body
 * finished going to the socket, and when each response body chunk came off it. TTFT taken from these
 * excludes the client's own request building and connection set-up, and the delay between a chunk's arrival
 * and the moment a busy event loop gets round to parsing it: it measures the server and the network, not us.
 *
 * The client hands a record to the I/O thread's fetch with the request (`init.wire`), so timing does not
 * depend on tracing being on.
 */

/** What the wire saw of one request; times are performance.now() milliseconds of this thread. */
export interface WireRecord {
  /** When the request body was fully written; undefined until then. */
  sentAt: number | undefined;
  /** Arrival of each response body chunk: time and the byte offset just past the chunk. */
  arrivals: { at: number; end: number }[];
  bytes: number;
}

export function createWireRecord(): WireRecord {
  return { sentAt: undefined, arrivals: [], bytes: 0 };
}

/**
 * When the byte at `offset` (0-based, of the response body) arrived, or undefined when the wire did not see
 * it (another fetch, or a compressed body whose offsets differ). Scans forward from arrival `from`.
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
