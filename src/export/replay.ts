/**
 * Sends a spool (`spans.otlp.jsonl`) to a collector: each line already is an OTLP/JSON
 * `ExportTraceServiceRequest`, so it is POSTed as it is to `/v1/traces`. Progress is recorded beside the
 * spool (`replay.json`: per endpoint, the lines and spans delivered), which makes a replay idempotent per run
 * and endpoint: a second replay sends nothing, an interrupted one resumes after the last delivered line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeJsonAtomic } from '../harness/rundir.js';
import { readLines } from './lines.js';

/** What `replay.json` records per endpoint. */
export interface ReplayProgress {
  lines: number;
  spans: number;
  complete: boolean;
  at: string;
}

/** Result of {@link replaySpool}. */
export interface ReplayResult {
  url: string;
  /** Spans sent by this call. */
  sent: number;
  /** Spans delivered to this endpoint over all replays. */
  total: number;
  /** Lines that are not OTLP/JSON (e.g. torn by a crash), skipped. */
  badLines: number[];
  alreadyDone: boolean;
}

/** A collector that did not take a request, after retries. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const RETRIES = 5;
const RETRYABLE = new Set([429, 502, 503, 504]);

function spanCount(request: unknown): number {
  let n = 0;
  for (const rs of (request as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] })
    .resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  }
  return n;
}

async function post(url: string, body: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let status: number | string;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.ok) return;
      status = res.status;
      if (!RETRYABLE.has(res.status)) throw new ReplayError(`${url}: HTTP ${res.status}`);
    } catch (err) {
      if (err instanceof ReplayError) throw err;
      status = String((err as Error).cause ?? (err as Error).message);
    }
    if (attempt >= RETRIES) throw new ReplayError(`${url}: ${status} (after ${RETRIES} retries)`);
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
}

/** The traces URL of an OTLP/HTTP base URL (`http://host:4318` → `…/v1/traces`). */
export function tracesUrl(base: string): string {
  return base.endsWith('/v1/traces') ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** Replays `spool` to the collector at `baseUrl`; `force` sends everything again. */
export async function replaySpool(spool: string, baseUrl: string, force = false): Promise<ReplayResult> {
  const url = tracesUrl(baseUrl);
  const progressFile = join(dirname(spool), 'replay.json');
  const all: Record<string, ReplayProgress> = existsSync(progressFile)
    ? (JSON.parse(readFileSync(progressFile, 'utf8')) as Record<string, ReplayProgress>)
    : {};
  const before = force ? undefined : all[url];
  if (before?.complete) return { url, sent: 0, total: before.spans, badLines: [], alreadyDone: true };
  const progress: ReplayProgress = { lines: 0, spans: 0, complete: false, at: '', ...before };
  const save = () => {
    progress.at = new Date().toISOString();
    all[url] = progress;
    writeJsonAtomic(progressFile, all);
  };
  let sent = 0;
  const badLines: number[] = [];
  for (const [text, n] of readLines(spool)) {
    if (n <= progress.lines) continue;
    if (text.trim() !== '') {
      let spans: number | undefined;
      try {
        spans = spanCount(JSON.parse(text));
      } catch {
        badLines.push(n);
      }
      if (spans !== undefined) {
        try {
          await post(url, text);
        } catch (err) {
          save();
          throw err;
        }
        sent += spans;
        progress.spans += spans;
      }
    }
    progress.lines = n;
  }
  progress.complete = true;
  save();
  return { url, sent, total: progress.spans, badLines, alreadyDone: false };
}
