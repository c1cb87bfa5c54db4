/**
 * The part of a run between its plan and its report: the telemetry pipelines (the harness's, and the embedded
 * simulator's own), the LLM client, config.json, the results store, and the trials themselves. Everything it
 * starts it stops, whatever happens.
 */
import { existsSync } from 'node:fs';
import type { Context } from '@opentelemetry/api';
import { type ChatRequest, createLlmClient, type LlmClient } from '../llm/client.js';
import type { ModelConfig } from '../llm/endpoints.js';
import { type ServedRole, startSimServer } from '../sim/index.js';
import { engineConfigOf, faultConfigOf } from '../sim/settings.js';
import { Attr, ServiceName } from '../telemetry/names.js';
import { type ExportReport, startTelemetry, type Telemetry } from '../telemetry/setup.js';
import { createSpoolWriter, type SpoolWriter } from '../telemetry/spool.js';
import { hostInfo, versions } from '../util/about.js';
import { setting, systemErrorCode, Tau2Error } from '../util/errors.js';
import { safeUrl } from '../util/url.js';
import { type TrialResult, type TrialSettings, trialFailed } from './orchestrator.js';
import { openResults } from './results.js';
import { readRunConfig, SPOOL_FILE, trialKey, writeJsonAtomic } from './rundir.js';
import { runTrials } from './runner.js';
import type { RunFiles, RunPlan, RunSettings, StartRunOptions } from './session.js';
import { startRunServers } from './session-serve.js';
import { createRunStats, type RunStats } from './stats.js';

/** What {@link executeRun} needs besides the plan. */
export interface RunContext {
  runDir: string;
  /** `tau2.run.id`: the directory's name, or the id every shard of a run shares. */
  runId: string;
  files: RunFiles;
  signal: AbortSignal;
  options: StartRunOptions;
  version: string;
}

/** What {@link executeRun} ends with. */
export interface RunOutcome {
  results: TrialResult[];
  stats: RunStats;
  wallMs: number;
  otlpExport?: ExportReport;
  stopped?: string;
}

/** The run's own files could not be written (a full disk…): what was recorded stays, and a resume goes on. */
export class RunStoppedError extends Tau2Error {
  override readonly name: string = 'RunStoppedError';
  constructor(
    readonly runDir: string,
    cause: Error,
  ) {
    super(
      [
        `the run stopped: ${cause.message}; the trials recorded so far are kept, and `,
        setting('resume'),
        ` ${runDir} runs the rest`,
      ],
      { code: 'io', field: 'resume', cause },
    );
  }
}

/** Runs the trials; a failure of the machine while recording them becomes a {@link RunStoppedError}. */
async function runRecorded(o: Parameters<typeof runTrials>[0], runDir: string) {
  try {
    return await runTrials(o);
  } catch (err) {
    if (!systemErrorCode(err) || err instanceof Tau2Error) throw err;
    throw new RunStoppedError(runDir, err as Error);
  }
}

/** Things to stop when the run ends, last started first stopped. */
type Cleanups = (() => Promise<void>)[];

/** The harness's telemetry: spans to the spool (and OTLP when the environment asks), GenAI metrics. */
function harnessTelemetry(
  plan: RunPlan,
  runId: string,
  spool: SpoolWriter | undefined,
  version: string,
): Telemetry {
  const { settings: s, endpoints } = plan;
  const resource = {
    [Attr.runId]: runId,
    [Attr.runAgentModel]: endpoints.models.agent,
    [Attr.runUserModel]: endpoints.models.user,
    [Attr.runDomains]: s.domains.join(','),
    [Attr.runConcurrency]: s.maxConcurrency,
    [Attr.runTrials]: s.numTrials,
    [Attr.runSeed]: s.seed,
    ...(s.baseline ? { [Attr.runBaseline]: true } : {}),
    ...(plan.shard ? { [Attr.shardIndex]: plan.shard.index, [Attr.shardCount]: plan.shard.count } : {}),
  };
  return startTelemetry({
    serviceName: ServiceName.harness,
    serviceVersion: version,
    resource,
    ...(spool ? { spool } : {}),
    disabled: !s.tracing,
  });
}

/**
 * Starts the simulated server in-process with its own telemetry (its `llm_request` spans go to the same
 * spool) and points every model of the run at it.
 */
async function startEmbeddedSim(
  plan: RunPlan,
  ctx: RunContext,
  spool: SpoolWriter | undefined,
  cleanups: Cleanups,
) {
  const { settings: s, endpoints } = plan;
  const { models, config } = endpoints;
  const runId = ctx.runId;
  const simTelemetry = startTelemetry({
    serviceName: ServiceName.sim,
    serviceVersion: ctx.version,
    resource: { [Attr.runId]: runId },
    ...(spool ? { spool } : {}),
    ownsSpool: false,
    disabled: !s.tracing,
  });
  await simTelemetry.ready();
  const own = ctx.options.simRoles ?? {};
  const roles: Record<string, ServedRole> = {
    [models.agent]: own.agent ?? 'agent',
    [models.user]: own.user ?? 'user',
    [models.judge]: own.judge ?? 'judge',
  };
  for (const m of Object.values(models.experts)) roles[m] = own.expert ?? 'expert';
  const sim = await startSimServer({
    seed: s.seed,
    models: roles,
    tasks: plan.domains.flatMap((d) => d.tasks),
    engine: engineConfigOf(s),
    faults: faultConfigOf(s),
    tracer: simTelemetry.tracer,
  });
  cleanups.push(
    () => simTelemetry.shutdown(),
    () => sim.close(),
  );
  for (const model of Object.keys(roles))
    config.models[model] = [{ baseURL: `${sim.url}/v1`, provider: 'vllm' }];
}

async function startLlmClient(plan: RunPlan, runId: string, telemetry: Telemetry, env: NodeJS.ProcessEnv) {
  const s = plan.settings;
  const llm = createLlmClient({
    config: plan.endpoints.config,
    tracer: telemetry.tracer,
    instruments: telemetry.instruments,
    runId,
    retry: { maxAttempts: s.maxRetries + 1, baseDelayMs: s.retryBaseMs, budgetMs: s.retryBudget * 1000 },
    timeoutMs: s.llmTimeout * 1000,
    captureContent: s.captureContent,
    seed: s.seed,
    env,
    routing: s.routing,
  });
  await llm.ready();
  return llm;
}

function trialSettingsOf(plan: RunPlan): TrialSettings {
  const { settings: s, endpoints } = plan;
  return {
    agentModel: endpoints.models.agent,
    userModel: endpoints.models.user,
    judgeModel: endpoints.models.judge,
    expertMapping: endpoints.models.experts,
    useModelTool: s.useModelTool,
    // The simulated orchestrator stands for a local checkpoint (the fork's runs name one by its path).
    orchestratorIsLocalPath: endpoints.embedded || existsSync(endpoints.models.agent),
    maxSteps: s.maxSteps,
    maxErrors: s.maxErrors,
    captureContent: s.captureContent,
    taskTimeoutMs: s.taskTimeout * 1000,
  };
}

/** The run's parameters as config.json stores them: everything but where to resume from. */
function parametersOf(s: RunSettings): Omit<RunSettings, 'resume'> {
  const { resume: _r, ...rest } = s;
  return rest;
}

/** config.json's endpoints: where each model was served, without credentials. */
function redactEndpoints(config: ModelConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config.models).map(([model, specs]) => [
      model,
      specs.map((spec) => ({ ...spec, baseURL: safeUrl(spec.baseURL) })),
    ]),
  );
}

/**
 * config.json's `shard`: which shard, the whole run's size, and this shard's trial keys, so that `merge` can
 * name a trial that is missing without loading the run's domains again.
 */
function shardRecord(plan: RunPlan) {
  const shard = plan.shard!;
  return {
    index: shard.index,
    count: shard.count,
    total_trials: shard.totalTrials,
    trials: plan.planned.map((p) => trialKey({ domain: p.domain.name, task_id: p.task.id, trial: p.trial })),
  };
}

/** Writes config.json; `extra` goes under `telemetry` (the OTLP export's account, at the end). */
function configWriter(plan: RunPlan, ctx: RunContext, otlp: boolean) {
  const resumed = plan.settings.resume !== undefined;
  const before = resumed ? readRunConfig(ctx.runDir) : undefined;
  const createdAt = before?.created_at ?? new Date().toISOString();
  const resumedAt = [
    ...((before?.resumed_at as string[] | undefined) ?? []),
    ...(resumed ? [new Date().toISOString()] : []),
  ];
  const { endpoints, settings: s } = plan;
  return (extra: Record<string, unknown>) =>
    writeJsonAtomic(ctx.files.config, {
      run_id: ctx.runId,
      created_at: createdAt,
      resumed_at: resumedAt,
      parameters: parametersOf(s),
      models: endpoints.models,
      endpoints: endpoints.embedded ? 'embedded simulated server' : redactEndpoints(endpoints.config),
      // Which of the embedded server's roles were played by the caller's functions (simRoles), if any.
      ...(ctx.options.simRoles ? { custom_sim_roles: Object.keys(ctx.options.simRoles) } : {}),
      trials_planned: plan.planned.length,
      ...(plan.shard ? { shard: shardRecord(plan) } : {}),
      versions: versions(),
      host: hostInfo(),
      telemetry: { spool: s.tracing ? SPOOL_FILE : null, otlp, ...extra },
    });
}

/**
 * Failures that no other trial can escape: the endpoint does not know the key (401/403) or the model or path
 * (404). Running on would only record the same failure for every trial.
 */
function runWideFailure(r: { error?: string; error_type?: string }): string | undefined {
  if (r.error_type === '401' || r.error_type === '403' || r.error_type === '404') {
    return `stopping the run: ${r.error}`;
  }
  return undefined;
}

/** Runs the trials of `plan` in `ctx.runDir`, recording each; stops every pipeline it started. */
export async function executeRun(plan: RunPlan, ctx: RunContext): Promise<RunOutcome> {
  const runId = ctx.runId;
  const env = ctx.options.env ?? process.env;
  const spool = ctx.files.spool ? createSpoolWriter(ctx.files.spool) : undefined;
  const telemetry = harnessTelemetry(plan, runId, spool, ctx.version);
  const cleanups: Cleanups = [];
  try {
    if (plan.endpoints.embedded) await startEmbeddedSim(plan, ctx, spool, cleanups);
    const fleet = plan.settings.serve
      ? await startRunServers(plan, ctx.runDir, telemetry.otlp, ctx.options, ctx.signal)
      : undefined;
    if (fleet) cleanups.push(() => fleet.stop());
    // No span may end before the resource is complete: the spool writes the resource of each batch as it is.
    await telemetry.ready();
    const llm: LlmClient = await startLlmClient(plan, runId, telemetry, env);
    cleanups.push(() => llm.close());
    const writeConfig = configWriter(plan, ctx, telemetry.otlp);
    writeConfig({});
    const results = openResults(ctx.runDir, runId, plan.planned.length, plan.previous);
    cleanups.push(async () => results.close());

    const stats = createRunStats();
    const alreadyDone = plan.previous.filter((r) => !trialFailed(r)).length;
    const rerun = plan.previous.filter(trialFailed).length;
    ctx.options.onStart?.({
      runDir: ctx.runDir,
      runId,
      planned: plan.planned.length,
      alreadyDone,
      rerun,
      stats,
    });
    const t0 = performance.now();
    const outcome = await runRecorded(
      {
        planned: plan.planned,
        results,
        concurrency: plan.settings.maxConcurrency,
        runId,
        settings: trialSettingsOf(plan),
        tracer: telemetry.tracer,
        instruments: telemetry.instruments,
        chat: (req: ChatRequest, parent: Context, signal?: AbortSignal) => llm.chat(req, parent, signal),
        stats,
        // A server of the run that dies stops the run (below) as Ctrl-C would.
        signal: fleet ? AbortSignal.any([ctx.signal, fleet.died]) : ctx.signal,
        ...(ctx.options.onTrialDone ? { onTrialDone: ctx.options.onTrialDone } : {}),
        flushSpans: () => spool?.flush(),
        stopAfter: runWideFailure,
      },
      ctx.runDir,
    );
    results.close();
    await telemetry.forceFlush();
    const otlpExport = telemetry.exportReport();
    if (otlpExport) writeConfig({ otlp_export: otlpExport });
    if (fleet?.died.aborted) throw new RunStoppedError(ctx.runDir, fleet.died.reason as Error);
    return {
      results: outcome.results,
      stats,
      wallMs: performance.now() - t0,
      ...(otlpExport ? { otlpExport } : {}),
      ...(outcome.stopped !== undefined ? { stopped: outcome.stopped } : {}),
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await telemetry.shutdown();
    spool?.close();
  }
}
