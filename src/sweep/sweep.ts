/**
 * A concurrency sweep from code. {@link startSweep} runs the same task set once per concurrency level through
 * {@link startRun}, each level a run directory of its own (`c<level>/`) under one sweep directory, records
 * each level's state in sweep.json as it goes, and ends with the summary (summary.json, charts). Stopped by
 * its signal, it keeps every finished level; started again with `resume: <sweep dir>` it skips them and
 * finishes an interrupted level with that run's own resume. Like startRun it never prints or exits.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSettings } from '../harness/run-settings.js';
import { CONFIG_FILE, createRunDir, readRunConfig, runIdOf, writeJsonAtomic } from '../harness/rundir.js';
import { type RunReport, type RunStart, type StartRunOptions, startRun } from '../harness/session.js';
import { setting, UsageError } from '../util/errors.js';
import { writeSweepCharts } from './chart.js';
import { type SweepSummary, summarizeSweep } from './summary.js';
import {
  checkLevels,
  levelDir,
  readSweepFile,
  type SweepFile,
  type SweepLevel,
  writeSweepFile,
} from './sweep-file.js';

/** The summary's file in the sweep directory. */
export const SUMMARY_FILE = 'summary.json';

/** Options of {@link startSweep}: those of every level's run, and news of the levels. */
export interface StartSweepOptions extends Omit<StartRunOptions, 'onStart' | 'runDir'> {
  /** A level's run is about to run its first trial. */
  onLevelStart?(level: SweepLevel, run: RunStart): void;
  /** A level's run ended (finished, or stopped by the signal). */
  onLevelDone?(level: SweepLevel, report: RunReport): void;
}

/** How a sweep ended. */
export interface SweepReport {
  sweepDir: string;
  sweepId: string;
  levels: SweepLevel[];
  /** Whether the signal stopped the sweep before every level was run. */
  stopped: boolean;
  summary: SweepSummary;
  /** summary.json and the chart PNGs. */
  files: { summary: string; charts: string[] };
}

/** A new sweep directory and its sweep.json. */
function createSweep(settings: RunSettings, levels: readonly number[]): { dir: string; file: SweepFile } {
  const sorted = checkLevels(levels);
  if (!settings.tracing) {
    throw new UsageError(
      ["a sweep's summary reads each level's spans: ", setting('tracing'), ' must be on'],
      {
        field: 'tracing',
      },
    );
  }
  if (settings.shard !== undefined || settings.runId !== undefined) {
    throw new UsageError('a sweep names its runs itself (<sweep id>_c<level>); it does not shard', {
      field: settings.shard !== undefined ? 'shard' : 'runId',
    });
  }
  const dir = createRunDir(settings.outputDir, settings.name, new Date(), settings.captureContent);
  const sweepId = runIdOf(dir);
  const { resume: _r, maxConcurrency: _c, ...shared } = settings;
  const file: SweepFile = {
    sweep_id: sweepId,
    created_at: new Date().toISOString(),
    resumed_at: [],
    settings: shared,
    levels: sorted.map((c) => ({
      concurrency: c,
      dir: levelDir(c),
      runId: `${sweepId}_${levelDir(c)}`,
      state: 'pending',
    })),
  };
  writeSweepFile(dir, file);
  return { dir, file };
}

/** The settings of a level's run: a new one in `c<level>`, or the resume of the one already there. */
function levelRun(
  sweepDir: string,
  file: SweepFile,
  level: SweepLevel,
): { settings: RunSettings; runDir?: string } {
  const runDir = join(sweepDir, level.dir);
  if (existsSync(join(runDir, CONFIG_FILE))) {
    const stored = readRunConfig(runDir).parameters as RunSettings;
    return { settings: { ...stored, resume: runDir } };
  }
  // Stopped before its run wrote anything: start that level afresh.
  if (existsSync(runDir) && readdirSync(runDir).length === 0) rmdirSync(runDir);
  const settings = {
    ...file.settings,
    maxConcurrency: level.concurrency,
    runId: level.runId,
    outputDir: sweepDir,
  };
  return { settings, runDir };
}

/** Runs one level; its state in `file` follows. Resolves false when the signal stopped it. */
async function runLevel(sweepDir: string, file: SweepFile, level: SweepLevel, options: StartSweepOptions) {
  const { settings, runDir } = levelRun(sweepDir, file, level);
  level.state = 'running';
  writeSweepFile(sweepDir, file);
  const { onLevelStart, onLevelDone, ...runOptions } = options;
  let report: RunReport;
  try {
    report = await startRun(settings, {
      ...runOptions,
      ...(runDir !== undefined ? { runDir } : {}),
      onStart: (run) => onLevelStart?.(level, run),
    });
  } catch (err) {
    if (options.signal?.aborted && err === options.signal.reason) {
      level.state = 'pending';
      writeSweepFile(sweepDir, file);
      return false;
    }
    throw err;
  }
  level.planned = report.planned;
  level.recorded = report.results.length - report.failed.length;
  level.failed = report.failed.length;
  level.state = report.left === 0 ? 'done' : options.signal?.aborted ? 'running' : 'incomplete';
  writeSweepFile(sweepDir, file);
  onLevelDone?.(level, report);
  return !options.signal?.aborted;
}

/**
 * Runs `settings` at each concurrency of `levels` (ascending; `settings.maxConcurrency` is ignored), or, with
 * `settings.resume` naming a sweep directory, finishes that sweep with its stored settings and levels (the
 * other settings and `levels` are then ignored). Resolves when every level ran or the signal stopped the sweep;
 * the summary covers the levels done by then.
 */
export async function startSweep(
  settings: RunSettings,
  levels: readonly number[],
  options: StartSweepOptions = {},
): Promise<SweepReport> {
  let dir: string;
  let file: SweepFile;
  if (settings.resume !== undefined) {
    dir = settings.resume;
    file = readSweepFile(dir);
    file.resumed_at = [...(file.resumed_at ?? []), new Date().toISOString()];
    writeSweepFile(dir, file);
  } else ({ dir, file } = createSweep(settings, levels));
  let stopped = false;
  for (const level of file.levels) {
    if (level.state === 'done') continue;
    if (options.signal?.aborted || !(await runLevel(dir, file, level, options))) {
      stopped = true;
      break;
    }
  }
  const summary = await summarizeSweep(dir, file);
  const summaryPath = join(dir, SUMMARY_FILE);
  writeJsonAtomic(summaryPath, summary);
  const charts = await writeSweepCharts(dir, summary);
  return {
    sweepDir: dir,
    sweepId: file.sweep_id,
    levels: file.levels,
    stopped,
    summary,
    files: { summary: summaryPath, charts },
  };
}
