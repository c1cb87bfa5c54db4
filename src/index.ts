/**
 * tau2-trace as a library: run an evaluation from code (with domains and simulated roles of your own), start
 * the simulated server, open a run wherever it is held and get its traces and legacy metrics, and the one
 * error hierarchy every call rejects with. Every public export is named here; anything not named is internal
 * and may change.
 */

export {
  type Attribution,
  attribute,
  type Breakdown,
  COMPONENT_LABELS,
  COMPONENTS,
  type Component,
} from './analyze/attribution.js';
// The prefix-cache hit rate of RunMetrics.cache.
export type { CacheUse } from './analyze/cache.js';
// Answers from a run's traces: its trials, named metrics and cost.
export {
  type AnalyzedRun,
  analyzeRun,
  type CompareOptions,
  type Comparison,
  compareRuns,
  type FailOnResult,
  type MetricComparison,
  type StatDiff,
} from './analyze/compare.js';
export { compareJson, compareMarkdown, compareText } from './analyze/compare-format.js';
export {
  type CostOptions,
  DEFAULT_PRICES,
  loadPrices,
  type ModelCost,
  type ModelPrice,
  type PriceTable,
  priceOf,
  type RunCost,
  runCost,
} from './analyze/cost.js';
export { type FailOn, parseFailOn } from './analyze/fail-on.js';
export {
  baseName,
  LLM_KINDS,
  METRICS,
  type Metric,
  type MetricDef,
  type RunMetrics,
  runMetrics,
  type Sample,
  type ServerSpans,
  type SplitBy,
  STATS,
  type Stat,
  type Summary,
  splitMetrics,
  summarize,
  type Unit,
  unitOf,
  valuesOf,
} from './analyze/metrics.js';
export { type DomainRule, SLOW_K, type SlowReport, type SlowTrial, slowTrials } from './analyze/slow.js';
export { runTrials, type SpanNode, type Trial, walk } from './analyze/trials.js';
export { demoDomain } from './domains/demo/index.js';
export { Args, lookup, makeToolDomain, param, type ToolDef, ToolError, tool } from './domains/kit.js';
export { STOP, TRANSFER } from './domains/protocol.js';
// Domains of your own.
export type {
  Domain,
  DomainEnvironment,
  ExpectedAction,
  JsonSchema,
  RewardBasis,
  Task,
  ToolResult,
  ToolSchema,
} from './domains/types.js';
export { JaegerError } from './export/jaeger-reader.js';
// Importing legacy PROFILE logs as traces.
export {
  type ImportLogsSettings,
  type ImportReport,
  importLegacyLogs,
  type RejectedLine,
} from './export/legacy/import-logs.js';
export { legacyStatsJson } from './export/legacy/json.js';
export { LegacyCallMetric, VLLM_FIGURES, type VllmFigure } from './export/legacy/names.js';
export { LEGACY_METRICS, type LegacyMetric, type LegacyParseResult } from './export/legacy/parse.js';
export { type LegacySummaries, summarizeAll } from './export/legacy/stats.js';
// Sharded runs: one run directory from its shards'.
export { type MergeOptions, type MergeReport, mergeShards } from './export/merge.js';
export {
  REPLAY_DEFAULTS,
  ReplayError,
  type ReplayResult,
  type ReplaySpoolOptions,
  replaySpool,
} from './export/replay.js';
// Opening a run and reading its traces and metrics.
export {
  legacyLogFiles,
  type Message,
  type OpenRunOptions,
  openRun,
  type RunSource,
  type RunSourceSpec,
} from './export/sources.js';
export type { SpoolSpan } from './export/spool-reader.js';
export { TempoError } from './export/tempo-reader.js';
export type { TerminationReason, TrialResult } from './harness/orchestrator.js';
// Running an evaluation.
export {
  DEFAULT_RUN_SETTINGS,
  type PlannedShard,
  planRun,
  type RunFiles,
  type RunPlan,
  type RunReport,
  type RunSettings,
  type RunStart,
  RunStoppedError,
  runSettings,
  type StartRunOptions,
  startRun,
} from './harness/session.js';
export type { ShardSpec } from './harness/shard.js';
export type { RunStats } from './harness/stats.js';
export { LlmError, type LlmErrorOptions, type LlmErrorType } from './llm/errors.js';
// Routing a model's calls among its endpoints (RunSettings.routing), and servers started by a run (serve).
export {
  createRouter,
  type EndpointHealth,
  ROUTING_POLICIES,
  type RoutedEndpoint,
  type Router,
  type RoutingPolicy,
} from './llm/routing.js';
export { type BuiltReport, buildReport } from './report/build.js';
export type { ReportData, ReportOptions } from './report/data.js';
export { openForReport } from './report/open.js';
export { ServerDiedError } from './serve/fleet.js';
export { DEFAULT_SERVE_SETTINGS, type ServeSettings } from './serve/settings.js';
// The simulated server, and simulated roles of your own.
export type {
  ServedRole,
  SimAnswer,
  SimMessage,
  SimRole,
  SimRoleRequest,
  SimRoles,
  SimToolCall,
} from './sim/custom-role.js';
export type { EngineConfig as SimEngineConfig } from './sim/engine.js';
export type { FaultConfig as SimFaultConfig } from './sim/faults.js';
export type { Role as SimRoleName } from './sim/roles.js';
export { type SimOptions, type SimServer, startSimServer } from './sim/server.js';
export { DEFAULT_SIM_SETTINGS, type SimSettings } from './sim/settings.js';
// Concurrency sweeps: one run per level, a summary that names the knee.
export { findKnee, KNEE_RULE, type Knee, type KneePoint, type KneeStep } from './sweep/knee.js';
export { type LevelSummary, type P50P95, type SweepSummary, summarizeSweep } from './sweep/summary.js';
export { type StartSweepOptions, SUMMARY_FILE, type SweepReport, startSweep } from './sweep/sweep.js';
export { type LevelState, readSweepFile, type SweepFile, type SweepLevel } from './sweep/sweep-file.js';
export type { ExportReport } from './telemetry/export-report.js';
// Errors.
export {
  composeMessage,
  DataError,
  type MessagePart,
  setting,
  Tau2Error,
  type Tau2ErrorCode,
  type Tau2ErrorOptions,
  TraceStoreError,
  UsageError,
} from './util/errors.js';
export { mapPool } from './util/pool.js';
// Shared building blocks.
export { quantile, quantileSorted } from './util/quantile.js';
export { type AttemptOutcome, type RetryPolicy, type RetryResult, retrying } from './util/retry.js';
