/**
 * The run directory `<output-dir>/<name>_<YYYYMMDD>_<HHMMSS>/`: `config.json` (written once at the start),
 * `results.json` (rewritten atomically after every finished trial, so a crash never leaves it half written)
 * and `spans.otlp.jsonl` (the spool).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../util/errors.js';
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
  mean_reward: number | null;
  results: TrialResult[];
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Creates a new run directory (never reuses one: a second run in the same second gets a suffix). */
export function createRunDir(outputDir: string, name: string, now = new Date()): string {
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name "${name}": use letters, digits, '.', '_' or '-'`);
  mkdirSync(outputDir, { recursive: true });
  const base = join(outputDir, `${name}_${stamp(now)}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}_${i}`;
    if (existsSync(dir)) continue;
    mkdirSync(dir);
    return dir;
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

/** The config.json of an existing run directory (for `--resume`). */
export function readRunConfig(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) throw new UsageError(`--resume ${dir}: no such directory`);
  const config = readJson(join(dir, CONFIG_FILE), 'run config');
  if (!config || typeof config !== 'object' || !('parameters' in config)) {
    throw new UsageError(`${join(dir, CONFIG_FILE)}: not a tau2-trace run config (no "parameters")`);
  }
  return config as Record<string, unknown>;
}

/** Finished trials recorded in a run directory (none when results.json does not exist yet). */
export function readResults(dir: string): TrialResult[] {
  const path = join(dir, RESULTS_FILE);
  if (!existsSync(path)) return [];
  const data = readJson(path, 'results file') as Partial<ResultsFile>;
  if (!Array.isArray(data.results)) throw new UsageError(`${path}: no "results" list`);
  return data.results;
}

/** Identity of a trial across resumes. */
export function trialKey(r: { domain: string; task_id: string; trial: number }): string {
  return `${r.domain}/${r.task_id}/${r.trial}`;
}
