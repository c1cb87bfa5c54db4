/** `run --shard`, `run --resume` of a shard and `merge` from the command line: paths, messages, exit codes. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FAST, runCli, runDirOf, tempDir } from '../helpers.js';

const tmp = tempDir();
const out = join(tmp.path, 'runs');
const shardDir = (i: number) => join(out, 'exp_41', 'shards', String(i));
after(() => tmp.cleanup());

before(async () => {
  // Slurm's variables, as an array task of job 41 sees them: the run id is derived from the array job.
  for (const i of [0, 1]) {
    const env = { SLURM_ARRAY_JOB_ID: '41', SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: '2' };
    const r = await runCli(
      ['run', '--shard', 'auto', '--name', 'exp', '--num-tasks', '4', '--output-dir', out, ...FAST],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runDirOf(r.stdout), shardDir(i));
  }
});

describe('run --shard', () => {
  it('needs a run id the shards share', async () => {
    const r = await runCli(['run', '--shard', '0/2', '--output-dir', out, ...FAST], { TAU2_RUN_ID: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--run-id is needed with --shard \(or TAU2_RUN_ID\)/);
  });

  it('--run-id without --shard names an unsharded run directory', async () => {
    const r = await runCli(['run', '--run-id', 'named', '--num-tasks', '1', '--output-dir', out, ...FAST]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runDirOf(r.stdout), join(out, 'named'));
    assert.equal(JSON.parse(readFileSync(join(out, 'named', 'config.json'), 'utf8')).run_id, 'named');
  });

  it('refuses to start a shard again in its directory, and resumes it instead', async () => {
    const again = await runCli([
      'run',
      '--shard',
      '0/2',
      '--run-id',
      'exp_41',
      '--num-tasks',
      '4',
      '--output-dir',
      out,
      ...FAST,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, new RegExp(`${shardDir(0)}: already exists; finish that run with --resume`));
    const resumed = await runCli(['run', '--resume', shardDir(0), '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(runDirOf(resumed.stdout), shardDir(0));
  });
});

describe('merge', () => {
  it('refuses a run with a shard missing, naming it and --partial; merges it when asked', async () => {
    const refused = await runCli(['merge', shardDir(0), '--out', join(tmp.path, 'part')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /shards 1 of 2 are not given.*--partial merges what there is/);
    assert.equal(existsSync(join(tmp.path, 'part')), false);
    const partial = await runCli(['merge', shardDir(0), '--out', join(tmp.path, 'part'), '--partial']);
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stderr, /warning: partial merge: shards not given: 1;/);
  });

  it('names the command when the shards given do not fit together', async () => {
    const r = await runCli(['merge', shardDir(0), shardDir(0), '--out', join(tmp.path, 'twice')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tau2-trace: error: tau2-trace merge: shard 0 is given twice/);
  });

  it('merges every shard into the run directory beside them, which stats and logs read', async () => {
    const run = join(out, 'exp_41');
    const r = await runCli(['merge', shardDir(0), shardDir(1), '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /merged 2\/2 shards of exp_41: 4\/4 trials/);
    assert.equal(JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')).finished_trials, 4);
    const stats = await runCli(['stats', '--spans', run, '--no-ext']);
    assert.equal(stats.code, 0, stats.stderr);
    const logs = await runCli(['logs', run]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.ok(existsSync(join(run, 'tau2_demo.log')));
  });
});
