/**
 * The run directory `<output-dir>/<name>_<YYYYMMDD>_<HHMMSS>/`: `config.json` (written once at the start),
 * `results.json` (rewritten atomically after every finished trial, so a crash never leaves it half written)
 * and `spans.otlp.jsonl` (the spool).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setting, UsageError } from '../util/errors.js';
import type { TrialResult } from './orchestrator.js';

export const CONFIG_FILE = 'config.json';
export const RESULTS_FILE = 'results.json';
export const SPOOL_FILE = 'spans.otlp.jsonl';

/** results.json. */
export interface ResultsFile {
  run_id: string;
  updated_at: string;
  total_trials: number;
  finished_trials: number;
  /** Trials that ended because a component failed (`--resume` runs them again). */
  failed_trials: number;
  /** Mean reward of the trials that were evaluated (failed trials left out, as tau2 leaves out its infrastructure errors). */
  mean_reward: number | null;
  /** tau2's pass^k, k = 1 … the fewest trials any task has (see harness/metrics.ts). */
  pass_hat_k: Record<string, number>;
  results: TrialResult[];
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Creates a new run directory (never reuses one: a second run in the same second gets a suffix). `private`
 * makes it readable by its owner only (0700), for runs that record prompts and completions.
 */
export function createRunDir(outputDir: string, name: string, now = new Date(), isPrivate = false): string {
  if (!/^[\w.-]+$/.test(name) || name === '.' || name === '..') {
    throw new UsageError(`"${name}": use letters, digits, '.', '_' or '-'`, { field: 'name' });
  }
  const base = join(outputDir, `${name}_${stamp(now)}`);
  try {
    mkdirSync(outputDir, { recursive: true });
    for (let i = 1; ; i++) {
      const dir = i === 1 ? base : `${base}_${i}`;
      if (existsSync(dir)) continue;
      mkdirSync(dir, { mode: isPrivate ? 0o700 : 0o777 });
      return dir;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOTDIR' || e.code === 'EEXIST'
        ? 'is not a directory'
        : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
          ? 'is not writable'
          : `cannot be used (${e.code ?? e.message})`;
    throw new UsageError(`${outputDir}: ${why}; no run directory could be created there`, {
      field: 'outputDir',
    });
  }
}

/**
 * Creates the directory of a run whose id is given: `<outputDir>/<runId>`, or a shard's
 * `<outputDir>/<runId>/shards/<index>` (shards on a shared file system sit side by side there, and
 * `tau2-trace merge` writes the run beside them). An existing directory is never reused: resume it instead.
 */
export function createNamedRunDir(
  outputDir: string,
  runId: string,
  shardIndex: number | undefined,
  isPrivate = false,
): string {
  const parent = shardIndex === undefined ? outputDir : join(outputDir, runId, 'shards');
  const dir = join(parent, shardIndex === undefined ? runId : String(shardIndex));
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(dir, { mode: isPrivate ? 0o700 : 0o777 });
    return dir;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') {
      throw new UsageError([dir, ': already exists; finish that run with ', setting('resume'), ` ${dir}`], {
        field: 'runId',
      });
    }
    throw new UsageError(`${parent}: cannot be used (${e.code ?? e.message}); no run directory was created`, {
      field: 'outputDir',
    });
  }
}

export function runIdOf(dir: string): string {
  return basename(dir.replace(/\/+$/, ''));
}

/** Writes `data` as JSON via a temporary file and a rename, so readers see the old or the new file whole. */
export function writeJsonAtomic(path: string, data: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(tmp, path);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: the ${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** The config.json of an existing run directory (for resuming it); errors are about the `resume` setting. */
export function readRunConfig(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory`, { field: 'resume' });
  const config = readJson(join(dir, CONFIG_FILE), 'run config') as { parameters?: unknown } | null;
  const params = config && typeof config === 'object' ? config.parameters : undefined;
  if (!params || typeof params !== 'object' || Array.isArray(params)) {
    throw new UsageError(
      `${join(dir, CONFIG_FILE)}: not a tau2-trace run config ("parameters" is missing or not an object)`,
    );
  }
  return config as Record<string, unknown>;
}

/** Identity of a trial across resumes. */
export function trialKey(r: { domain: string; task_id: string; trial: number }): string {
  return `${r.domain}/${r.task_id}/${r.trial}`;
}
