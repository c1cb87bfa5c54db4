/**
 * Reads a run's traces back from Jaeger v2's HTTP API v3 (`/api/v3/traces`), flattened to the spool's span
 * records. One search asks for the traces whose `task` span of service `tau2-harness` started in the window;
 * Jaeger answers with those traces whole (OTLP `TracesData` as protobuf-JSON, under `result`), so no second
 * request per trace is needed. Jaeger 2.12's HTTP gateway ignores attribute filters (jaegertracing/jaeger#7594),
 * so the run is picked here, by the task spans' resource attribute `tau2.run.id`. Traces are asked for raw:
 * Jaeger's adjusters (clock skew, span-id dedupe, sorting) would change what the harness recorded.
 */
import { Attr, Kind, ServiceName, SpanName } from '../telemetry/names.js';
import { TraceStoreError } from '../util/errors.js';
import { normaliseOtlpTraces } from './otlp-normalise.js';
import { type SpoolSpan, spansOfRequest } from './spool-reader.js';

/** Options of {@link readJaegerRun}. */
export interface JaegerReadOptions {
  /** Search window by task start (default: the last 7 days). */
  startSec?: number;
  endSec?: number;
  /** Most task traces (of every run in the window) the search may return. */
  limit?: number;
  /** `service.name` of the harness that made the run (default `tau2-harness`). */
  service?: string;
}

/** A failure to talk to Jaeger, with the URL it concerns. */
export class JaegerError extends TraceStoreError {
  override readonly name: string = 'JaegerError';
}

type Json = Record<string, unknown>;

/** Jaeger's answer when a search finds nothing: HTTP 404 with this message. */
const NOTHING_FOUND = /No traces found/;

/** GETs `url`; resolves with the parsed body, or `undefined` for Jaeger's "No traces found" 404. */
async function getJson(url: string): Promise<Json | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new JaegerError(`${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (res.status === 404 && NOTHING_FOUND.test(body)) return undefined;
  if (!res.ok) throw new JaegerError(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  try {
    return JSON.parse(body) as Json;
  } catch {
    throw new JaegerError(`${url}: not JSON: ${body.slice(0, 200)}`);
  }
}

/** The `/api/v3/traces` search for task traces of `service` that started in [startSec, endSec]. */
export function findTasksUrl(
  base: string,
  service: string,
  startSec: number,
  endSec: number,
  limit: number,
): string {
  const q = new URLSearchParams({
    'query.service_name': service,
    'query.operation_name': SpanName.task,
    'query.start_time_min': new Date(startSec * 1000).toISOString(),
    'query.start_time_max': new Date(endSec * 1000).toISOString(),
    'query.num_traces': String(limit),
    'query.raw_traces': 'true',
  });
  return `${base.replace(/\/+$/, '')}/api/v3/traces?${q}`;
}

/** Every span of every task trace of run `runId` in the Jaeger whose query API is at `baseUrl`. */
export async function readJaegerRun(
  baseUrl: string,
  runId: string,
  options: JaegerReadOptions = {},
): Promise<SpoolSpan[]> {
  const end = options.endSec ?? Math.ceil(Date.now() / 1000) + 60;
  const start = options.startSec ?? end - 7 * 24 * 3600;
  // Jaeger's memory store refuses a search deeper than the traces it holds (100000 in jaeger/config.yaml).
  const limit = options.limit ?? 10_000;
  const url = findTasksUrl(baseUrl, options.service ?? ServiceName.harness, start, end, limit);
  const body = await getJson(url);
  if (body === undefined) return [];
  const result = body.result;
  if (typeof result !== 'object' || result === null)
    throw new JaegerError(`${url}: no "result" in the answer`);
  const all = spansOfRequest(normaliseOtlpTraces(result as Json));
  const tasks = all.filter((s) => s.attributes[Attr.kind] === Kind.task);
  if (new Set(tasks.map((s) => s.traceId)).size >= limit) {
    throw new JaegerError(`${url}: ${limit} task traces or more in the window; narrow it`);
  }
  const ofRun = new Set(tasks.filter((s) => s.resource[Attr.runId] === runId).map((s) => s.traceId));
  return all.filter((s) => ofRun.has(s.traceId));
}
