/**
 * Reads a run's traces back from Tempo's HTTP API: TraceQL search for the run's task spans
 * (`/api/search`), then each whole trace (`/api/v2/traces/<id>`), flattened to the spool's span records.
 * Tempo answers in protobuf-JSON: ids are base64 and enums may be spelled by name; otlp-normalise.ts rewrites both.
 */
import { TraceStoreError } from '../util/errors.js';
import { mapPool } from '../util/pool.js';
import { idToHex, normaliseOtlpTraces } from './otlp-normalise.js';
import { type SpoolSpan, spansOfRequest } from './spool-reader.js';

export { idToHex };

/** Options of {@link readTempoRun}. */
export interface TempoReadOptions {
  /** Search window; Tempo searches its backend only within one (default: the last 7 days). */
  startSec?: number;
  endSec?: number;
  /** Traces fetched at once. */
  concurrency?: number;
  /** Most traces the search may return. */
  limit?: number;
}

/** A failure to talk to Tempo, with the URL it concerns. */
export class TempoError extends TraceStoreError {
  override readonly name: string = 'TempoError';
}

/** A search result's `traceID`: hex with its leading zeros dropped → 32 hex digits. */
export function searchTraceId(id: string): string {
  return id.toLowerCase().padStart(32, '0');
}

type Json = Record<string, unknown>;

async function getJson(url: string): Promise<Json> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new TempoError(`${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) throw new TempoError(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  try {
    return JSON.parse(body) as Json;
  } catch {
    throw new TempoError(`${url}: not JSON: ${body.slice(0, 200)}`);
  }
}

/** The TraceQL query for a run's task trials. */
export function runQuery(runId: string): string {
  return `{ resource.tau2.run.id = ${JSON.stringify(runId)} && span.tau2.kind = "task" }`;
}

/** Every span of every task trace of run `runId` in the Tempo at `baseUrl`. */
export async function readTempoRun(
  baseUrl: string,
  runId: string,
  options: TempoReadOptions = {},
): Promise<SpoolSpan[]> {
  const base = baseUrl.replace(/\/+$/, '');
  const end = options.endSec ?? Math.ceil(Date.now() / 1000) + 60;
  const start = options.startSec ?? end - 7 * 24 * 3600;
  const limit = options.limit ?? 100_000;
  const q = new URLSearchParams({
    q: runQuery(runId),
    start: String(start),
    end: String(end),
    limit: String(limit),
    spss: '1',
  });
  const found = await getJson(`${base}/api/search?${q}`);
  const foundIds = ((found.traces ?? []) as Json[]).map((t) => String(t.traceID));
  // Each id becomes part of a URL path: one that is not a trace id (`../x`, `?q=`) must not choose the request.
  const odd = foundIds.find((id) => !/^[0-9a-fA-F]{1,32}$/.test(id));
  if (odd !== undefined) throw new TempoError(`${base}/api/search: ${JSON.stringify(odd)} is not a trace id`);
  const ids = [...new Set(foundIds.map(searchTraceId))];
  if (ids.length >= limit) throw new TempoError(`${base}: more than ${limit} traces; narrow the window`);
  const spans: SpoolSpan[] = [];
  await mapPool(ids, options.concurrency ?? 8, async (id) => {
    const body = await getJson(`${base}/api/v2/traces/${id}`);
    const trace = (body.trace ?? body) as Json;
    for (const s of spansOfRequest(normaliseOtlpTraces(trace))) spans.push(s);
  });
  return spans;
}
