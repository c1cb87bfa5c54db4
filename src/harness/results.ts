/**
 * The results of a run: `results.jsonl`, a journal with one line per recorded trial appended as the trial is
 * recorded (O(1) per trial, whole lines only), and `results.json`, the summary readers open, rewritten
 * atomically from the journal's state at most every second or so and when the run ends. `--resume` reads
 * both, the journal winning, so a crash between two rewrites loses nothing.
 *
 * A trial key (domain, task, trial) may be recorded more than once: a resume runs failed trials again, and
 * the later row replaces the earlier one in `results.json` (the journal keeps both).
 */
import { closeSync, existsSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openLinesForAppend } from '../util/append.js';
import { UsageError } from '../util/errors.js';
import { leaderboard } from './metrics.js';
import type { TrialResult } from './orchestrator.js';
import { RESULTS_FILE, type ResultsFile, trialKey, writeJsonAtomic } from './rundir.js';

export const RESULTS_JOURNAL = 'results.jsonl';

/** Where the results of one run are kept. */
export interface ResultsStore {
  /** The latest row of every recorded trial, in the order they were first recorded. */
  rows(): TrialResult[];
  /** Appends `result` to the journal and, when due, rewrites `results.json`. */
  record(result: TrialResult): void;
  /** Rewrites `results.json` now (end of the run) and closes the journal. */
  close(): void;
}

function checkRow(row: unknown, where: string): TrialResult {
  const r = row as Partial<TrialResult> | null;
  const bad = (what: string) => new UsageError(`${where}: ${what}; fix or remove that row to resume`);
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw bad('not a result object');
  if (typeof r.task_id !== 'string' || r.task_id === '') throw bad('no "task_id" string');
  if (typeof r.domain !== 'string' || r.domain === '') throw bad('no "domain" string');
  if (typeof r.trial !== 'number' || !Number.isSafeInteger(r.trial) || r.trial < 1)
    throw bad('no positive integer "trial"');
  if (typeof r.termination_reason !== 'string') throw bad('no "termination_reason"');
  if (typeof r.reward !== 'number') throw bad('no numeric "reward"');
  return r as TrialResult;
}

/** Rows already recorded in `dir` (results.json, then the journal), validated, latest per trial key. */
export function readRecorded(dir: string): TrialResult[] {
  const rows = new Map<string, TrialResult>();
  const summary = join(dir, RESULTS_FILE);
  if (existsSync(summary)) {
    let data: Partial<ResultsFile>;
    try {
      data = JSON.parse(readFileSync(summary, 'utf8')) as Partial<ResultsFile>;
    } catch (err) {
      throw new UsageError(`${summary}: not valid JSON (${(err as Error).message})`);
    }
    if (!data || !Array.isArray(data.results)) throw new UsageError(`${summary}: no "results" list`);
    data.results.forEach((row, i) => {
      const r = checkRow(row, `${summary}: results[${i}]`);
      rows.set(trialKey(r), r);
    });
  }
  const journal = join(dir, RESULTS_JOURNAL);
  if (existsSync(journal)) {
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        // Only the last line can be torn (a crash in the middle of an append): that trial runs again.
        if (i >= lines.length - 2) return;
        throw new UsageError(`${journal}:${i + 1}: not valid JSON; fix or remove that line to resume`);
      }
      const r = checkRow(row, `${journal}:${i + 1}`);
      rows.set(trialKey(r), r);
    });
  }
  return [...rows.values()];
}

/** The summary written as `results.json`. */
export function resultsSummary(runId: string, total: number, rows: TrialResult[]): ResultsFile {
  const board = leaderboard(rows);
  return {
    run_id: runId,
    updated_at: new Date().toISOString(),
    total_trials: total,
    finished_trials: rows.length,
    failed_trials: board.excluded_failed_trials,
    mean_reward: board.avg_reward,
    pass_hat_k: board.pass_hat_k,
    results: rows,
  };
}

/**
 * Opens the results of `runDir` for recording, starting from `previous` (the rows a resume found). Writes
 * `results.json` at once, so a run directory always has one.
 */
export function openResults(
  runDir: string,
  runId: string,
  total: number,
  previous: TrialResult[] = [],
): ResultsStore {
  const rows = new Map(previous.map((r) => [trialKey(r), r]));
  const journalPath = join(runDir, RESULTS_JOURNAL);
  let fd: number | undefined = openLinesForAppend(journalPath);
  let lastWrite = 0;
  let lastCost = 0;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  // A rewrite that failed on the timer is thrown by the next record() or close(), not lost.
  let deferred: unknown;

  function rewrite(): void {
    clearTimeout(timer);
    timer = undefined;
    const t0 = performance.now();
    writeJsonAtomic(join(runDir, RESULTS_FILE), resultsSummary(runId, total, [...rows.values()]));
    lastWrite = performance.now();
    lastCost = lastWrite - t0;
    dirty = false;
  }
  rewrite();

  return {
    rows: () => [...rows.values()],
    record(result) {
      if (fd === undefined) throw new Error('results store is closed');
      if (deferred) throw deferred;
      writeSync(fd, `${JSON.stringify(result)}\n`);
      rows.set(trialKey(result), result);
      dirty = true;
      // A rewrite costs O(rows); spacing rewrites by 20x their cost keeps that under 5 % of the run.
      const wait = Math.max(1000, 20 * lastCost) - (performance.now() - lastWrite);
      if (wait <= 0) rewrite();
      else
        timer ??= setTimeout(() => {
          try {
            if (dirty) rewrite();
          } catch (err) {
            deferred = err;
          }
        }, wait).unref();
    },
    close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      rewrite();
    },
  };
}
