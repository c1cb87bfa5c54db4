/**
 * Time series and scatter data of a report, reduced to a fixed size whatever the run's: requests in flight
 * and queue depth over time (time-weighted means over at most {@link BUCKETS} buckets), and TTFT against prompt
 * length (at most {@link SCATTER_POINTS} calls per kind, taken at an even stride).
 */

import { LLM_KINDS } from '../analyze/metrics.js';
import type { Trial } from '../analyze/trials.js';
import { walk } from '../analyze/trials.js';
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

/** The load series of `trials`; times in ns are taken from `origin`. */
export function loadSeries(trials: readonly Trial[], origin: bigint, end: bigint): LoadSeries {
  const server: [number, number][] = [];
  const queue: [number, number][] = [];
  const client: [number, number][] = [];
  const rel = (t: bigint) => Number(t - origin) / 1e9;
  for (const trial of trials) {
    for (const { span } of walk(trial.root)) {
      if (span.name === SpanName.llmRequest) {
        server.push([rel(span.startNs), rel(span.endNs)]);
        const q = span.attributes[Attr.latencyTimeInQueue];
        if (typeof q === 'number' && q >= 0) queue.push([rel(span.startNs), rel(span.startNs) + q]);
      } else if ((LLM_KINDS as readonly unknown[]).includes(span.attributes[Attr.kind])) {
        client.push([rel(span.startNs), rel(span.endNs)]);
      }
    }
  }
  const t1 = rel(end);
  const buckets = Math.max(1, Math.min(BUCKETS, Math.ceil(t1 * 10)));
  const t = Array.from({ length: buckets }, (_, i) => r2((i * t1) / buckets));
  if (server.length > 0) {
    return {
      t,
      inflight: meanLevel(server, 0, t1, buckets),
      queue: meanLevel(queue, 0, t1, buckets),
      from: 'server',
    };
  }
  return { t, inflight: meanLevel(client, 0, t1, buckets), queue: undefined, from: 'client' };
}

/** TTFT (ms) against prompt tokens, per LLM kind: `[tokens, ttft]` pairs, and how many calls each stands for. */
export interface TtftScatter {
  kind: string;
  points: [number, number][];
  /** Calls with both values; `points` holds all of them or an even stride through them. */
  calls: number;
}

/** The TTFT scatter of `trials`' streamed LLM calls. */
export function ttftScatter(trials: readonly Trial[]): TtftScatter[] {
  const byKind = new Map<string, [number, number][]>();
  for (const trial of trials) {
    for (const { span } of walk(trial.root)) {
      const a = span.attributes;
      const kind = a[Attr.kind];
      if (typeof kind !== 'string' || !(LLM_KINDS as readonly string[]).includes(kind)) continue;
      const ttft = a[Attr.ttftMs];
      const tokens = a[Attr.genAiInputTokens];
      if (typeof ttft !== 'number' || typeof tokens !== 'number') continue;
      let list = byKind.get(kind);
      if (!list) {
        list = [];
        byKind.set(kind, list);
      }
      list.push([tokens, r2(ttft)]);
    }
  }
  return LLM_KINDS.filter((k) => byKind.has(k)).map((kind) => {
    const all = byKind.get(kind)!;
    const stride = Math.max(1, Math.ceil(all.length / SCATTER_POINTS));
    return { kind, points: all.filter((_, i) => i % stride === 0), calls: all.length };
  });
}
