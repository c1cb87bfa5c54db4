/**
 * A sweep directory, `<outputDir>/<name>_<YYYYMMDD>_<HHMMSS>/`: `sweep.json` (the levels, the settings every
 * level shares, and the state of each level, rewritten atomically after each change) and one run directory
 * per level, `c<level>/`. `summary.json` and the charts are written beside them when the sweep ends.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSettings } from '../harness/run-settings.js';
import { writeJsonAtomic } from '../harness/rundir.js';
import { UsageError } from '../util/errors.js';

export const SWEEP_FILE = 'sweep.json';

/**
 * Where a level stands: `pending` (not started), `running` (started; interrupted if the sweep is not
 * running), `incomplete` (its run ended with trials left, e.g. failed ones: a resume runs them again),
 * `done` (every planned trial recorded).
 */
export type LevelState = 'pending' | 'running' | 'incomplete' | 'done';

/** One concurrency level of a sweep. */
export interface SweepLevel {
  concurrency: number;
  /** The level's run directory, relative to the sweep directory (`c<level>`). */
  dir: string;
  /** Its `tau2.run.id`: `<sweep id>_c<level>`, unique across sweeps. */
  runId: string;
  state: LevelState;
  planned?: number;
  recorded?: number;
  failed?: number;
}

/** sweep.json. */
export interface SweepFile {
  sweep_id: string;
  created_at: string;
  resumed_at: string[];
  /** Every run setting the levels share (`maxConcurrency` is the level's). */
  settings: Omit<RunSettings, 'resume' | 'maxConcurrency'>;
  levels: SweepLevel[];
}

/** The directory name of a level's run. */
export const levelDir = (concurrency: number): string => `c${concurrency}`;

/** Writes sweep.json. */
export function writeSweepFile(sweepDir: string, file: SweepFile): void {
  writeJsonAtomic(join(sweepDir, SWEEP_FILE), file);
}

/** Reads a sweep directory's sweep.json; errors name the file and what is wrong with it. */
export function readSweepFile(sweepDir: string): SweepFile {
  const path = join(sweepDir, SWEEP_FILE);
  if (!existsSync(path))
    throw new UsageError(`${sweepDir}: not a sweep directory (no ${SWEEP_FILE})`, { field: 'resume' });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const f = data as Partial<SweepFile> | null;
  if (!f || typeof f !== 'object' || !Array.isArray(f.levels) || typeof f.settings !== 'object') {
    throw new UsageError(`${path}: not a tau2-trace sweep file ("levels" or "settings" missing)`);
  }
  for (const [i, l] of f.levels.entries()) {
    if (!Number.isInteger(l?.concurrency) || typeof l.dir !== 'string' || typeof l.runId !== 'string') {
      throw new UsageError(`${path}: levels[${i}] needs "concurrency", "dir" and "runId"`);
    }
  }
  return f as SweepFile;
}

/** Checks a list of levels: positive integers, no repeats; returns them ascending. */
export function checkLevels(levels: readonly number[]): number[] {
  if (levels.length === 0)
    throw new UsageError('a sweep needs at least one concurrency level', { field: 'maxConcurrency' });
  for (const l of levels) {
    if (!Number.isInteger(l) || l < 1) {
      throw new UsageError(`${l}: a concurrency level must be a whole number of 1 or more`, {
        field: 'maxConcurrency',
      });
    }
  }
  const sorted = [...levels].sort((a, b) => a - b);
  const repeated = sorted.find((l, i) => i > 0 && sorted[i - 1] === l);
  if (repeated !== undefined) {
    throw new UsageError(`${repeated}: given twice; each level runs once`, { field: 'maxConcurrency' });
  }
  return sorted;
}
