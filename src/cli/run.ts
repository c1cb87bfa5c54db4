/**
 * `tau2-trace run`: resolves domains and endpoints (or starts the embedded simulated server), creates the run
 * directory, runs the trials with telemetry and a progress bar, and handles Ctrl-C / SIGTERM and `--resume`.
 */
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { Context } from '@opentelemetry/api';
import { fetch as undiciFetch } from 'undici';
import { resolveDomains } from '../domains/registry.js';
import type { Domain } from '../domains/types.js';
import type { TrialResult, TrialSettings } from '../harness/orchestrator.js';
import {
  CONFIG_FILE,
  createRunDir,
  readResults,
  readRunConfig,
  runIdOf,
  SPOOL_FILE,
  writeJsonAtomic,
} from '../harness/rundir.js';
import { planTrials, runTrials, writeResults } from '../harness/runner.js';
import { createRunStats } from '../harness/stats.js';
import { type ChatRequest, createLlmClient } from '../llm/client.js';
import { DEFAULT_EXPERT_MAPPING, loadModelConfig, type ModelConfig } from '../llm/endpoints.js';
import { type Role, startSimServer } from '../sim/index.js';
import { Attr, ServiceName } from '../telemetry/names.js';
import { startTelemetry } from '../telemetry/setup.js';
import { createSpoolWriter } from '../telemetry/spool.js';
import { UsageError } from '../util/errors.js';
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
  quiet: boolean;
}

/** Names of the models playing each part. */
interface Models {
  agent: string;
  user: string;
  judge: string;
  experts: Record<string, string>;
}

const EMBEDDED: Models = {
  agent: 'sim-orchestrator-8b',
  user: 'sim-user',
  judge: 'sim-judge',
  experts: { 'expert-1': 'sim-expert-1', 'expert-2': 'sim-expert-2', 'expert-3': 'sim-expert-3' },
};

function usesEndpoints(o: RunOptions): boolean {
  return Boolean(o.modelConfig || o.agentBaseUrl || o.userBaseUrl || o.expertBaseUrl || o.judgeBaseUrl);
}

function loadDomains(o: RunOptions): Domain[] {
  try {
    return resolveDomains(o.domains, {
      dataDir: o.dataDir,
      onSkipped: (name, skipped) =>
        process.stderr.write(`domain ${name}: ${skipped.length} tasks skipped (unsupported initial state)\n`),
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
    try {
      new URL(url);
    } catch {
      throw new UsageError(`${flag} ${url}: not a URL`);
    }
    config.models[model] ??= [{ baseURL: url.replace(/\/+$/, ''), provider: 'vllm', apiKeyEnv: keyEnv }];
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

/** Fails fast, naming the URL, when an endpoint refuses connections or cannot be resolved. */
async function preflight(endpoints: { model: string; baseURL: string }[]): Promise<void> {
  await Promise.all(
    endpoints.map(async ({ model, baseURL }) => {
      try {
        const res = await undiciFetch(`${baseURL}/models`, { signal: AbortSignal.timeout(5000) });
        await res.body?.cancel();
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
        throw new UsageError(`endpoint ${baseURL} (model "${model}") ${why}`);
      }
    }),
  );
}

function parametersOf(o: RunOptions): Omit<RunOptions, 'resume' | 'quiet'> {
  const { resume: _r, quiet: _q, ...rest } = o;
  return rest;
}

/** Runs an evaluation; resolves with the process exit code. */
export async function runCommand(flags: RunOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let o = flags;
  let runDir = '';
  let finished: TrialResult[] = [];
  const resumed = flags.resume !== undefined;
  if (flags.resume !== undefined) {
    // The stored parameters win over the flags (defaults fill what an older config.json lacks).
    const stored = readRunConfig(flags.resume);
    o = { ...flags, ...(stored.parameters as Partial<RunOptions>), resume: flags.resume, quiet: flags.quiet };
    runDir = flags.resume;
    finished = readResults(runDir);
  }
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
        (config.models[model] ?? []).map((spec) => ({ model, baseURL: spec.baseURL })),
      ),
    );
  }
  if (!resumed) runDir = createRunDir(o.outputDir, o.name);
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
    const llm = createLlmClient({
      config,
      tracer: telemetry.tracer,
      instruments: telemetry.instruments,
      runId,
      retry: { maxAttempts: o.maxRetries + 1, baseDelayMs: o.retryBaseMs },
      timeoutMs: o.llmTimeout * 1000,
      captureContent: o.captureContent || env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true',
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
      maxSteps: o.maxSteps,
      maxErrors: o.maxErrors,
      captureContent: o.captureContent,
    };
    const configPath = join(runDir, CONFIG_FILE);
    const previous = resumed ? readRunConfig(runDir) : undefined;
    writeJsonAtomic(configPath, {
      run_id: runId,
      created_at: previous?.created_at ?? new Date().toISOString(),
      resumed_at: [
        ...((previous?.resumed_at as string[] | undefined) ?? []),
        ...(resumed ? [new Date().toISOString()] : []),
      ],
      parameters: parametersOf(o),
      models,
      endpoints: embedded ? 'embedded simulated server' : config.models,
      trials_planned: planned.length,
      versions: versions(),
      host: hostInfo(),
      telemetry: { spool: o.tracing ? SPOOL_FILE : null, otlp: telemetry.otlp },
    });
    if (!resumed) writeResults(runDir, runId, planned.length, []);

    const stats = createRunStats();
    const progress = createProgress(planned.length, finished.length, stats, o.quiet);
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
    const t0 = performance.now();
    let results: Awaited<ReturnType<typeof runTrials>>;
    try {
      results = await runTrials({
        planned,
        finished,
        concurrency: o.maxConcurrency,
        runDir,
        runId,
        settings,
        tracer: telemetry.tracer,
        instruments: telemetry.instruments,
        chat: (req: ChatRequest, parent: Context, signal?: AbortSignal) => llm.chat(req, parent, signal),
        stats,
        signal: controller.signal,
        onTrialDone: () => progress.tick(),
        flushSpans: () => spool?.flush(),
      });
    } finally {
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (!o.quiet) process.stderr.write(`${summaryTable(stats, performance.now() - t0)}\n`);
    const left = planned.length - results.length;
    process.stdout.write(
      `run directory: ${runDir}\n  config:  ${configPath}\n  results: ${join(runDir, 'results.json')} ` +
        `(${results.length}/${planned.length} trials)\n` +
        (o.tracing ? `  spans:   ${join(runDir, SPOOL_FILE)}\n` : '') +
        (left > 0 ? `${left} trials left; finish with: tau2-trace run --resume ${runDir}\n` : ''),
    );
    if (signalled) return signalled === 'SIGINT' ? 130 : 143;
    return 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await telemetry.shutdown();
    spool?.close();
  }
}
