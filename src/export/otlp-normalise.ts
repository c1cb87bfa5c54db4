/**
 * Trace stores answer in protobuf-JSON flavours of OTLP that differ from the spool's OTLP/JSON: Tempo writes ids
 * in base64 and may spell enums by name, older bodies say `batches` and `instrumentationLibrarySpans`. This
 * rewrites any of them into the shape {@link spansOfRequest} reads (hex ids, numeric enums).
 */

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** A trace or span id as a store may write it (base64 of the bytes, or already hex) → lowercase hex. */
export function idToHex(id: string, bytes: number): string {
  if (id.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64')
    .toString('hex')
    .padStart(bytes * 2, '0');
}

type Json = Record<string, unknown>;

/** Rewrites one protobuf-JSON OTLP trace (or TracesData) into the shape {@link spansOfRequest} reads. */
export function normaliseOtlpTraces(trace: Json): Json {
  const resourceSpans = (trace.resourceSpans ?? trace.batches ?? []) as Json[];
  return {
    resourceSpans: resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: ((rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) as Json[]).map((ss) => ({
        ...ss,
        spans: ((ss.spans ?? []) as Json[]).map((s) => {
          const status = (s.status ?? {}) as Json;
          return {
            ...s,
            traceId: idToHex(String(s.traceId), 16),
            spanId: idToHex(String(s.spanId), 8),
            parentSpanId: s.parentSpanId ? idToHex(String(s.parentSpanId), 8) : undefined,
            kind: typeof s.kind === 'string' ? (KINDS[s.kind] ?? 0) : s.kind,
            status: {
              ...status,
              code: typeof status.code === 'string' ? (STATUS[status.code] ?? 0) : status.code,
            },
          };
        }),
      })),
    })),
  };
}
