/**
 * `tau2-trace run`: resolves domains and endpoints (or starts the embedded simulated server), creates the run
 * directory, runs the trials with telemetry and a progress bar, and handles Ctrl-C / SIGTERM and `--resume`.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '@opentelemetry/api';
import { fetch as undiciFetch } from 'undici';
import { resolveDomains } from '../domains/registry.js';
import type { Domain } from '../domains/types.js';
import { type TrialSettings, trialFailed } from '../harness/orchestrator.js';
import { openResults, RESULTS_JOURNAL, readRecorded } from '../harness/results.js';
import {
  CONFIG_FILE,
  createRunDir,
  readRunConfig,
  runIdOf,
  SPOOL_FILE,
  writeJsonAtomic,
} from '../harness/rundir.js';
import { planTrials, runTrials } from '../harness/runner.js';
import { createRunStats } from '../harness/stats.js';
import { type ChatRequest, createLlmClient } from '../llm/client.js';
import { checkBaseUrl, DEFAULT_EXPERT_MAPPING, loadModelConfig, type ModelConfig } from '../llm/endpoints.js';
import { type Role, startSimServer } from '../sim/index.js';
import { Attr, ServiceName } from '../telemetry/names.js';
import { GEN_AI_LATEST_OPT_IN, genAiConventionOf, SEMCONV_OPT_IN_ENV } from '../telemetry/semconv.js';
import { startTelemetry } from '../telemetry/setup.js';
import { createSpoolWriter } from '../telemetry/spool.js';
import { systemErrorCode, UsageError } from '../util/errors.js';
import { safeUrl } from '../util/url.js';
import { hostInfo, versions } from './about.js';
import { createProgress, summaryTable } from './progress.js';
import type { SimFlags } from './sim.js';
import { engineFromFlags, faultsFromFlags } from './sim.js';

/** Every parameter of a run, as parsed from the command line (and stored in config.json). */
export interface RunOptions extends SimFlags {
  domains: string[];
  /** Pin this run as the TTFT baseline of the regression alert (`tau2.run.baseline=true`). */
  baseline?: boolean;
  dataDir?: string;
  numTasks?: number;
  taskIds?: string[];
  numTrials: number;
  maxConcurrency: number;
  maxSteps: number;
  maxErrors: number;
  seed: number;
  agentModel?: string;
  userLlm?: string;
  judgeLlm?: string;
  modelConfig?: string;
  agentBaseUrl?: string;
  userBaseUrl?: string;
  expertBaseUrl?: string;
  judgeBaseUrl?: string;
  useModelTool: boolean;
  outputDir: string;
  name: string;
  resume?: string;
  captureContent: boolean;
  tracing: boolean;
  llmTimeout: number;
  maxRetries: number;
  retryBaseMs: number;
  /** Seconds a failing LLM call keeps being retried, counted from its first failure. */
  retryBudget: number;
  /** Wall-clock limit of one trial, seconds (0: none). */
  taskTimeout: number;
  /** Exit 0 even when trials failed or the OTLP export did (both are still reported). */
  allowErrors: boolean;
  quiet: boolean;
}

/** Flags that may accompany `--resume`: they change how the run is watched, not what it measures. */
const RESUME_FLAGS = new Set(['resume', 'quiet', 'allowErrors']);

/** Exit code of a run that finished but failed at something asked of it (trials, export). */
export const EXIT_RUN_ERRORS = 3;

/** Names of the models playing each part. */
interface Models {
  agent: string;
  user: string;
  judge: string;
  experts: Record<string, string>;
}

// The simulated experts answer under the fork's default names: it routes an expert by its model's name
// (gpt-5* to the OpenAI API with tools, qwen3 to vLLM without), and refuses names it does not know.
const EMBEDDED: Models = {
  agent: 'sim-orchestrator-8b',
  user: 'sim-user',
  judge: 'sim-judge',
  experts: { ...DEFAULT_EXPERT_MAPPING },
};

function usesEndpoints(o: RunOptions): boolean {
  return Boolean(o.modelConfig || o.agentBaseUrl || o.userBaseUrl || o.expertBaseUrl || o.judgeBaseUrl);
}

function loadDomains(o: RunOptions): Domain[] {
  try {
    return resolveDomains(o.domains, {
      dataDir: o.dataDir,
      onSkipped: (name, skipped) => {
        const shown = skipped.slice(0, 5).map((t) => `  ${t.id}: ${t.reason}\n`);
        const more = skipped.length > shown.length ? `  … and ${skipped.length - shown.length} more\n` : '';
        process.stderr.write(`domain ${name}: ${skipped.length} tasks skipped:\n${shown.join('')}${more}`);
      },
    });
  } catch (err) {
    throw new UsageError(`--domains: ${(err as Error).message}`);
  }
}

/** Models and endpoints for real-endpoint mode. */
function realEndpoints(o: RunOptions, env: NodeJS.ProcessEnv): { models: Models; config: ModelConfig } {
  const config: ModelConfig = o.modelConfig
    ? loadModelConfig(o.modelConfig)
    : { models: {}, expertMapping: {} };
  if (!o.agentModel) throw new UsageError('--agent-model is required when endpoints are given');
  const user = o.userLlm ?? 'gpt-4.1';
  const models: Models = {
    agent: o.agentModel,
    user,
    judge: o.judgeLlm ?? user,
    experts: { ...DEFAULT_EXPERT_MAPPING, ...config.expertMapping },
  };
  const add = (model: string, url: string | undefined, keyEnv: string, flag: string) => {
    if (!url) return;
    const baseURL = checkBaseUrl(url, flag);
    config.models[model] ??= [{ baseURL, provider: 'vllm', apiKeyEnv: keyEnv }];
  };
  add(models.agent, o.agentBaseUrl, 'TAU2_AGENT_API_KEY', '--agent-base-url');
  add(models.user, o.userBaseUrl, 'TAU2_USER_API_KEY', '--user-base-url');
  add(models.judge, o.judgeBaseUrl ?? o.userBaseUrl, 'TAU2_JUDGE_API_KEY', '--judge-base-url');
  for (const m of Object.values(models.experts))
    add(m, o.expertBaseUrl, 'TAU2_EXPERT_API_KEY', '--expert-base-url');
  if (!config.models[models.agent]) {
    throw new UsageError(
      `--model-config ${o.modelConfig ?? '(none)'}: no endpoint for the agent model "${models.agent}" ` +
        `(key "${models.agent}" missing; has: ${Object.keys(config.models).join(', ') || 'nothing'})`,
    );
  }
  const used = [models.user, models.judge, ...(o.useModelTool ? Object.values(models.experts) : [])];
  for (const model of used) {
    if (!config.models[model] && !env.OPENAI_API_KEY) {
      throw new UsageError(
        `model "${model}" has no endpoint in --model-config or the --*-base-url flags, and OPENAI_API_KEY is not set`,
      );
    }
  }
  return { models, config };
}

/**
 * Contacts every endpoint once before the run starts, and fails naming the URL when one cannot be reached,
 * refuses the key, or does not serve the model the run will ask it for (`GET /models`). An endpoint without a
 * `/models` listing (404) is only reached, not checked for the model.
 */
async function preflight(
  endpoints: { model: string; baseURL: string; apiKeyEnv?: string | undefined }[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await Promise.all(
    endpoints.map(async ({ model, baseURL, apiKeyEnv }) => {
      const where = `endpoint ${safeUrl(baseURL)} (model "${model}")`;
      const key = apiKeyEnv ? env[apiKeyEnv] : undefined;
      let res: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        res = await undiciFetch(`${baseURL}/models`, {
          signal: AbortSignal.timeout(5000),
          ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        const code = cause?.code ?? (err as { name?: string }).name;
        const why =
          code === 'ECONNREFUSED'
            ? 'refused the connection'
            : code === 'ENOTFOUND'
              ? 'has a host name that does not resolve'
              : code === 'TimeoutError'
                ? 'did not answer within 5 s'
                : `cannot be reached (${code ?? err})`;
        throw new UsageError(`${where} ${why}`);
      }
      const text = await res.text().catch(() => '');
      if (res.status === 401 || res.status === 403) {
        throw new UsageError(
          `${where} refused the API key (HTTP ${res.status}${apiKeyEnv ? `; key from ${apiKeyEnv}` : ''})`,
        );
      }
      if (!res.ok) return;
      let served: string[] | undefined;
      try {
        const data = (JSON.parse(text) as { data?: { id?: unknown }[] }).data;
        if (Array.isArray(data)) served = data.map((m) => String(m.id));
      } catch {}
      if (served && !served.includes(model)) {
        const list = served.slice(0, 10).join(', ') + (served.length > 10 ? ', …' : '');
        throw new UsageError(
          `${where}: the endpoint does not serve "${model}" (it serves: ${list || 'nothing'})`,
        );
      }
    }),
  );
}

function parametersOf(o: RunOptions): Omit<RunOptions, 'resume' | 'quiet' | 'allowErrors'> {
  const { resume: _r, quiet: _q, allowErrors: _a, ...rest } = o;
  return rest;
}

/** The run's options with `--resume`: the stored parameters, which other flags may not contradict. */
function resumeOptions(flags: RunOptions, explicit: string[]): RunOptions {
  const clashing = explicit.filter((name) => !RESUME_FLAGS.has(name));
  if (clashing.length > 0) {
    const shown = clashing.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(
      `--resume runs with the parameters stored in ${join(flags.resume!, CONFIG_FILE)}; ` +
        `${shown.join(', ')} cannot change them (start a new run instead)`,
    );
  }
  const stored = readRunConfig(flags.resume!);
  // Defaults fill what an older config.json lacks.
  return {
    ...flags,
    ...(stored.parameters as Partial<RunOptions>),
    resume: flags.resume!,
    quiet: flags.quiet,
    allowErrors: flags.allowErrors,
  };
}

/**
 * Runs an evaluation; resolves with the process exit code. `explicit` names the options given on the command
 * line (not defaulted), which `--resume` checks against the stored parameters.
 */
export async function runCommand(
  flags: RunOptions,
  env: NodeJS.ProcessEnv = process.env,
  explicit: string[] = [],
): Promise<number> {
  const resumed = flags.resume !== undefined;
  const o = resumed ? resumeOptions(flags, explicit) : { ...flags };
  // One answer to "is content captured", for every span and for config.json.
  o.captureContent ||= env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true';
  // A `gen_ai_…/dup` (some libraries invent one) would otherwise leave the default names in place unremarked.
  const ignoredOptIn = genAiConventionOf(env[SEMCONV_OPT_IN_ENV]).ignored;
  if (ignoredOptIn.length > 0) {
    process.stderr.write(
      `tau2-trace: warning: ${SEMCONV_OPT_IN_ENV}: ignoring ${ignoredOptIn.join(', ')} (the GenAI conventions define only ${GEN_AI_LATEST_OPT_IN})\n`,
    );
  }
  if (!(o.llmTimeout > 0)) throw new UsageError(`--llm-timeout ${o.llmTimeout}: must be more than 0 seconds`);
  const previous = resumed ? readRecorded(flags.resume!) : [];
  const domains = loadDomains(o);
  const planned = planTrials(domains, o.numTrials, o.numTasks, o.taskIds);
  if (planned.length === 0) throw new UsageError('--task-ids / --num-tasks select no task');
  const embedded = !usesEndpoints(o);
  const { models, config } = embedded
    ? {
        models: { ...EMBEDDED, ...(o.agentModel ? { agent: o.agentModel } : {}) },
        config: { models: {}, expertMapping: {} } as ModelConfig,
      }
    : realEndpoints(o, env);

  if (!embedded) {
    const used = new Set([
      models.agent,
      models.user,
      models.judge,
      ...(o.useModelTool ? Object.values(models.experts) : []),
    ]);
    await preflight(
      [...used].flatMap((model) =>
        (config.models[model] ?? []).map((spec) => ({
          model,
          baseURL: spec.baseURL,
          apiKeyEnv: spec.apiKeyEnv,
        })),
      ),
      env,
    );
  }
  const runDir = resumed ? flags.resume! : createRunDir(o.outputDir, o.name, new Date(), o.captureContent);
  const runId = runIdOf(runDir);
  const spool = o.tracing ? createSpoolWriter(join(runDir, SPOOL_FILE)) : undefined;
  const resource = {
    [Attr.runId]: runId,
    [Attr.runAgentModel]: models.agent,
    [Attr.runUserModel]: models.user,
    [Attr.runDomains]: o.domains.join(','),
    [Attr.runConcurrency]: o.maxConcurrency,
    [Attr.runTrials]: o.numTrials,
    [Attr.runSeed]: o.seed,
    ...(o.baseline ? { [Attr.runBaseline]: true } : {}),
  };
  const telemetry = startTelemetry({
    serviceName: ServiceName.harness,
    serviceVersion: versions().tau2_trace,
    resource,
    ...(spool ? { spool } : {}),
    disabled: !o.tracing,
  });

  const cleanups: (() => Promise<void>)[] = [];
  // Signals are handled from here on, so a Ctrl-C while the run sets up is as orderly as one mid-run.
  const controller = new AbortController();
  // Every in-flight LLM attempt listens for the cancel: hundreds at high concurrency, by design.
  setMaxListeners(0, controller.signal);
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
    signalled = sig;
    process.stderr.write(`\n${sig}: no new tasks; cancelling running ones and saving results…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (embedded) {
      const simTelemetry = startTelemetry({
        serviceName: ServiceName.sim,
        serviceVersion: versions().tau2_trace,
        resource: { [Attr.runId]: runId },
        ...(spool ? { spool } : {}),
        ownsSpool: false,
        disabled: !o.tracing,
      });
      await simTelemetry.ready();
      const roles: Record<string, Role> = {
        [models.agent]: 'agent',
        [models.user]: 'user',
        [models.judge]: 'judge',
      };
      for (const m of Object.values(models.experts)) roles[m] = 'expert';
      const sim = await startSimServer({
        seed: o.seed,
        models: roles,
        tasks: domains.flatMap((d) => d.tasks),
        engine: engineFromFlags(o),
        faults: faultsFromFlags(o),
        tracer: simTelemetry.tracer,
      });
      cleanups.push(
        () => simTelemetry.shutdown(),
        () => sim.close(),
      );
      for (const model of Object.keys(roles))
        config.models[model] = [{ baseURL: `${sim.url}/v1`, provider: 'vllm' }];
    }
    // No span may end before the resource is complete: the spool writes the resource of each batch as it is.
    await telemetry.ready();
    const llm = createLlmClient({
      config,
      tracer: telemetry.tracer,
      instruments: telemetry.instruments,
      runId,
      retry: { maxAttempts: o.maxRetries + 1, baseDelayMs: o.retryBaseMs, budgetMs: o.retryBudget * 1000 },
      timeoutMs: o.llmTimeout * 1000,
      captureContent: o.captureContent,
      seed: o.seed,
      env,
    });
    cleanups.push(() => llm.close());
    await llm.ready();

    const settings: TrialSettings = {
      agentModel: models.agent,
      userModel: models.user,
      judgeModel: models.judge,
      expertMapping: models.experts,
      useModelTool: o.useModelTool,
      // The simulated orchestrator stands for a local checkpoint (the fork's runs name one by its path).
      orchestratorIsLocalPath: embedded || existsSync(models.agent),
      maxSteps: o.maxSteps,
      maxErrors: o.maxErrors,
      captureContent: o.captureContent,
      taskTimeoutMs: o.taskTimeout * 1000,
    };
    const configPath = join(runDir, CONFIG_FILE);
    const before = resumed ? readRunConfig(runDir) : undefined;
    const writeConfig = (extra: Record<string, unknown>) =>
      writeJsonAtomic(configPath, {
        run_id: runId,
        created_at: before?.created_at ?? new Date().toISOString(),
        resumed_at: [
          ...((before?.resumed_at as string[] | undefined) ?? []),
          ...(resumed ? [new Date().toISOString()] : []),
        ],
        parameters: parametersOf(o),
        models,
        endpoints: embedded ? 'embedded simulated server' : redactEndpoints(config),
        trials_planned: planned.length,
        versions: versions(),
        host: hostInfo(),
        telemetry: { spool: o.tracing ? SPOOL_FILE : null, otlp: telemetry.otlp, ...extra },
      });
    writeConfig({});
    const results = openResults(runDir, runId, planned.length, previous);
    cleanups.push(async () => results.close());
    const rerun = previous.filter(trialFailed).length;
    if (rerun > 0) process.stderr.write(`running again ${rerun} trials that failed before\n`);

    const stats = createRunStats();
    const alreadyDone = previous.filter((r) => !trialFailed(r)).length;
    const progress = createProgress(planned.length, alreadyDone, stats, o.quiet);
    const t0 = performance.now();
    let outcome: Awaited<ReturnType<typeof runTrials>>;
    try {
      outcome = await runTrials({
        planned,
        results,
        concurrency: o.maxConcurrency,
        runId,
        settings,
        tracer: telemetry.tracer,
        instruments: telemetry.instruments,
        chat: (req: ChatRequest, parent: Context, signal?: AbortSignal) => llm.chat(req, parent, signal),
        stats,
        signal: controller.signal,
        onTrialDone: () => progress.tick(),
        flushSpans: () => spool?.flush(),
        stopAfter: runWideFailure,
      });
    } catch (err) {
      if (!systemErrorCode(err)) throw err;
      // The run's own files could not be written (a full disk…): what was recorded stays, a resume goes on.
      throw new Error(
        `the run stopped: ${(err as Error).message}; the trials recorded so far are kept, ` +
          `and tau2-trace run --resume ${runDir} runs the rest`,
        { cause: err },
      );
    } finally {
      progress.stop();
    }
    results.close();
    await telemetry.forceFlush();
    const exported = telemetry.exportReport();
    if (exported) writeConfig({ otlp_export: exported });

    if (!o.quiet) process.stderr.write(`${summaryTable(stats, performance.now() - t0)}\n`);
    const rows = outcome.results;
    const complete = rows.filter((r) => !trialFailed(r)).length;
    const failed = rows.filter(trialFailed);
    const left = planned.length - complete;
    process.stdout.write(
      `run directory: ${runDir}\n  config:  ${configPath}\n  results: ${join(runDir, 'results.json')} ` +
        `(${rows.length}/${planned.length} trials${failed.length ? `, ${failed.length} failed` : ''})\n` +
        `  journal: ${join(runDir, RESULTS_JOURNAL)}\n` +
        (o.tracing ? `  spans:   ${join(runDir, SPOOL_FILE)}\n` : '') +
        (left > 0 ? `${left} trials left; finish with: tau2-trace run --resume ${runDir}\n` : ''),
    );
    const problems = [
      ...(failed.length > 0 ? [failedTrialsReport(failed)] : []),
      ...(exported && exported.failedSpans > 0
        ? [
            `OTLP export to ${exported.endpoint} failed for ${exported.failedSpans} of ` +
              `${exported.failedSpans + exported.exportedSpans} spans (${exported.lastError}); every span is ` +
              `in the spool: send them with tau2-trace replay ${runDir}`,
          ]
        : []),
    ];
    for (const p of problems)
      process.stderr.write(`tau2-trace: ${o.allowErrors ? 'warning' : 'error'}: ${p}\n`);
    if (outcome.stopped !== undefined) throw new UsageError(outcome.stopped);
    if (signalled) return signalled === 'SIGINT' ? 130 : 143;
    return problems.length > 0 && !o.allowErrors ? EXIT_RUN_ERRORS : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await telemetry.shutdown();
    spool?.close();
  }
}

/** config.json's endpoints: where each model was served, without credentials. */
function redactEndpoints(config: ModelConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config.models).map(([model, specs]) => [
      model,
      specs.map((s) => ({ ...s, baseURL: safeUrl(s.baseURL) })),
    ]),
  );
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

/** One line on failed trials: how many, by ending, and the first error of each kind. */
function failedTrialsReport(failed: { termination_reason: string; error?: string }[]): string {
  const byReason = new Map<string, { n: number; first?: string | undefined }>();
  for (const r of failed) {
    const e = byReason.get(r.termination_reason) ?? { n: 0, first: r.error };
    e.n++;
    byReason.set(r.termination_reason, e);
  }
  const parts = [...byReason].map(([k, v]) => `${v.n} ${k}${v.first ? ` (first: ${v.first})` : ''}`);
  return `${failed.length} trials failed: ${parts.join('; ')}; tau2-trace run --resume runs them again`;
}
