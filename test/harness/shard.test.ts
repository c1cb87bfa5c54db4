/** Sharding a run's trials: the spec, the scheduler's variables, the run id, and the hash partition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseShard,
  RUN_ID_ENV,
  SHARD_COUNT_ENV,
  shardFromEnv,
  shardOfKey,
  shardRunId,
} from '../../src/harness/shard.js';
import { UsageError } from '../../src/util/errors.js';

const aboutShard = (err: unknown) => err instanceof UsageError && err.field === 'shard';

describe('parseShard', () => {
  it('reads I/N, 0-based', () => {
    assert.deepEqual(parseShard('0/1'), { index: 0, count: 1 });
    assert.deepEqual(parseShard(' 2 / 3 '), { index: 2, count: 3 });
  });
  it('refuses an index out of range, a zero count and anything else, naming the setting', () => {
    for (const bad of ['3/3', '0/0', '-1/2', '1', 'a/b', '1/2/3', '']) {
      assert.throws(() => parseShard(bad), aboutShard, bad);
    }
  });
});

describe('shardFromEnv', () => {
  it('reads a Slurm job array, with the array job id for the run id', () => {
    const env = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_JOB_ID: '77' };
    assert.deepEqual(shardFromEnv(env), { index: 1, count: 3, scheduler: 'slurm', jobId: '77' });
    assert.equal(shardRunId(undefined, 'exp', env, shardFromEnv(env)), 'exp_77');
  });
  it('counts from the array minimum in steps (--array=4-12:4 is shards 0, 1, 2)', () => {
    const base = { SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_STEP: '4' };
    const got = ['4', '8', '12'].map((id) => shardFromEnv({ ...base, SLURM_ARRAY_TASK_ID: id }).index);
    assert.deepEqual(got, [0, 1, 2]);
    assert.throws(() => shardFromEnv({ ...base, SLURM_ARRAY_TASK_ID: '5' }), aboutShard);
  });
  it('reads a Kubernetes Indexed Job, whose count the manifest passes', () => {
    const env = { JOB_COMPLETION_INDEX: '3', [SHARD_COUNT_ENV]: '4' };
    assert.deepEqual(shardFromEnv(env), { index: 3, count: 4, scheduler: 'kubernetes' });
    assert.throws(
      () => shardFromEnv({ JOB_COMPLETION_INDEX: '3' }),
      (err: unknown) => aboutShard(err) && (err as Error).message.includes(SHARD_COUNT_ENV),
    );
    assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4', [SHARD_COUNT_ENV]: '4' }), aboutShard);
  });
  it('says what it looked for when no scheduler set anything', () => {
    assert.throws(
      () => shardFromEnv({}),
      (err: unknown) =>
        aboutShard(err) && /SLURM_ARRAY_TASK_ID.*JOB_COMPLETION_INDEX/.test((err as Error).message),
    );
  });
});

describe('shardRunId', () => {
  it('takes the setting, then the environment', () => {
    assert.equal(shardRunId('given', 'x', { [RUN_ID_ENV]: 'env' }), 'given');
    assert.equal(shardRunId(undefined, 'x', { [RUN_ID_ENV]: 'env' }), 'env');
  });
  it('refuses to guess one, and refuses one that is no directory name', () => {
    const aboutRunId = (err: unknown) => err instanceof UsageError && err.field === 'runId';
    assert.throws(() => shardRunId(undefined, 'x', {}), aboutRunId);
    assert.throws(() => shardRunId('../up', 'x', {}), aboutRunId);
  });
});

describe('shardOfKey', () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `d${i % 3}/task_${i}/${1 + (i % 4)}`);
  it('puts every trial in exactly one shard, the same one however often and in whatever order asked', () => {
    for (const count of [1, 2, 3, 7]) {
      const first = new Map(keys.map((k) => [k, shardOfKey(k, count)]));
      for (const k of [...keys].reverse()) assert.equal(shardOfKey(k, count), first.get(k));
      for (const s of first.values()) assert.ok(Number.isInteger(s) && s >= 0 && s < count);
    }
  });
  it('spreads trials evenly (each of 3 shards within 10% of a third of 3000)', () => {
    const sizes = [0, 0, 0];
    for (const k of keys) sizes[shardOfKey(k, 3)]!++;
    for (const n of sizes) assert.ok(Math.abs(n - 1000) < 100, `${sizes}`);
  });
  it('depends on the whole key: domain, task id and trial each move trials between shards', () => {
    const moved = (f: (k: string) => string) =>
      keys.filter((k) => shardOfKey(k, 3) !== shardOfKey(f(k), 3)).length;
    assert.ok(moved((k) => k.replace(/^d/, 'e')) > 1000);
    assert.ok(moved((k) => k.replace('task_', 'task-')) > 1000);
    assert.ok(moved((k) => `${k}0`) > 1000);
  });
});
