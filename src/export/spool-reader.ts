/**
 * Reads a spool (`spans.otlp.jsonl`: one OTLP/JSON ExportTraceServiceRequest per line) back into flat span
 * records, streaming line by line. Lines that do not parse (a torn last line after a crash) are reported,
 * never fatal.
 */
import { readLines } from './lines.js';
import { CACHE_MIN_BYTES, readSpoolCache, stampOf, writeSpoolCache } from './spool-cache.js';

/** An OTLP/JSON attribute value. */
export type AttrValue = string | number | boolean | AttrValue[] | undefined;

/** One span with its resource's attributes. */
export interface SpoolSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  /** Epoch nanoseconds, as decimal strings in OTLP/JSON; kept as bigint for exact arithmetic. */
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  events: { name: string; attributes: Record<string, AttrValue> }[];
  status: { code: number; message?: string };
  resource: Record<string, AttrValue>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

function value(v: OtlpAnyValue | undefined): AttrValue {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

export function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = value(kv.value);
  return out;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** Flattens one ExportTraceServiceRequest. */
export function spansOfRequest(request: OtlpRequest): SpoolSpan[] {
  const out: SpoolSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: s.kind ?? 0,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributesOf(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
          status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
          resource,
        });
      }
    }
  }
  return out;
}

/** Everything read from a spool file. */
export interface SpoolContents {
  spans: SpoolSpan[];
  /** 1-based numbers of lines that are not OTLP/JSON export requests (JSON that does not parse, or other JSON). */
  badLines: number[];
  /** Lines that are OTLP/JSON export requests (objects with a `resourceSpans` array), with spans or not. */
  requests: number;
}

/** Whether parsed JSON has the shape of an ExportTraceServiceRequest. */
function isRequest(v: unknown): v is OtlpRequest {
  return typeof v === 'object' && v !== null && Array.isArray((v as OtlpRequest).resourceSpans);
}

/** How {@link readSpool} uses the spool's cache (spool-cache.ts). */
export interface ReadSpoolOptions {
  /**
   * Read the cache beside the spool when it matches, and write one after parsing a spool of at least
   * `minBytes` (default 8 MiB). Default: on, unless the environment has `TAU2_TRACE_SPOOL_CACHE=off`.
   */
  cache?: boolean | { minBytes: number };
}

/** Whether the environment turned the spool cache off. */
function cacheOff(): boolean {
  return /^(off|0|false|no)$/i.test(process.env.TAU2_TRACE_SPOOL_CACHE ?? '');
}

/**
 * Reads a whole spool file: from its cache when one matches the spool, else by parsing it (and then caching
 * a large one for the next reader).
 */
export async function readSpool(path: string, options: ReadSpoolOptions = {}): Promise<SpoolContents> {
  const cache = options.cache ?? !cacheOff();
  if (!cache) return parseSpool(path);
  const cached = readSpoolCache(path);
  if (cached) return cached;
  const before = stampOf(path);
  const contents = parseSpool(path);
  const minBytes = typeof cache === 'object' ? cache.minBytes : CACHE_MIN_BYTES;
  if (before.size >= minBytes) writeSpoolCache(path, contents, before);
  return contents;
}

/** Parses a whole spool file's OTLP/JSON lines. */
function parseSpool(path: string): SpoolContents {
  const spans: SpoolSpan[] = [];
  const badLines: number[] = [];
  let requests = 0;
  for (const [line, n] of readLines(path)) {
    if (line.trim() === '') continue;
    try {
      const request: unknown = JSON.parse(line);
      // Other JSON (a results.json line, `{}`) would otherwise pass as a request without spans.
      if (!isRequest(request)) throw new Error('not an export request');
      const got = spansOfRequest(request);
      requests++;
      for (const span of got) spans.push(span);
    } catch {
      badLines.push(n);
    }
  }
  return { spans, badLines, requests };
}

/** Milliseconds between two epoch-nanosecond instants. */
export function durationMs(span: SpoolSpan): number {
  return Number(span.endNs - span.startNs) / 1e6;
}
