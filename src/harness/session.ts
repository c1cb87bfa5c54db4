/**
 * A run from code. {@link startRun} resolves domains and endpoints (or starts the embedded simulated server),
 * checks the endpoints, creates or resumes the run directory, starts telemetry, runs and records the trials,
 * and resolves with a {@link RunReport}. It never prints, exits or handles signals: the CLI (cli/run.ts) does
 * that around it, with a progress bar fed by {@link StartRunOptions.onStart} and `onTrialDone`.
 */
import { setMaxListeners } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { resolveDomains } from '../domains/registry.js';
import type { Domain } from '../domains/types.js';
import { ROUTING_POLICIES } from '../llm/routing.js';
import { type RunEndpoints, resolveEndpoints } from '../llm/run-endpoints.js';
import { checkServeCommand } from '../serve/fleet.js';
import { type SimRoles, simRolesProblem } from '../sim/custom-role.js';
import type { ExportReport } from '../telemetry/setup.js';
import { versions } from '../util/about.js';
import { messageParts, setting, UsageError } from '../util/errors.js';
import { type TrialResult, trialFailed } from './orchestrator.js';
import { RESULTS_JOURNAL, readRecorded } from './results.js';
import {
  CONFIG_FILE,
  createNamedRunDir,
  createRunDir,
  RESULTS_FILE,
  runIdOf,
  SPOOL_FILE,
  trialKey,
} from './rundir.js';
import { type PlannedTrial, planTrials } from './runner.js';
import { executeRun, RunStoppedError } from './session-run.js';
import { checkRunId, parseShard, type ShardSpec, shardFromEnv, shardOfKey, shardRunId } from './shard.js';

export { RunStoppedError };

import type { RunSettings } from './run-settings.js';
import type { RunStats } from './stats.js';

export { DEFAULT_RUN_SETTINGS, type RunSettings, runSettings } from './run-settings.js';

/** What a run is about to do, told once before its first trial. */
export interface RunStart {
  runDir: string;
  runId: string;
  /** Trials in the plan, and those already finished by an earlier attempt of the run. */
  planned: number;
  alreadyDone: number;
  /** Trials that failed before and run again. */
  rerun: number;
  /** Live figures, updated as calls and trials finish. */
  stats: RunStats;
}

/** Options of {@link startRun}. */
export interface StartRunOptions {
  /** Stops the run: no new trials, running ones are cancelled; what was recorded is kept. */
  signal?: AbortSignal;
  onStart?(run: RunStart): void;
  /** Each trial recorded, in the order they finish. */
  onTrialDone?(result: TrialResult): void;
  /** What a user should know that is not an error (tasks a domain skips). */
  onNotice?(text: string): void;
  /** Where API keys and OTEL_* settings are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Domains defined in code. A name in `settings.domains` that one of these has is taken from here, before
   * the built-in domains and tau2 data (a resumed run needs them again).
   */
  domains?: readonly Domain[];
  /**
   * Roles of your own for the embedded simulated server, by the role its model plays (`agent`, `user`,
   * `judge`, `expert`: every expert model); the others keep the built-in ones. Only for a run on the embedded
   * server (no endpoint configured); a resumed run needs them again.
   */
  simRoles?: SimRoles;
  /**
   * Create the run directory at exactly this path (it must not exist yet) instead of under `outputDir`;
   * ignored when resuming. A sweep names each level's run `c<level>` this way (sweep/sweep.ts).
   */
  runDir?: string;
}

/** The files of a run directory. */
export interface RunFiles {
  config: string;
  results: string;
  journal: string;
  /** The span spool, when tracing is on. */
  spool?: string;
}

/** How a run ended. */
export interface RunReport {
  runDir: string;
  runId: string;
  files: RunFiles;
  planned: number;
  /** The latest row of every recorded trial (earlier attempts of the run included). */
  results: TrialResult[];
  /** Recorded trials that failed to run (an endpoint, a timeout); resuming the run runs them again. */
  failed: TrialResult[];
  /** Planned trials without a successful result. */
  left: number;
  stats: RunStats;
  /** From the first trial to the last span flushed, in milliseconds. */
  wallMs: number;
  /** What the OTLP export delivered, when spans were exported. */
  otlpExport?: ExportReport;
  /** Why the run stopped before its plan was done (an endpoint that refuses every trial), if it did. */
  stopped?: string;
}

/** A sharded run's part: which shard, and how many trials the whole run plans. */
export interface PlannedShard extends ShardSpec {
  totalTrials: number;
}

/** What a run was set up with, before its directory exists. */
export interface RunPlan {
  /** The settings as the run uses and stores them (`shard: 'auto'` resolved, `runId` set when sharded). */
  settings: RunSettings;
  domains: Domain[];
  /** The trials of this run (of this shard, when sharded). */
  planned: PlannedTrial[];
  /** Set when the run is one shard of a sharded run. */
  shard?: PlannedShard;
  /** Rows recorded by earlier attempts of a resumed run. */
  previous: TrialResult[];
  endpoints: RunEndpoints;
}

function checkSettings(s: RunSettings): void {
  if (!(s.llmTimeout > 0)) {
    throw new UsageError(`${s.llmTimeout}: must be more than 0 seconds`, { field: 'llmTimeout' });
  }
  if (!ROUTING_POLICIES.includes(s.routing)) {
    throw new UsageError(`${s.routing}: not a routing policy (${ROUTING_POLICIES.join(', ')})`, {
      field: 'routing',
    });
  }
  if (s.serve && !(Number.isInteger(s.numServers) && s.numServers > 0)) {
    throw new UsageError(`${s.numServers}: must be a whole number above 0`, { field: 'numServers' });
  }
  if (s.serve) checkServeCommand(s);
}

/** Roles of your own need the embedded simulator, and must be roles. */
function checkSimRoles(roles: SimRoles | undefined, embedded: boolean): void {
  if (roles === undefined) return;
  const problem = simRolesProblem(roles);
  if (problem) throw new UsageError([setting('simRoles'), `: ${problem}`], { field: 'simRoles' });
  if (!embedded) {
    const why = ': roles of your own are played by the embedded simulated server, and this run has endpoints';
    throw new UsageError([setting('simRoles'), why], { field: 'simRoles' });
  }
}

/** `shard: 'auto'` read from the scheduler, and the run id every shard shares (harness/shard.ts). */
function resolveShard(s: RunSettings, env: NodeJS.ProcessEnv): RunSettings {
  if (s.shard === undefined) {
    if (s.runId !== undefined) checkRunId(s.runId);
    return s;
  }
  if (s.shard === 'auto') {
    const found = shardFromEnv(env);
    return {
      ...s,
      shard: { index: found.index, count: found.count },
      runId: shardRunId(s.runId, s.name, env, found),
    };
  }
  const shard = parseShard(`${s.shard.index}/${s.shard.count}`);
  return { ...s, shard, runId: shardRunId(s.runId, s.name, env) };
}

/** The trials of `shard`, picked by the hash of each trial's key. */
function shardTrials(planned: PlannedTrial[], shard: ShardSpec): PlannedTrial[] {
  return planned.filter(
    (p) =>
      shardOfKey(trialKey({ domain: p.domain.name, task_id: p.task.id, trial: p.trial }), shard.count) ===
      shard.index,
  );
}

function loadDomains(s: RunSettings, options: StartRunOptions): Domain[] {
  const names = [...new Set(s.domains)];
  const own = new Map((options.domains ?? []).map((d) => [d.name, d]));
  const others = names.filter((n) => !own.has(n));
  let found: Domain[];
  try {
    found = others.length === 0 ? [] : resolveDomains(others, { dataDir: s.dataDir });
  } catch (err) {
    throw new UsageError([setting('domains'), ': ', ...messageParts(err)], {
      field: 'domains',
      cause: err,
    });
  }
  return names.map((n) => own.get(n) ?? found[others.indexOf(n)]!);
}

/** Reads what the run needs before it creates anything: domains, the plan, endpoints (checked). */
export async function planRun(settings: RunSettings, options: StartRunOptions = {}): Promise<RunPlan> {
  const env = options.env ?? process.env;
  // One answer to "is content captured", for every span and for config.json.
  const s = resolveShard(
    {
      ...settings,
      captureContent:
        settings.captureContent || env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true',
    },
    env,
  );
  checkSettings(s);
  const previous = s.resume !== undefined ? readRecorded(s.resume) : [];
  const domains = loadDomains(s, options);
  const all = planTrials(domains, s.numTrials, s.numTasks, s.taskIds);
  if (all.length === 0) {
    throw new UsageError([setting('taskIds'), ' / ', setting('numTasks'), ' select no task'], {
      field: 'taskIds',
    });
  }
  // A shard may be handed no trial at all (few trials, many shards): it then records an empty run.
  const shard = typeof s.shard === 'object' ? s.shard : undefined;
  const planned = shard ? shardTrials(all, shard) : all;
  const endpoints = await resolveEndpoints(s, env);
  checkSimRoles(options.simRoles, endpoints.embedded);
  return {
    settings: s,
    domains,
    planned,
    previous,
    endpoints,
    ...(shard ? { shard: { ...shard, totalTrials: all.length } } : {}),
  };
}

/**
 * Runs an evaluation with `settings` and resolves with its report once every trial is recorded (or the
 * signal stopped the run) and telemetry is flushed. Bad settings, data or endpoints reject with a
 * {@link UsageError} naming the setting; a run directory that cannot be written with a {@link RunStoppedError}.
 */
export async function startRun(settings: RunSettings, options: StartRunOptions = {}): Promise<RunReport> {
  const plan = await planRun(settings, options);
  options.signal?.throwIfAborted();
  const s = plan.settings;
  const runDir =
    s.resume ??
    (options.runDir !== undefined
      ? createNamedRunDir(dirname(options.runDir), basename(options.runDir), undefined, s.captureContent)
      : s.runId !== undefined
        ? createNamedRunDir(s.outputDir, s.runId, plan.shard?.index, s.captureContent)
        : createRunDir(s.outputDir, s.name, new Date(), s.captureContent));
  // A shard's directory is named after its index: the run id is the setting (stored for --resume).
  const runId = s.runId ?? runIdOf(runDir);
  const files: RunFiles = {
    config: join(runDir, CONFIG_FILE),
    results: join(runDir, RESULTS_FILE),
    journal: join(runDir, RESULTS_JOURNAL),
    ...(s.tracing ? { spool: join(runDir, SPOOL_FILE) } : {}),
  };
  const signal = options.signal ?? new AbortController().signal;
  // Every in-flight LLM attempt listens for the cancel: hundreds at high concurrency, by design.
  setMaxListeners(0, signal);
  const run = await executeRun(plan, {
    runDir,
    runId,
    files,
    signal,
    options,
    version: versions().tau2_trace,
  });
  const failed = run.results.filter(trialFailed);
  return {
    runDir,
    runId,
    files,
    planned: plan.planned.length,
    results: run.results,
    failed,
    left: plan.planned.length - (run.results.length - failed.length),
    stats: run.stats,
    wallMs: run.wallMs,
    ...(run.otlpExport ? { otlpExport: run.otlpExport } : {}),
    ...(run.stopped !== undefined ? { stopped: run.stopped } : {}),
  };
}
