/**
 * Runs the planned task trials with bounded concurrency, skipping those already finished (resume), and
 * records each finished trial in results.json as soon as it ends. Cancelled trials are not recorded: a
 * resume runs them again.
 */
import { join } from 'node:path';
import type { Context, Tracer } from '@opentelemetry/api';
import type { Domain, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import type { GenAiInstruments } from '../telemetry/metrics.js';
import { Attr } from '../telemetry/names.js';
import { runTrial, type TrialResult, type TrialSettings } from './orchestrator.js';
import { RESULTS_FILE, type ResultsFile, trialKey, writeJsonAtomic } from './rundir.js';
import type { RunStats } from './stats.js';

/** One planned trial. */
export interface PlannedTrial {
  domain: Domain;
  task: Task;
  trial: number;
}

/** Trials in legacy order: for each trial number, the first `numTasks` tasks of each domain. */
export function planTrials(
  domains: Domain[],
  numTrials: number,
  numTasks?: number,
  taskIds?: string[],
): PlannedTrial[] {
  const out: PlannedTrial[] = [];
  for (let trial = 1; trial <= numTrials; trial++) {
    for (const domain of domains) {
      let tasks = taskIds ? domain.tasks.filter((t) => taskIds.includes(t.id)) : domain.tasks;
      if (numTasks !== undefined) tasks = tasks.slice(0, numTasks);
      for (const task of tasks) out.push({ domain, task, trial });
    }
  }
  return out;
}

/** Options of {@link runTrials}. */
export interface RunnerOptions {
  planned: PlannedTrial[];
  finished: TrialResult[];
  concurrency: number;
  runDir: string;
  runId: string;
  settings: TrialSettings;
  tracer: Tracer;
  instruments: GenAiInstruments;
  chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult>;
  stats: RunStats;
  /** Aborting stops new trials and cancels running ones. */
  signal: AbortSignal;
  onTrialDone?(result: TrialResult): void;
  /** Called after a trial's spans must be on disk and before its result is recorded. */
  flushSpans(): void;
}

export function writeResults(runDir: string, runId: string, total: number, results: TrialResult[]): void {
  const rewards = results.map((r) => r.reward);
  const file: ResultsFile = {
    run_id: runId,
    updated_at: new Date().toISOString(),
    total_trials: total,
    finished_trials: results.length,
    mean_reward: rewards.length ? rewards.reduce((a, b) => a + b, 0) / rewards.length : null,
    results,
  };
  writeJsonAtomic(join(runDir, RESULTS_FILE), file);
}

/** Runs what is left of the plan; resolves with every finished result (old and new). */
export async function runTrials(o: RunnerOptions): Promise<TrialResult[]> {
  const results = [...o.finished];
  const done = new Set(results.map(trialKey));
  const todo = o.planned.filter(
    (p) => !done.has(trialKey({ domain: p.domain.name, task_id: p.task.id, trial: p.trial })),
  );
  // The run's size, so a dashboard can show done/total; a resumed run states it again (a gauge, not a sum).
  o.instruments.tasksPlanned(o.planned.length, { [Attr.runId]: o.runId });
  let next = 0;
  async function worker(): Promise<void> {
    while (!o.signal.aborted && next < todo.length) {
      const p = todo[next++]!;
      const result = await runTrial({
        domain: p.domain,
        task: p.task,
        trial: p.trial,
        settings: o.settings,
        tracer: o.tracer,
        chat: o.chat,
        signal: o.signal,
        onLlmCall: (kind, r) => o.stats.onLlmCall(kind, r),
      });
      if (result.termination_reason === 'cancelled') continue;
      o.flushSpans();
      results.push(result);
      writeResults(o.runDir, o.runId, o.planned.length, results);
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
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, worker));
  return results;
}
