/**
 * `merge`: the run directories of a sharded run's shards (harness/shard.ts) become one run directory that
 * every reader accepts: `config.json` (the shared parameters, each shard's host and times under `shards`),
 * `results.json` and `results.jsonl` (every shard's rows and journal), and `spans.otlp.jsonl` (the shards'
 * spools one after the other; each batch keeps its resource, so `tau2.shard.index` still tells them apart).
 *
 * It refuses rather than guesses: shards of different runs, of different settings (named), a shard given
 * twice (its trials would count twice), a row that is not of its shard's plan, an output directory that
 * already holds a run. Trials without a successful row are missing: the merge fails naming them, unless a
 * partial merge is asked for. The shard directories are only read.
 */

import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { type TrialResult, trialFailed } from '../harness/orchestrator.js';
import { RESULTS_JOURNAL, readRecorded, resultsSummary } from '../harness/results.js';
import {
  CONFIG_FILE,
  RESULTS_FILE,
  readRunConfig,
  SPOOL_FILE,
  trialKey,
  writeJsonAtomic,
} from '../harness/rundir.js';
import { setting, UsageError } from '../util/errors.js';

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  /** Write the merge even when shards or trials are missing (they are still reported). */
  partial?: boolean;
}

/** What {@link mergeShards} wrote and found. */
export interface MergeReport {
  out: string;
  runId: string;
  /** Shards merged, of how many the run has. */
  shards: number;
  shardCount: number;
  /** Trials the whole run plans, and rows merged (failed ones included). */
  totalTrials: number;
  rows: number;
  /** Planned trials without a successful row (`domain/task/trial`), and shards not given. */
  missing: string[];
  missingShards: number[];
  /** Trials whose row says they failed to run (`--resume` of their shard runs them again). */
  failed: string[];
  /**
   * Shard journals whose last line was torn (a crash in the middle of an append) and left out of the merged
   * journal: in the middle of it, the line would make the merged run unreadable. The trial it began had no
   * row yet; it is among `missing` unless another row has it.
   */
  tornJournals: string[];
  files: { config: string; results: string; journal: string; spool?: string };
}

/** One shard directory, read. */
interface Shard {
  dir: string;
  config: Record<string, unknown>;
  index: number;
  count: number;
  totalTrials: number;
  trials: string[];
  rows: TrialResult[];
}

/** Parameters that name a machine's paths, not what a run measures: shards may differ in them. */
const PER_MACHINE = new Set(['outputDir', 'dataDir', 'shard']);

const refuse = (text: string) => new UsageError([setting('shards'), `: ${text}`], { field: 'shards' });

function readShard(dir: string): Shard {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw refuse(`${dir}: not a directory`);
  const config = readRunConfig(dir);
  const shard = config.shard as Partial<{
    index: number;
    count: number;
    total_trials: number;
    trials: string[];
  }>;
  if (!shard || typeof shard !== 'object' || !Array.isArray(shard.trials)) {
    throw refuse(
      `${join(dir, CONFIG_FILE)}: not a shard of a sharded run (no "shard" record; run with --shard)`,
    );
  }
  const { index, count, total_trials: totalTrials } = shard;
  if (![index, count, totalTrials].every((n) => Number.isSafeInteger(n))) {
    throw refuse(`${join(dir, CONFIG_FILE)}: "shard" lacks index, count or total_trials`);
  }
  const rows = readRecorded(dir);
  const own = new Set(shard.trials);
  const stray = rows.find((r) => !own.has(trialKey(r)));
  if (stray) {
    throw refuse(`${dir}: trial ${trialKey(stray)} is recorded but not in shard ${index}'s plan`);
  }
  return { dir, config, index: index!, count: count!, totalTrials: totalTrials!, trials: shard.trials, rows };
}

/** The first setting in which `b` differs from `a`, if any. */
function differingSetting(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !PER_MACHINE.has(k));
  return keys.find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Refuses shards that are not of one run, one plan and one set of settings. */
function checkSameRun(shards: Shard[]): void {
  const [first] = shards as [Shard];
  const seen = new Map<number, string>();
  for (const s of shards) {
    const other = seen.get(s.index);
    if (other !== undefined) {
      throw refuse(`shard ${s.index} is given twice (${other} and ${s.dir}): its trials would count twice`);
    }
    seen.set(s.index, s.dir);
    const vs = `${s.dir} and ${first.dir}`;
    if (s.config.run_id !== first.config.run_id) {
      throw refuse(`${vs} are shards of different runs (${s.config.run_id} and ${first.config.run_id})`);
    }
    if (s.count !== first.count || s.totalTrials !== first.totalTrials) {
      throw refuse(`${vs} split the run differently (${s.count} vs ${first.count} shards)`);
    }
    const p = differingSetting(
      first.config.parameters as Record<string, unknown>,
      s.config.parameters as Record<string, unknown>,
    );
    if (p !== undefined) throw new UsageError([`${vs} differ in `, setting(p)], { field: p });
    if (JSON.stringify(s.config.models) !== JSON.stringify(first.config.models)) {
      throw refuse(`${vs} differ in their models (config.json "models")`);
    }
    // Node and OS versions may differ between machines; the harness's may not (it decides what is measured).
    const version = (c: Record<string, unknown>) =>
      (c.versions as { tau2_trace?: unknown } | undefined)?.tau2_trace;
    if (version(s.config) !== version(first.config)) {
      throw refuse(
        `${vs} were run by different tau2-trace versions (${version(s.config)} and ${version(first.config)})`,
      );
    }
  }
}

/** Missing shards and trials; throws unless `partial`. */
function findMissing(shards: Shard[], partial: boolean) {
  const count = shards[0]!.count;
  const present = new Set(shards.map((s) => s.index));
  const missingShards = [...Array(count).keys()].filter((i) => !present.has(i));
  const missing: string[] = [];
  const failed: string[] = [];
  for (const s of shards) {
    const rows = new Map(s.rows.map((r) => [trialKey(r), r]));
    for (const key of s.trials) {
      const row = rows.get(key);
      if (row === undefined || trialFailed(row)) missing.push(key);
      if (row !== undefined && trialFailed(row)) failed.push(key);
    }
  }
  if (!partial && (missing.length > 0 || missingShards.length > 0)) {
    const parts = [
      ...(missingShards.length > 0 ? [`shards ${missingShards.join(', ')} of ${count} are not given`] : []),
      ...(missing.length > 0
        ? [
            `${missing.length} ${missing.length === 1 ? 'trial has' : 'trials have'} no successful row (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}; ${failed.length} of them failed): resume their shard`,
          ]
        : []),
    ];
    throw new UsageError([`${parts.join('; ')}; `, setting('partial'), ' merges what there is']);
  }
  return { missing, missingShards, failed };
}

/** Appends the files `from` (those that exist) to `to`, a whole line each: a torn last line stays torn. */
async function concatenate(from: string[], to: string): Promise<void> {
  const out = createWriteStream(to, { flags: 'wx' });
  try {
    for (const file of from) {
      if (!existsSync(file)) continue;
      let last = '\n';
      for await (const chunk of createReadStream(file)) {
        const buf = chunk as Buffer;
        if (buf.length > 0) last = String.fromCharCode(buf[buf.length - 1]!);
        if (!out.write(buf)) await once(out, 'drain');
      }
      if (last !== '\n') out.write('\n');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/**
 * Writes the journals `from` (those that exist) one after the other to `to`, leaving out a last line that is
 * not JSON (torn by a crash mid-append, which `readRecorded` forgives only at a journal's end); returns the
 * journals that had one.
 */
function concatenateJournals(from: string[], to: string): string[] {
  const torn: string[] = [];
  const parts: string[] = [];
  for (const file of from) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    const last = lines[lines.length - 1];
    if (last !== undefined && !parsesAsJson(last)) {
      lines.pop();
      torn.push(file);
    }
    if (lines.length > 0) parts.push(`${lines.join('\n')}\n`);
  }
  writeFileSync(to, parts.join(''), { flag: 'wx' });
  return torn;
}

function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** The merged config.json: the shared parameters (no shard), the whole plan, each shard's own record. */
function mergedConfig(shards: Shard[]): Record<string, unknown> {
  const first = shards[0]!.config;
  const { shard: _s, ...parameters } = first.parameters as Record<string, unknown>;
  const created = shards.map((s) => String(s.config.created_at)).sort();
  const { shard: _own, host: _h, resumed_at: _r, ...rest } = first;
  return {
    ...rest,
    created_at: created[0],
    merged_at: new Date().toISOString(),
    parameters,
    trials_planned: shards[0]!.totalTrials,
    shards: shards.map((s) => ({
      index: s.index,
      dir: resolve(s.dir),
      created_at: s.config.created_at,
      resumed_at: s.config.resumed_at,
      trials_planned: s.trials.length,
      host: s.config.host,
      telemetry: s.config.telemetry,
    })),
  };
}

/** Refuses an output directory that already holds a run (a merge never overwrites one). */
function prepareOut(out: string): void {
  for (const f of [CONFIG_FILE, RESULTS_FILE, RESULTS_JOURNAL, SPOOL_FILE]) {
    if (existsSync(join(out, f))) {
      throw new UsageError([setting('out'), `: ${out} already holds ${f}; merge into a new directory`], {
        field: 'out',
      });
    }
  }
  mkdirSync(out, { recursive: true });
}

/** Merges the shard directories `dirs` into the run directory `out`. */
export async function mergeShards(
  dirs: string[],
  out: string,
  options: MergeOptions = {},
): Promise<MergeReport> {
  if (dirs.length === 0) throw refuse('no shard directory given');
  const shards = dirs.map(readShard).sort((a, b) => a.index - b.index);
  checkSameRun(shards);
  const found = findMissing(shards, options.partial ?? false);
  prepareOut(out);
  const runId = String(shards[0]!.config.run_id);
  const rows = shards.flatMap((s) => s.rows);
  const files = {
    config: join(out, CONFIG_FILE),
    results: join(out, RESULTS_FILE),
    journal: join(out, RESULTS_JOURNAL),
  };
  const spools = shards.map((s) => join(s.dir, SPOOL_FILE));
  const tracing = spools.some((f) => existsSync(f));
  // Each file is written beside its place and renamed there, so a merge that fails leaves no half file.
  const spool = join(out, SPOOL_FILE);
  if (tracing) await moveInto(spool, (tmp) => concatenate(spools, tmp));
  let tornJournals: string[] = [];
  await moveInto(files.journal, async (tmp) => {
    tornJournals = concatenateJournals(
      shards.map((s) => join(s.dir, RESULTS_JOURNAL)),
      tmp,
    );
  });
  writeJsonAtomic(files.results, resultsSummary(runId, shards[0]!.totalTrials, rows));
  writeJsonAtomic(files.config, mergedConfig(shards));
  return {
    out,
    runId,
    shards: shards.length,
    shardCount: shards[0]!.count,
    totalTrials: shards[0]!.totalTrials,
    rows: rows.length,
    ...found,
    tornJournals,
    files: { ...files, ...(tracing ? { spool } : {}) },
  };
}

async function moveInto(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await write(tmp);
  renameSync(tmp, path);
}
