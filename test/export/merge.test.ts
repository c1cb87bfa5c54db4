/**
 * A sharded run from code (startRun with `shard` and `runId`) and `mergeShards`: the shards split the plan,
 * the merge makes one run directory the readers open, and every way shards can fail to belong together is
 * refused, naming what differs.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeShards } from '../../src/export/merge.js';
import { openRun } from '../../src/export/sources.js';
import { readSpool } from '../../src/export/spool-reader.js';
import type { TrialResult } from '../../src/harness/orchestrator.js';
import { readRecorded } from '../../src/harness/results.js';
import { trialKey } from '../../src/harness/rundir.js';
import { type RunReport, type RunSettings, runSettings, startRun } from '../../src/harness/session.js';
import { UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
const outputDir = join(tmp.path, 'runs');
const COUNT = 3;
const base = runSettings({ numTasks: 8, timeScale: 0.1, outputDir, runId: 'r1' });
let shards: RunReport[];
let reference: TrialResult[];

before(async () => {
  shards = [];
  for (let index = 0; index < COUNT; index++) {
    shards.push(await startRun({ ...base, shard: { index, count: COUNT } }, { env: {} }));
  }
  const single = await startRun(
    runSettings({ numTasks: 8, timeScale: 0.1, outputDir: join(tmp.path, 'one') }),
    {
      env: {},
    },
  );
  reference = single.results;
});
after(() => tmp.cleanup());

const keysOf = (rows: { domain: string; task_id: string; trial: number }[]) => rows.map(trialKey).sort();
const dirs = () => shards.map((s) => s.runDir);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** The parts of a shard's config.json the tests change. */
interface ShardConfig {
  run_id: string;
  parameters: Record<string, unknown>;
  shard?: unknown;
}

/** A copy of shard `i`'s directory, changed by `edit` (of its config.json). */
function copyShard(i: number, name: string, edit: (config: ShardConfig) => void = () => {}): string {
  const dir = join(tmp.path, 'copies', name);
  cpSync(shards[i]!.runDir, dir, { recursive: true });
  const config = readJson(join(dir, 'config.json'));
  edit(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/** Forgets the trial `key` in run directory `dir` (summary and journal), as if it had never run. */
function forget(dir: string, key: string): void {
  const summary = readJson(join(dir, 'results.json'));
  summary.results = summary.results.filter((r: TrialResult) => trialKey(r) !== key);
  writeFileSync(join(dir, 'results.json'), JSON.stringify(summary));
  const journal = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n');
  const kept = journal.filter((l) => l === '' || trialKey(JSON.parse(l)) !== key);
  writeFileSync(join(dir, 'results.jsonl'), kept.join('\n'));
}

describe('a sharded run', () => {
  it('splits the plan: each trial in one shard, each shard in <outputDir>/<runId>/shards/<i>, one run id', async () => {
    assert.deepEqual(
      dirs(),
      [0, 1, 2].map((i) => join(outputDir, 'r1', 'shards', String(i))),
    );
    assert.deepEqual(keysOf(shards.flatMap((s) => s.results)), keysOf(reference));
    for (const [i, s] of shards.entries()) {
      assert.equal(s.runId, 'r1');
      const config = readJson(s.files.config);
      assert.equal(config.run_id, 'r1');
      assert.deepEqual(config.parameters.shard, { index: i, count: COUNT });
      assert.equal(config.shard.total_trials, reference.length);
      assert.deepEqual([...config.shard.trials].sort(), keysOf(s.results));
      const { spans } = await readSpool(s.files.spool!);
      for (const span of spans) {
        assert.equal(span.resource['tau2.run.id'], 'r1');
        if (span.resource['service.name'] === 'tau2-harness') {
          assert.equal(span.resource['tau2.shard.index'], i);
          assert.equal(span.resource['tau2.shard.count'], COUNT);
        }
      }
    }
  });

  it('needs a run id the shards share', async () => {
    await assert.rejects(
      startRun({ ...runSettings({ outputDir }), shard: { index: 0, count: 2 } }, { env: {} }),
      (err: unknown) => err instanceof UsageError && err.field === 'runId',
    );
  });

  it('resumes one shard with its stored settings and run id', async () => {
    const dir = copyShard(1, 'resumed');
    const key = trialKey(shards[1]!.results[0]!);
    forget(dir, key);
    const stored = readJson(join(dir, 'config.json')).parameters as RunSettings;
    const again = await startRun({ ...stored, resume: dir }, { env: {} });
    assert.equal(again.runId, 'r1');
    assert.equal(again.left, 0);
    assert.deepEqual(keysOf(again.results), keysOf(shards[1]!.results));
  });
});

describe('mergeShards', () => {
  it('makes one run directory with every trial once, that the readers open', async () => {
    const out = join(outputDir, 'r1');
    const report = await mergeShards(dirs(), out);
    assert.deepEqual([report.shards, report.shardCount, report.rows], [COUNT, COUNT, reference.length]);
    assert.deepEqual([report.missing, report.missingShards, report.failed], [[], [], []]);
    const results = readJson(join(out, 'results.json'));
    assert.equal(results.run_id, 'r1');
    assert.equal(results.total_trials, reference.length);
    assert.deepEqual(keysOf(results.results), keysOf(reference));
    const rewards = (rows: TrialResult[]) => new Map(rows.map((r) => [trialKey(r), r.reward]));
    assert.deepEqual(rewards(results.results), rewards(reference));
    const config = readJson(join(out, 'config.json'));
    assert.equal(config.trials_planned, reference.length);
    assert.ok(!('shard' in config.parameters) && !('shard' in config));
    assert.deepEqual(
      config.shards.map((s: { index: number }) => s.index),
      [0, 1, 2],
    );
    const journal = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    assert.equal(journal.length, reference.length);
    const run = await openRun({ kind: 'spool', path: out });
    const tasks = run.spans!.filter((s) => s.attributes['tau2.kind'] === 'task');
    assert.equal(tasks.length, reference.length);
  });

  it("leaves a shard journal's torn last line out, saying so, so that the merged run stays readable", async () => {
    const torn = copyShard(1, 'torn');
    const journal = join(torn, 'results.jsonl');
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"domain":"mock","task_id":"cr`);
    const out = join(tmp.path, 'merged-torn');
    const report = await mergeShards([dirs()[0]!, torn, dirs()[2]!], out);
    assert.deepEqual(report.tornJournals, [journal]);
    assert.deepEqual(report.missing, []);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, reference.length);
    for (const line of lines) JSON.parse(line);
    assert.deepEqual(keysOf(readRecorded(out)), keysOf(reference));
  });

  it('never writes into a directory that holds a run', async () => {
    await assert.rejects(
      mergeShards(dirs(), join(outputDir, 'r1')),
      (err: unknown) => err instanceof UsageError && err.field === 'out' && /already holds/.test(err.message),
    );
  });

  it('refuses a shard given twice, shards of other runs, other settings, and unsharded runs', async () => {
    const out = join(tmp.path, 'never');
    const refused = async (given: string[], pattern: RegExp, field = 'shards') =>
      assert.rejects(mergeShards(given, out), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.field, field);
        assert.match(err.message, pattern);
        return true;
      });
    await refused([...dirs(), copyShard(0, 'twice')], /shard 0 is given twice/);
    await refused(
      [dirs()[0]!, copyShard(1, 'other-run', (c) => (c.run_id = 'r2'))],
      /different runs \(r2 and r1\)/,
    );
    await refused(
      [dirs()[0]!, copyShard(1, 'other-seed', (c) => (c.parameters.seed = 1))],
      /differ in seed/,
      'seed',
    );
    await refused(
      [dirs()[0]!, copyShard(1, 'no-shard', (c) => delete c.shard)],
      /not a shard of a sharded run/,
    );
    assert.equal(existsSync(out), false);
  });

  it('refuses missing shards and trials, naming them, unless a partial merge is asked for', async () => {
    const gap = copyShard(2, 'gap');
    const key = trialKey(shards[2]!.results[0]!);
    forget(gap, key);
    const given = [dirs()[0]!, gap];
    await assert.rejects(mergeShards(given, join(tmp.path, 'refused')), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /shards 1 of 3 are not given/);
      assert.match(err.message, new RegExp(`1 trial has no successful row \\(${key}`));
      return true;
    });
    assert.equal(existsSync(join(tmp.path, 'refused')), false);
    const report = await mergeShards(given, join(tmp.path, 'partial'), { partial: true });
    assert.deepEqual(report.missingShards, [1]);
    assert.deepEqual(report.missing, [key]);
    assert.equal(report.rows, shards[0]!.results.length + shards[2]!.results.length - 1);
  });
});
