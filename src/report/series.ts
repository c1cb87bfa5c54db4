/**
 * Time series and scatter data of a report, reduced to a fixed size whatever the run's: requests in flight
 * and queue depth over time (time-weighted means over at most {@link BUCKETS} buckets), and TTFT against prompt
 * length (at most {@link SCATTER_POINTS} calls per kind, taken at an even stride).
 */

import { LLM_KINDS } from '../analyze/metrics.js';
import type { Trial } from '../analyze/trials.js';
import { Attr, SpanName } from '../telemetry/names.js';
import { r2 } from './flame.js';

/** Buckets of the over-time charts. */
export const BUCKETS = 600;
/** Points per kind of the TTFT scatter. */
export const SCATTER_POINTS = 4000;

/** Requests in flight and waiting in the queue over the run. */
export interface LoadSeries {
  /** Bucket starts, seconds from the run's start. */
  t: number[];
  inflight: number[];
  /** Undefined without the server's spans: only the server knows its queue. */
  queue: number[] | undefined;
  /** `server` when from the server's llm_request spans, `client` when from the LLM call spans. */
  from: 'server' | 'client';
}

/** Time-weighted mean of the number of open intervals in each of `buckets` equal buckets of [t0, t1]. */
export function meanLevel(
  intervals: readonly [number, number][],
  t0: number,
  t1: number,
  buckets: number,
): number[] {
  const width = (t1 - t0) / buckets;
  const area = new Float64Array(buckets);
  if (width <= 0) return Array.from(area);
  for (const [a, b] of intervals) {
    // Each interval adds 1 × its overlap to every bucket it touches.
    const first = Math.max(0, Math.floor((a - t0) / width));
    const last = Math.min(buckets - 1, Math.floor((b - t0) / width));
    for (let i = first; i <= last; i++) {
      const lo = t0 + i * width;
      area[i]! += Math.max(0, Math.min(b, lo + width) - Math.max(a, lo));
    }
  }
  return Array.from(area, (x) => r2(x / width));
}

/** What one pass over a run's spans collects for the series (intervals in seconds from the run's start). */
export interface CallScan {
  server: [number, number][];
  queue: [number, number][];
  client: [number, number][];
  /** `[input tokens, TTFT ms]` of streamed LLM calls, by kind. */
  ttft: Map<string, [number, number][]>;
  /** LLM call spans (`chat …`). */
  llmCalls: number;
}

const LLM = new Set<unknown>(LLM_KINDS);

/**
 * Collects, in one pass over every span of `trials` (one pass, not one per chart: a 300,000-span run spends
 * most of a report's time walking spans), the intervals and points of the series below.
 */
export function scanCalls(trials: readonly Trial[], origin: bigint): CallScan {
  const scan: CallScan = { server: [], queue: [], client: [], ttft: new Map(), llmCalls: 0 };
  const rel = (t: bigint) => Number(t - origin) / 1e9;
  for (const trial of trials) {
    const stack = [trial.root];
    for (let node = stack.pop(); node; node = stack.pop()) {
      for (const c of node.children) stack.push(c);
      const span = node.span;
      if (span.name === SpanName.llmRequest) {
        const start = rel(span.startNs);
        scan.server.push([start, rel(span.endNs)]);
        const q = span.attributes[Attr.latencyTimeInQueue];
        if (typeof q === 'number' && q >= 0) scan.queue.push([start, start + q]);
        continue;
      }
      const a = span.attributes;
      const kind = a[Attr.kind];
      if (!LLM.has(kind) || span.name === SpanName.attempt) continue;
      scan.llmCalls++;
      scan.client.push([rel(span.startNs), rel(span.endNs)]);
      const ttft = a[Attr.ttftMs];
      const tokens = a[Attr.genAiInputTokens];
      if (typeof ttft !== 'number' || typeof tokens !== 'number') continue;
      let list = scan.ttft.get(kind as string);
      if (!list) {
        list = [];
        scan.ttft.set(kind as string, list);
      }
      list.push([tokens, r2(ttft)]);
    }
  }
  return scan;
}

/** The load series of a scan; `t1` is the run's length in seconds. */
export function loadSeries(scan: CallScan, t1: number): LoadSeries {
  const buckets = Math.max(1, Math.min(BUCKETS, Math.ceil(t1 * 10)));
  const t = Array.from({ length: buckets }, (_, i) => r2((i * t1) / buckets));
  if (scan.server.length > 0) {
    const inflight = meanLevel(scan.server, 0, t1, buckets);
    return { t, inflight, queue: meanLevel(scan.queue, 0, t1, buckets), from: 'server' };
  }
  return { t, inflight: meanLevel(scan.client, 0, t1, buckets), queue: undefined, from: 'client' };
}

/** TTFT (ms) against prompt tokens, per LLM kind: `[tokens, ttft]` pairs, and how many calls each stands for. */
export interface TtftScatter {
  kind: string;
  points: [number, number][];
  /** Calls with both values; `points` holds all of them or an even stride through them. */
  calls: number;
}

/** The TTFT scatter of a scan, at most {@link SCATTER_POINTS} points per kind. */
export function ttftScatter(scan: CallScan): TtftScatter[] {
  return LLM_KINDS.filter((k) => scan.ttft.has(k)).map((kind) => {
    const all = scan.ttft.get(kind)!;
    const stride = Math.max(1, Math.ceil(all.length / SCATTER_POINTS));
    return { kind, points: all.filter((_, i) => i % stride === 0), calls: all.length };
  });
}
