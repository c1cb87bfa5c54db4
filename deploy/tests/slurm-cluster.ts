/**
 * A one-node Slurm cluster on loopback for the sbatch test: munged (its own key and socket), slurmctld and
 * slurmd from Debian's slurm-wlm, all in the foreground under a temporary directory with a generated
 * slurm.conf, stopped by pid. Needs root (slurmd runs jobs as their user); scripts/test-deploy installs the
 * packages when they are missing.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, type Service, startService } from '../../stack/services.js';
import { closedPort } from '../../test/helpers.js';

const run = promisify(execFile);

/** A running cluster. */
export interface SlurmCluster {
  /** What a Slurm client needs in its environment (SLURM_CONF). */
  env: Record<string, string>;
  /** The node's name in slurm.conf. */
  node: string;
  /** The last lines of every daemon's log, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

const NODE = 'tau2node';

/** slurm.conf for one node that is also the controller; no cgroups, no accounting, no state kept. */
function slurmConf(dir: string, ports: { ctld: number; slurmd: number }, socket: string): string {
  // Three CPUs at least, whatever the machine has, so a three-task array runs at once (config_overrides).
  const cpusOfNode = Math.max(3, cpus().length);
  return [
    'ClusterName=tau2test',
    `SlurmctldHost=${hostname().split('.')[0]}(127.0.0.1)`,
    `SlurmctldPort=${ports.ctld}`,
    `SlurmdPort=${ports.slurmd}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SchedulerType=sched/builtin',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'SlurmdParameters=config_overrides',
    'ReturnToService=2',
    'MpiDefault=none',
    'MinJobAge=600',
    `NodeName=${NODE} NodeHostname=${hostname().split('.')[0]} NodeAddr=127.0.0.1 CPUs=${cpusOfNode} State=UNKNOWN`,
    `PartitionName=debug Nodes=${NODE} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

/** munged with a fresh key, its socket in `dir`; resolves once a credential can be made and decoded. */
async function startMunge(dir: string): Promise<{ service: Service; socket: string }> {
  const mdir = join(dir, 'munge');
  mkdirSync(mdir, { mode: 0o700 });
  const key = join(mdir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(mdir, 'munge.socket');
  const service = startService(
    'munged',
    'munged',
    [
      '--foreground',
      '--force',
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--pid-file=${join(mdir, 'munged.pid')}`,
      `--log-file=${join(mdir, 'munged.log')}`,
      `--seed-file=${join(mdir, 'munged.seed')}`,
    ],
    {},
    dir,
  );
  await eventually(
    'munged answers',
    async () => {
      if (service.exited()) throw new Error(`munged exited:\n${service.tail()}`);
      if (!existsSync(socket)) return undefined;
      await run('sh', ['-c', `munge -n -S "${socket}" | unmunge -S "${socket}"`]);
      return true;
    },
    15_000,
  );
  return { service, socket };
}

/** Throws naming the first program of the cluster that is not on PATH. */
async function checkInstalled(): Promise<void> {
  for (const bin of ['munged', 'munge', 'unmunge', 'slurmctld', 'slurmd', 'sinfo', 'sbatch', 'scontrol']) {
    try {
      await run('sh', ['-c', `command -v ${bin}`]);
    } catch {
      throw new Error(
        `${bin} is not on PATH: install Debian's slurm-wlm and munge (scripts/test-deploy does)`,
      );
    }
  }
}

/** Starts the cluster in `dir` and resolves once the node is idle, or throws saying which daemon failed. */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  await checkInstalled();
  const services: Service[] = [];
  const conf = join(dir, 'slurm.conf');
  const env = { SLURM_CONF: conf };
  const logs = () => services.map((s) => `--- ${s.name} (${s.log})\n${s.tail(20)}`).join('\n');
  const stop = async () => {
    for (const s of services.reverse()) await s.stop();
  };
  try {
    const munge = await startMunge(dir);
    services.push(munge.service);
    for (const d of ['state', 'spool']) mkdirSync(join(dir, d), { mode: 0o700 });
    writeFileSync(
      conf,
      slurmConf(dir, { ctld: await closedPort(), slurmd: await closedPort() }, munge.socket),
    );
    services.push(startService('slurmctld', 'slurmctld', ['-D', '-i', '-f', conf], env, dir));
    services.push(startService('slurmd', 'slurmd', ['-D', '-f', conf, '-N', NODE], env, dir));
    await eventually(
      `node ${NODE} idle`,
      async () => {
        const dead = services.find((s) => s.exited());
        if (dead) throw new Error(`${dead.name} exited`);
        const { stdout } = await run('sinfo', ['-h', '-n', NODE, '-o', '%T'], {
          env: { ...process.env, ...env },
        });
        return stdout.trim() === 'idle' ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    const why = `the Slurm cluster did not start: ${(err as Error).message}\n${logs()}`;
    await stop();
    throw new Error(why, { cause: err });
  }
  return { env, node: NODE, logs, stop };
}
