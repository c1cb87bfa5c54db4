/**
 * The shipped sbatch script on a real one-node Slurm cluster (slurm-cluster.ts): `sbatch --array=0-2` of
 * deploy/slurm/tau2-trace.sbatch on the demo domain with the embedded simulator as the model server; the
 * array's first task submits the merge job (afterok on the array), which merges the shards and writes stats.
 * The merged run must hold every trial exactly once, with the rewards of an unsharded run with the same seed.
 * A cluster that cannot start fails the test, with the daemons' logs. Run by scripts/test-deploy.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { readSpool } from '../../src/export/spool-reader.js';
import type { TrialResult } from '../../src/harness/orchestrator.js';
import { trialKey } from '../../src/harness/rundir.js';
import { eventually } from '../../stack/services.js';
import { cliPath, repoRoot, runCli, runDirOf, tempDir } from '../../test/helpers.js';
import { type SlurmCluster, startSlurmCluster } from './slurm-cluster.js';

const run = promisify(execFile);
const SBATCH = join(repoRoot, 'deploy/slurm/tau2-trace.sbatch');
const RUN_FLAGS = ['--num-trials', '2', '--seed', '7', '--time-scale', '0.1'];

const work = tempDir('tau2-slurm-');
let cluster: SlurmCluster;

before(async () => {
  cluster = await startSlurmCluster(work.path);
});

after(async () => {
  await cluster?.stop();
  work.cleanup();
});

/** `scontrol show job`'s JobState (and Reason) of `id`. */
async function jobState(id: string): Promise<{ state: string; reason: string }> {
  const { stdout } = await run('scontrol', ['show', 'job', id], { env: { ...process.env, ...cluster.env } });
  return {
    state: /JobState=(\S+)/.exec(stdout)?.[1] ?? '?',
    reason: /Reason=(\S+)/.exec(stdout)?.[1] ?? '?',
  };
}

/** The job outputs Slurm wrote, for a failure message. */
function jobOutputs(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.out'))
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-2000)}`)
    .join('\n');
}

/** Waits for the merge job the array submitted to complete; throws with the job outputs if it cannot. */
async function awaitMerge(runDir: string, jobDir: string): Promise<void> {
  const marker = join(runDir, 'merge.job');
  const mergeJob = await eventually(
    'the array submits the merge job',
    async () => {
      const id = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
      return /^\d+$/.test(id) ? id : undefined;
    },
    120_000,
  );
  await eventually(
    `merge job ${mergeJob} completes`,
    async () => {
      const { state, reason } = await jobState(mergeJob);
      if (state === 'COMPLETED') return true;
      if (
        !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(state) ||
        reason === 'DependencyNeverSatisfied'
      ) {
        throw new Error(
          `merge job ${mergeJob}: ${state} (${reason})\n${jobOutputs(jobDir)}\n${cluster.logs()}`,
        );
      }
      return undefined;
    },
    240_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${jobOutputs(jobDir)}`);
  });
}

const rewardsOf = (rows: TrialResult[]) =>
  new Map(rows.map((r) => [trialKey(r), { reward: r.reward, end: r.termination_reason }]));

test('sbatch --array=0-2 of the shipped script, then its merge job: every trial once, unsharded rewards', async () => {
  const t0 = performance.now();
  const out = join(work.path, 'runs');
  const env = {
    ...process.env,
    ...cluster.env,
    TAU2_TRACE: `${process.execPath} ${cliPath}`,
    TAU2_OUTPUT_DIR: out,
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  };
  const { stdout } = await run(
    'sbatch',
    ['--parsable', '--array=0-2', `--chdir=${work.path}`, SBATCH, ...RUN_FLAGS],
    { env },
  );
  const arrayJob = stdout.trim().split(';')[0]!;
  const runId = `tau2_${arrayJob}`;
  const runDir = join(out, runId);
  await awaitMerge(runDir, work.path);
  const wallS = (performance.now() - t0) / 1000;

  const merged = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
    run_id: string;
    total_trials: number;
    results: TrialResult[];
  };
  const keys = merged.results.map(trialKey);
  assert.equal(new Set(keys).size, keys.length, 'a trial is in results.json twice');
  assert.equal(merged.run_id, runId);

  const single = await runCli(['run', '--output-dir', join(work.path, 'single'), '--quiet', ...RUN_FLAGS]);
  assert.equal(single.code, 0, single.stderr);
  const reference = JSON.parse(readFileSync(join(runDirOf(single.stdout), 'results.json'), 'utf8')) as {
    results: TrialResult[];
  };
  assert.equal(merged.total_trials, reference.results.length);
  assert.deepEqual(rewardsOf(merged.results), rewardsOf(reference.results));

  // The spool: each trial's task span exactly once, every batch of the run and its shard named.
  const { spans, badLines } = await readSpool(join(runDir, 'spans.otlp.jsonl'));
  assert.deepEqual(badLines, []);
  const tasks = spans
    .filter((s) => s.attributes['tau2.kind'] === 'task')
    .map(
      (s) => `${s.attributes['tau2.domain']}/${s.attributes['tau2.task.id']}/${s.attributes['tau2.trial']}`,
    );
  assert.deepEqual(tasks.sort(), [...keys].sort());
  assert.deepEqual(new Set(spans.map((s) => s.resource['tau2.run.id'])), new Set([runId]));
  const shards = new Set(
    spans
      .filter((s) => s.resource['service.name'] === 'tau2-harness')
      .map((s) => s.resource['tau2.shard.index']),
  );
  assert.deepEqual(shards, new Set([0, 1, 2]));
  // The merge job's stats step read the merged run.
  assert.ok(existsSync(join(runDir, 'timing_stats.json')), jobOutputs(work.path));
  process.stderr.write(
    `slurm: array of 3 + merge + stats in ${wallS.toFixed(1)} s (${keys.length} trials)\n`,
  );
});
