/**
 * A sweep level's figures read independently of src/: the spool through the plain reader of the analysis
 * tests (test/analyze/sim-run.ts), the counted-trace rule applied by hand (cancelled task spans out, the
 * last-ended trace of a trial in), and quantiles by numpy's linear rule written out here.
 */
import { join } from 'node:path';
import { type RawSpan, rawSpans } from '../analyze/sim-run.js';

/** numpy's default quantile (linear between order statistics). */
export function q(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** What a level's summary row should say. */
export interface LevelFigures {
  trials: number;
  tasksPerMinute: number;
  ttft: number[];
  queue: number[];
  taskDuration: number[];
}

/** The task spans that count: not cancelled, and per trial the one that ended last. */
function countedTasks(spans: RawSpan[]): RawSpan[] {
  const byTrial = new Map<string, RawSpan>();
  for (const s of spans) {
    if (s.name !== 'task' || s.parent !== undefined) continue;
    if (s.attrs['tau2.task.termination_reason'] === 'cancelled') continue;
    const key = `${s.attrs['tau2.domain']}/${s.attrs['tau2.task.id']}/${s.attrs['tau2.trial']}`;
    const seen = byTrial.get(key);
    if (!seen || s.endMs > seen.endMs) byTrial.set(key, s);
  }
  return [...byTrial.values()];
}

/** Length of the union of [start, end] intervals. */
function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [s, e] of sorted) {
    if (!cur || s > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [s, e];
    } else cur[1] = Math.max(cur[1], e);
  }
  return cur ? total + cur[1] - cur[0] : total;
}

/** The level's figures from its run directory. */
export function readLevel(runDir: string): LevelFigures {
  const spans = rawSpans(runDir);
  const tasks = countedTasks(spans);
  const traces = new Set(tasks.map((t) => t.traceId));
  const inTrace = spans.filter((s) => traces.has(s.traceId));
  const calls = inTrace.filter((s) => s.attrs['tau2.kind'] === 'llm_call' && s.name !== 'attempt');
  const ttft = calls
    .map((c) => c.attrs['tau2.llm.ttft_ms'])
    .filter((v): v is number => typeof v === 'number');
  const queue: number[] = [];
  for (const c of calls) {
    const served = inTrace.filter((s) => s.parent === c.spanId && s.name === 'llm_request');
    const last = served.at(-1);
    const v = last?.attrs['gen_ai.latency.time_in_queue'];
    if (typeof v === 'number') queue.push(v * 1000);
  }
  const busy = unionMs(tasks.map((t) => [t.startMs, t.endMs]));
  return {
    trials: tasks.length,
    tasksPerMinute: tasks.length / (busy / 60_000),
    ttft,
    queue,
    taskDuration: tasks.map((t) => t.endMs - t.startMs),
  };
}

export const levelPath = (sweepDir: string, c: number) => join(sweepDir, `c${c}`);
