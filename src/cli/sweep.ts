/**
 * `tau2-trace sweep`: a shell over {@link startSweep}. It turns the run flags into settings (the concurrency
 * levels from `--max-concurrency 8,16,32`), handles Ctrl-C / SIGTERM (finished levels stay; `--resume` goes
 * on), draws one progress bar per level, and prints the summary table and where the files are.
 */
import Table from 'cli-table3';
import type { RunSettings } from '../harness/run-settings.js';
import type { LevelSummary, P50P95, SweepSummary } from '../sweep/summary.js';
import { startSweep } from '../sweep/sweep.js';
import { readSweepFile } from '../sweep/sweep-file.js';
import { UsageError } from '../util/errors.js';
import { flagOf } from './errors.js';
import { createProgress, type Progress } from './progress.js';
import { checkServeFlags } from './serve-flags.js';

/** The sweep's flags: every run flag, with the concurrency as a list of levels. */
export interface SweepOptions extends Omit<RunSettings, 'maxConcurrency'> {
  maxConcurrency: number[];
  allowErrors: boolean;
  quiet: boolean;
}

/** Flags that may accompany `--resume`: they change how the sweep is watched, not what it measures. */
const RESUME_FLAGS = new Set(['resume', 'quiet', 'allowErrors']);

const ms = (v: number | undefined) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
const pair = (p: P50P95 | null | undefined, q: 'p50' | 'p95') => ms(p?.[q]);

/** The summary as a console table, then the knee's sentence and the notes. */
export function sweepTable(summary: SweepSummary, color = false): string {
  const table = new Table({
    head: [
      'c',
      'state',
      'trials',
      'tasks/min',
      'TTFT p50',
      'TTFT p95',
      'queue p50',
      'queue p95',
      'task p50',
      'task p95',
    ],
    ...(color ? {} : { style: { head: [], border: [] } }),
  });
  const row = (l: LevelSummary) => [
    `${l.concurrency}${summary.knee.concurrency === l.concurrency ? ' (knee)' : ''}`,
    l.state,
    l.trials === undefined ? '-' : String(l.trials),
    l.tasksPerMinute === undefined ? '-' : l.tasksPerMinute.toFixed(1),
    pair(l.ttft, 'p50'),
    pair(l.ttft, 'p95'),
    pair(l.queue, 'p50'),
    pair(l.queue, 'p95'),
    pair(l.taskDuration, 'p50'),
    pair(l.taskDuration, 'p95'),
  ];
  for (const l of summary.levels) table.push(row(l));
  const notes = summary.notes.map((n) => `note: ${n}\n`).join('');
  return `${table.toString()}\n(times in ms; TTFT and queue are the agent's calls)\n${summary.knee.verdict}\n${notes}`;
}

/** `--resume` takes the sweep's stored settings: other flags may not contradict them. */
function checkResume(o: SweepOptions, explicit: string[]): void {
  const clashing = explicit.filter((name) => !RESUME_FLAGS.has(name));
  if (clashing.length > 0) {
    throw new UsageError(
      `--resume continues the sweep with the settings stored in its sweep.json; ${clashing.map(flagOf).join(', ')} ` +
        'cannot change them (start a new sweep instead)',
    );
  }
  readSweepFile(o.resume!);
}

/** Runs a sweep; resolves with the exit code (as `run`: 130/143 when signalled, 3 when levels did not finish). */
export async function sweepCommand(
  o: SweepOptions,
  env: NodeJS.ProcessEnv = process.env,
  explicit: string[] = [],
) {
  if (o.resume !== undefined) checkResume(o, explicit);
  else checkServeFlags(o.serve, explicit);
  const { quiet, allowErrors, maxConcurrency: levels, ...rest } = o;
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
    signalled = sig;
    process.stderr.write(`\n${sig}: stopping the sweep; finished levels are kept…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let progress: Progress | undefined;
  try {
    const report = await startSweep({ ...rest, maxConcurrency: levels[0] ?? 1 }, levels, {
      env,
      signal: controller.signal,
      onNotice: (text) => process.stderr.write(text),
      onLevelStart: (level, run) => {
        if (!quiet) process.stderr.write(`c=${level.concurrency}: ${run.runDir}\n`);
        progress = createProgress(run.planned, run.alreadyDone, run.stats, quiet);
      },
      onTrialDone: () => progress?.tick(),
      onLevelDone: () => {
        progress?.stop();
        progress = undefined;
      },
    });
    if (!quiet) process.stderr.write(sweepTable(report.summary, process.stderr.isTTY));
    process.stdout.write(
      `sweep directory: ${report.sweepDir}\n  summary: ${report.files.summary}\n` +
        report.files.charts.map((c) => `  chart:   ${c}\n`).join('') +
        (report.levels.some((l) => l.state !== 'done')
          ? `finish with: tau2-trace sweep --resume ${report.sweepDir}\n`
          : ''),
    );
    if (signalled) return signalled === 'SIGINT' ? 130 : 143;
    return report.levels.every((l) => l.state === 'done') || allowErrors ? 0 : 3;
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
