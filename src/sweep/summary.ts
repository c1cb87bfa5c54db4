/**
 * The sweep summary: per level, tasks per minute, the agent's TTFT and queue p50/p95 and task duration
 * p50/p95, all from the level's spans through the analysis every other command uses (openRun's counted
 * traces, analyze/metrics.ts), and the knee (knee.ts). Levels that did not finish are listed, not measured.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runMetrics, summarize } from '../analyze/metrics.js';
import { runTrials, type Trial } from '../analyze/trials.js';
import { openRun } from '../export/sources.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { DataError } from '../util/errors.js';
import { findKnee, KNEE_RULE, type Knee } from './knee.js';
import type { LevelState, SweepFile } from './sweep-file.js';

/** p50 and p95 of a metric, ms. */
export interface P50P95 {
  p50: number;
  p95: number;
  count: number;
}

/** One level of the summary. */
export interface LevelSummary {
  concurrency: number;
  /** The level's run directory, relative to the sweep directory. */
  dir: string;
  runId: string;
  state: LevelState;
  /** Counted task trials in its spans. */
  trials?: number;
  /** Time during which at least one trial was running (the union of task spans), ms. */
  busyMs?: number;
  /** trials / busy minutes. */
  tasksPerMinute?: number;
  /** The agent's (`llm_call`) time to first chunk, and time in the server's queue. */
  ttft?: P50P95 | null;
  queue?: P50P95 | null;
  taskDuration?: P50P95 | null;
}

/** summary.json. */
export interface SweepSummary {
  sweepId: string;
  rule: string;
  knee: Knee;
  levels: LevelSummary[];
  /** Sentences a reader should know (levels not finished, queue unknown…). */
  notes: string[];
}

/** Milliseconds during which at least one of the trials ran: a resumed level's pause is not counted. */
export function busyMs(trials: readonly Trial[]): number {
  const spans = trials
    .map((t) => [t.startNs, t.endNs] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let total = 0n;
  let start: bigint | undefined;
  let end = 0n;
  for (const [s, e] of spans) {
    if (start === undefined || s > end) {
      if (start !== undefined) total += end - start;
      start = s;
      end = e;
    } else if (e > end) end = e;
  }
  if (start !== undefined) total += end - start;
  return Number(total) / 1e6;
}

function p50p95(values: number[]): P50P95 | null {
  const s = summarize(values);
  return s ? { p50: s.p50, p95: s.p95, count: s.count } : null;
}

/** Measures one finished level from its spool; `notes` gets what the reader should know. */
async function measureLevel(sweepDir: string, level: SweepFile['levels'][number], notes: string[]) {
  const spool = join(sweepDir, level.dir, SPOOL_FILE);
  if (!existsSync(spool))
    throw new DataError(`${spool}: missing; the sweep summary reads each level's spans`);
  const run = await openRun({ kind: 'spool', path: spool });
  const trials = runTrials(run.spans ?? []);
  const { metrics, server } = runMetrics(trials);
  const values = (name: string) => metrics.find((m) => m.name === name)!.samples.map((s) => s.value);
  if (server.state !== 'present') notes.push(`c=${level.concurrency}: ${server.note}`);
  const busy = busyMs(trials);
  return {
    trials: trials.length,
    busyMs: busy,
    tasksPerMinute: busy > 0 ? trials.length / (busy / 60_000) : 0,
    ttft: p50p95(values('llm_call.ttft')),
    queue: p50p95(values('llm_call.queue')),
    taskDuration: p50p95(values('task.duration')),
  };
}

/** The summary of a sweep directory as sweep.json describes it. */
export async function summarizeSweep(sweepDir: string, file: SweepFile): Promise<SweepSummary> {
  const notes: string[] = [];
  const levels: LevelSummary[] = [];
  for (const level of file.levels) {
    const base = { concurrency: level.concurrency, dir: level.dir, runId: level.runId, state: level.state };
    if (level.state !== 'done') {
      notes.push(`c=${level.concurrency} is ${level.state}: not measured (resume the sweep to finish it)`);
      levels.push(base);
      continue;
    }
    levels.push({ ...base, ...(await measureLevel(sweepDir, level, notes)) });
  }
  const measured = levels.filter((l) => l.tasksPerMinute !== undefined);
  const knee = findKnee(
    measured.map((l) => ({
      concurrency: l.concurrency,
      tasksPerMinute: l.tasksPerMinute!,
      ttftP95: l.ttft?.p95,
    })),
  );
  return { sweepId: file.sweep_id, rule: KNEE_RULE, knee, levels, notes };
}
