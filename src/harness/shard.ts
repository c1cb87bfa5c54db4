/**
 * Sharded runs: several harness processes (one per shard, placed by Slurm, Kubernetes or a hand) each run a
 * fixed part of one run's trials under the same `tau2.run.id`, and `tau2-trace merge` joins their run
 * directories. A trial's shard is a hash of its key (domain, task id, trial) modulo the shard count, so it
 * depends on nothing but the key: not on the order of tasks, the machine, or which other trials exist.
 */
import { createHash } from 'node:crypto';
import { setting, UsageError } from '../util/errors.js';

/** One shard of a run: `index` in 0 … `count`-1. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The count a Kubernetes Indexed Job passes as an env var (the manifest sets it to `spec.completions`). */
export const SHARD_COUNT_ENV = 'TAU2_SHARD_COUNT';
/** A run id every shard of a run is given (`--run-id` wins over it). */
export const RUN_ID_ENV = 'TAU2_RUN_ID';

/** The most shards of one run (a sanity bound on a typo, not a limit of the design). */
export const MAX_SHARDS = 100_000;

/** The shard of the trial `key` (see rundir.ts `trialKey`) among `count`. */
export function shardOfKey(key: string, count: number): number {
  // 48 bits of SHA-256: uniform, and exact as a JS number.
  const h = createHash('sha256').update(key).digest();
  return h.readUIntBE(0, 6) % count;
}

function checkSpec(index: number, count: number, from: string): ShardSpec {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new UsageError([setting('shard'), `: ${from}: the shard count must be 1 … ${MAX_SHARDS}`], {
      field: 'shard',
    });
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new UsageError([setting('shard'), `: ${from}: the index must be 0 … ${count - 1}`], {
      field: 'shard',
    });
  }
  return { index, count };
}

/** `I/N` (0-based index, count) as a {@link ShardSpec}. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) {
    throw new UsageError([setting('shard'), `: "${text}": expected I/N (0-based index / count) or auto`], {
      field: 'shard',
    });
  }
  return checkSpec(Number(m[1]), Number(m[2]), `"${text}"`);
}

const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN);

/** The shard of a Slurm array task (ids need not start at 0; a step `--array=0-8:2` is honoured). */
function slurmShard(env: NodeJS.ProcessEnv): ShardSpec {
  const id = int(env.SLURM_ARRAY_TASK_ID);
  const count = int(env.SLURM_ARRAY_TASK_COUNT);
  const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : int(env.SLURM_ARRAY_TASK_MIN);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : int(env.SLURM_ARRAY_TASK_STEP);
  const from = `SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID} SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT}`;
  if ((id - min) % step !== 0) {
    throw new UsageError([setting('shard'), `: ${from}: not on the array's step ${step} from ${min}`], {
      field: 'shard',
    });
  }
  return checkSpec((id - min) / step, count, from);
}

/** A shard, and the run id its scheduler implies, read from the scheduler's own variables. */
export interface SchedulerShard extends ShardSpec {
  scheduler: 'slurm' | 'kubernetes';
  /** Slurm: the array job's id, the same for every task of the array. */
  jobId?: string;
}

/**
 * `--shard auto`: a Slurm job array (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes
 * Indexed Job (`JOB_COMPLETION_INDEX`, and {@link SHARD_COUNT_ENV} set by the manifest).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): SchedulerShard {
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    return {
      ...slurmShard(env),
      scheduler: 'slurm',
      ...(env.SLURM_ARRAY_JOB_ID ? { jobId: env.SLURM_ARRAY_JOB_ID } : {}),
    };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (env[SHARD_COUNT_ENV] === undefined) {
      throw new UsageError(
        [
          setting('shard'),
          `: auto found JOB_COMPLETION_INDEX but no ${SHARD_COUNT_ENV}; set it to the Job's spec.completions in the manifest`,
        ],
        { field: 'shard' },
      );
    }
    const from = `JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} ${SHARD_COUNT_ENV}=${env[SHARD_COUNT_ENV]}`;
    return {
      ...checkSpec(int(env.JOB_COMPLETION_INDEX), int(env[SHARD_COUNT_ENV]), from),
      scheduler: 'kubernetes',
    };
  }
  throw new UsageError(
    [
      setting('shard'),
      ': auto needs a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); neither is set',
    ],
    { field: 'shard' },
  );
}

/**
 * The run id every shard must share: the `runId` setting, else {@link RUN_ID_ENV}, else (Slurm) `<name>_<array
 * job id>`. Without one the shards could not tell they belong together, so a sharded run refuses to start.
 */
export function shardRunId(
  runId: string | undefined,
  name: string,
  env: NodeJS.ProcessEnv,
  sched?: SchedulerShard,
): string {
  // An empty variable is an unset one (a manifest or script that defines it empty).
  const fromEnv = env[RUN_ID_ENV] || undefined;
  const id = runId ?? fromEnv ?? (sched?.jobId !== undefined ? `${name}_${sched.jobId}` : undefined);
  if (id === undefined) {
    throw new UsageError(
      [
        setting('runId'),
        ` is needed with `,
        setting('shard'),
        ` (or ${RUN_ID_ENV}): every shard of a run must be given the same one`,
      ],
      { field: 'runId' },
    );
  }
  checkRunId(id);
  return id;
}

/** A run id becomes a directory name: letters, digits, '.', '_' and '-' only. */
export function checkRunId(id: string): void {
  if (!/^[\w.-]+$/.test(id) || id === '.' || id === '..') {
    throw new UsageError(`"${id}": use letters, digits, '.', '_' or '-'`, { field: 'runId' });
  }
}
