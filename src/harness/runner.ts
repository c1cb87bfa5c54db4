/**
 * Runs the planned task trials with bounded concurrency, skipping those already recorded (resume), and
 * records each trial with its trace as soon as it ends. Cancelled trials are not recorded: a resume runs them
 * again, as it runs again trials that failed (see {@link trialFailed}).
 *
 * The workers own nothing they close: the caller closes the LLM client and telemetry only after
 * {@link runTrials} has settled, and runTrials settles only once every worker has stopped. A worker that hits
 * an error (results cannot be written, spans cannot be flushed) aborts the others before the error is thrown.
 */
import { setMaxListeners } from 'node:events';
import type { Context, Tracer } from '@opentelemetry/api';
import type { Domain, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import type { GenAiInstruments } from '../telemetry/metrics.js';
import { Attr } from '../telemetry/names.js';
import { UsageError } from '../util/errors.js';
import { mapPool } from '../util/pool.js';
import { runTrial, type TrialResult, type TrialSettings, trialFailed } from './orchestrator.js';
import type { ResultsStore } from './results.js';
import { trialKey } from './rundir.js';
import type { RunStats } from './stats.js';

/** One planned trial. */
export interface PlannedTrial {
  domain: Domain;
  task: Task;
  trial: number;
}

/** The most trials one run may plan: its plan and results are held in memory. */
export const MAX_PLANNED_TRIALS = 1_000_000;

/** Trials in legacy order: for each trial number, the first `numTasks` tasks of each domain. */
export function planTrials(
  domains: Domain[],
  numTrials: number,
  numTasks?: number,
  taskIds?: string[],
): PlannedTrial[] {
  const selected = domains.map((domain) => {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const t of domain.tasks) (seen.has(t.id) ? dup : seen).add(t.id);
    // Trials are identified by domain, task id and trial number: a repeated id would make two tasks one.
    if (dup.size > 0) {
      throw new UsageError(`domain ${domain.name}: task ids repeat (${[...dup].slice(0, 5).join(', ')})`);
    }
    let tasks = taskIds ? domain.tasks.filter((t) => taskIds.includes(t.id)) : domain.tasks;
    if (numTasks !== undefined) tasks = tasks.slice(0, numTasks);
    return { domain, tasks };
  });
  const count = selected.reduce((n, s) => n + s.tasks.length, 0) * numTrials;
  if (count > MAX_PLANNED_TRIALS) {
    throw new UsageError(`${numTrials}: plans ${count} trials, more than ${MAX_PLANNED_TRIALS} in one run`, {
      field: 'numTrials',
    });
  }
  const out: PlannedTrial[] = [];
  for (let trial = 1; trial <= numTrials; trial++) {
    for (const { domain, tasks } of selected) for (const task of tasks) out.push({ domain, task, trial });
  }
  return out;
}

/** Options of {@link runTrials}. */
export interface RunnerOptions {
  planned: PlannedTrial[];
  results: ResultsStore;
  concurrency: number;
  runId: string;
  settings: TrialSettings;
  tracer: Tracer;
  instruments: GenAiInstruments;
  chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult>;
  stats: RunStats;
  /** Aborting stops new trials and cancels running ones. */
  signal: AbortSignal;
  onTrialDone?(result: TrialResult): void;
  /** Puts a finished trial's spans on disk; throws when it cannot (the result is then not recorded). */
  flushSpans(): void;
  /** Says why the run must stop after this result (an endpoint that refuses the run as a whole), if it must. */
  stopAfter?(result: TrialResult): string | undefined;
}

/** How {@link runTrials} ended. */
export interface RunnerOutcome {
  /** The latest row of every recorded trial (old and new). */
  results: TrialResult[];
  /** Why the run stopped before its plan was done, when {@link RunnerOptions.stopAfter} said so. */
  stopped?: string;
}

/** The trials of `planned` that still have to run: never recorded, or recorded as failed. */
export function remainingTrials(planned: PlannedTrial[], recorded: TrialResult[]): PlannedTrial[] {
  const done = new Set(recorded.filter((r) => !trialFailed(r)).map(trialKey));
  return planned.filter(
    (p) => !done.has(trialKey({ domain: p.domain.name, task_id: p.task.id, trial: p.trial })),
  );
}

/** Runs what is left of the plan. Throws only after every worker has stopped. */
export async function runTrials(o: RunnerOptions): Promise<RunnerOutcome> {
  const todo = remainingTrials(o.planned, o.results.rows());
  // The run's size, so a dashboard can show done/total; a resumed run states it again (a gauge, not a sum).
  o.instruments.tasksPlanned(o.planned.length, { [Attr.runId]: o.runId });
  const stop = new AbortController();
  // Every running trial listens for the stop: as many as --max-concurrency, by design.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  if (o.signal.aborted) stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  const run: RunStop = { stop, stopped: undefined };
  // A failure (the results file cannot be written) cancels the running trials too.
  const guarded = async (p: PlannedTrial) => {
    try {
      await playTrial(o, p, run);
    } catch (error) {
      stop.abort();
      throw error;
    }
  };
  try {
    await mapPool(todo, o.concurrency, guarded, { signal: stop.signal });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
  return { results: o.results.rows(), ...(run.stopped !== undefined ? { stopped: run.stopped } : {}) };
}

/** How the workers stop: the caller's signal or a run-wide failure aborts `stop`; `stopped` says why. */
interface RunStop {
  stop: AbortController;
  /** The first run-wide failure's reason ({@link RunnerOptions.stopAfter}). */
  stopped: string | undefined;
}

/** Runs one trial and records it (spans, result, metrics, stats); a cancelled trial is left for a resume. */
async function playTrial(o: RunnerOptions, p: PlannedTrial, run: RunStop): Promise<void> {
  const result = await runTrial({
    domain: p.domain,
    task: p.task,
    trial: p.trial,
    settings: o.settings,
    tracer: o.tracer,
    chat: o.chat,
    signal: run.stop.signal,
    onLlmCall: (kind, r) => o.stats.onLlmCall(kind, r),
  });
  if (result.termination_reason === 'cancelled') return;
  // Spans first: a recorded result always has its trace on disk.
  o.flushSpans();
  o.results.record(result);
  o.instruments.taskCompleted(
    {
      [Attr.domain]: result.domain,
      [Attr.runId]: o.runId,
      [Attr.taskTermination]: result.termination_reason,
    },
    result.reward,
  );
  o.stats.onTrial(result);
  o.onTrialDone?.(result);
  const why = o.stopAfter?.(result);
  if (why !== undefined && run.stopped === undefined) {
    run.stopped = why;
    run.stop.abort();
  }
}
