/**
 * The settings of a run and their defaults, apart from the session so that the CLI can declare its flags
 * (with these defaults) without loading OpenTelemetry.
 */
import { DEFAULT_SERVE_SETTINGS, type ServeSettings } from '../serve/settings.js';
import { DEFAULT_SIM_SETTINGS, type SimSettings } from '../sim/settings.js';
import type { ShardSpec } from './shard.js';

/** Every parameter of a run (what config.json stores as `parameters`, plus `resume`). */
export interface RunSettings extends SimSettings, ServeSettings {
  domains: string[];
  /** Pin this run as the TTFT baseline of the regression alert (`tau2.run.baseline=true`). */
  baseline?: boolean;
  /** A tau2-bench checkout's `data/tau2` directory, for the faithful domains. */
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
  /** A legacy model-config JSON file. */
  modelConfig?: string;
  agentBaseUrl?: string;
  userBaseUrl?: string;
  expertBaseUrl?: string;
  judgeBaseUrl?: string;
  useModelTool: boolean;
  /** Where a new run directory is created. */
  outputDir: string;
  /** The run directory's prefix. */
  name: string;
  /**
   * The run's `tau2.run.id` (default: the run directory's name). Given, the run directory is
   * `<outputDir>/<runId>` (a shard's: `<outputDir>/<runId>/shards/<index>`).
   */
  runId?: string;
  /**
   * Run only this shard of the run's trials (see harness/shard.ts); `auto` reads it from a Slurm job array or
   * a Kubernetes Indexed Job. Every shard needs the same `runId` (Slurm's array job id gives one by default).
   */
  shard?: ShardSpec | 'auto';
  /** An existing run directory to finish; the settings must then be its stored parameters. */
  resume?: string;
  captureContent: boolean;
  tracing: boolean;
  /** Seconds one LLM attempt may take. */
  llmTimeout: number;
  maxRetries: number;
  retryBaseMs: number;
  /** Seconds a failing LLM call keeps being retried, counted from its first failure. */
  retryBudget: number;
  /** Wall-clock limit of one trial, seconds (0: none). */
  taskTimeout: number;
}

/** The defaults of every setting that has one (the CLI's flags have the same). */
export const DEFAULT_RUN_SETTINGS = {
  ...DEFAULT_SIM_SETTINGS,
  ...DEFAULT_SERVE_SETTINGS,
  domains: ['demo'],
  numTrials: 1,
  maxConcurrency: 8,
  maxSteps: 200,
  maxErrors: 10,
  seed: 42,
  useModelTool: true,
  outputDir: 'runs',
  name: 'tau2',
  captureContent: false,
  tracing: true,
  llmTimeout: 600,
  maxRetries: 30,
  retryBudget: 90,
  taskTimeout: 0,
  retryBaseMs: 500,
} as const satisfies RunSettings;

/** Run settings: the defaults, with `overrides` on top. */
export function runSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    ...DEFAULT_RUN_SETTINGS,
    domains: [...DEFAULT_RUN_SETTINGS.domains],
    serveArg: [...DEFAULT_RUN_SETTINGS.serveArg],
    ...overrides,
  };
}
