/**
 * Every Prometheus metric and label name the dashboards, alert rules and datasource links query: the one place
 * to edit when a name changes.
 *
 * The harness's GenAI client metrics have two namings: the v1.41 conventions' (the default) and the latest
 * conventions' (opt-in); dashboards and alerts read both ({@link GenAiHistogram}, genai-queries.ts).
 *
 * How the names come about (collector/config.yaml): the harness's OTLP metrics and the span_metrics connector's
 * output go through `prometheus_remote_write` with `translation_strategy: UnderscoreEscapingWithSuffixes`, so
 * dots become underscores, the unit is appended (`s` → `_seconds`, `ms` → `_milliseconds`; a curly-brace unit
 * such as `{token}` adds nothing) and counters get `_total`. Resource attributes become labels
 * (`resource_to_telemetry_conversion`). vLLM's own `/metrics` (or the simulator's, src/sim/metrics.ts) is
 * scraped by the collector's prometheus receiver and keeps its names, colons included; those series carry
 * vLLM's `model_name` label and no run id.
 */
import { Attr, Kind } from '../telemetry/names.js';

/** A Prometheus label name for an OpenTelemetry attribute key (dots become underscores). */
export function promLabel(attributeKey: string): string {
  return attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Histogram base names: add `_bucket`, `_sum` or `_count`. */
export const Histogram = {
  /** span_metrics connector: span duration, `histogram.unit: ms`. */
  spanDuration: 'traces_span_metrics_duration_milliseconds',
  /** Harness, `gen_ai.client.operation.time_to_first_chunk` (s). */
  timeToFirstChunk: 'gen_ai_client_operation_time_to_first_chunk_seconds',
  /** Harness, `gen_ai.client.operation.duration` (s). */
  operationDuration: 'gen_ai_client_operation_duration_seconds',
  /** Harness, `gen_ai.client.operation.time_per_output_chunk` (s). */
  timePerOutputChunk: 'gen_ai_client_operation_time_per_output_chunk_seconds',
  /** Harness, `gen_ai.client.token.usage` (unit `{token}`: no suffix). */
  tokenUsage: 'gen_ai_client_token_usage',
  /** Harness, `tau2.task.reward` (no unit). */
  taskReward: 'tau2_task_reward',
  /** vLLM / simulator (scraped). */
  vllmTimeToFirstToken: 'vllm:time_to_first_token_seconds',
  vllmQueueTime: 'vllm:request_queue_time_seconds',
  vllmPrefillTime: 'vllm:request_prefill_time_seconds',
  vllmDecodeTime: 'vllm:request_decode_time_seconds',
  vllmE2eLatency: 'vllm:e2e_request_latency_seconds',
} as const;
export type Histogram = (typeof Histogram)[keyof typeof Histogram];

/**
 * The harness's GenAI measurements under the latest conventions, when a harness runs with
 * `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` (src/telemetry/semconv.ts, names.ts
 * `LatestMetricName`). A harness emits one naming or the other, never both, so queries read both names joined by
 * `or` ({@link GenAiSeries}, queries.ts) and work with runs of either.
 */
export const LatestHistogram = {
  /** `gen_ai.client.inference.time_to_first_chunk` (s). */
  timeToFirstChunk: 'gen_ai_client_inference_time_to_first_chunk_seconds',
  /** `gen_ai.client.inference.duration` (s). */
  inferenceDuration: 'gen_ai_client_inference_duration_seconds',
  /** `gen_ai.client.inference.time_per_output_chunk` (s). */
  timePerOutputChunk: 'gen_ai_client_inference_time_per_output_chunk_seconds',
  /** `gen_ai.client.inference.operation.input_tokens` (`{token}`): tokens per call, 0 for failed calls. */
  inputTokensPerCall: 'gen_ai_client_inference_operation_input_tokens',
  /** `gen_ai.client.inference.operation.output_tokens` (`{token}`). */
  outputTokensPerCall: 'gen_ai_client_inference_operation_output_tokens',
} as const;

/** The latest conventions' token counters (`{token}`: no unit suffix; counters get `_total`). */
export const LatestCounter = {
  /** `gen_ai.client.inference.usage.input_tokens`. */
  inputTokens: 'gen_ai_client_inference_usage_input_tokens_total',
  /** `gen_ai.client.inference.usage.output_tokens`. */
  outputTokens: 'gen_ai_client_inference_usage_output_tokens_total',
  /** `gen_ai.client.inference.usage.cache_read.input_tokens`: only from servers that report cached tokens. */
  cacheReadInputTokens: 'gen_ai_client_inference_usage_cache_read_input_tokens_total',
} as const;

/** One harness histogram under both namings, v1.41 first: queries read them as one series set. */
export type GenAiSeries = readonly [v141: string, latest: string];

/** The client-side latency histograms dashboards and alerts read, under either GenAI naming. */
export const GenAiHistogram = {
  timeToFirstChunk: [Histogram.timeToFirstChunk, LatestHistogram.timeToFirstChunk],
  callDuration: [Histogram.operationDuration, LatestHistogram.inferenceDuration],
  timePerOutputChunk: [Histogram.timePerOutputChunk, LatestHistogram.timePerOutputChunk],
} as const satisfies Record<string, GenAiSeries>;

/** Counters (already with `_total`). */
export const Counter = {
  /** span_metrics connector: spans per name/kind/status. */
  spanCalls: 'traces_span_metrics_calls_total',
  /** Harness, `tau2.tasks.completed`. */
  tasksCompleted: 'tau2_tasks_completed_total',
} as const;

/** Gauges. */
export const Gauge = {
  /** Harness, `tau2.tasks.planned`: task trials of the run, done or not. */
  tasksPlanned: 'tau2_tasks_planned',
  /** vLLM / simulator (scraped). */
  vllmRequestsRunning: 'vllm:num_requests_running',
  vllmRequestsWaiting: 'vllm:num_requests_waiting',
} as const;

/** Every metric name above, as Prometheus stores it (histograms with their three series). */
export const ALL_METRIC_NAMES: readonly string[] = [
  ...[...Object.values(Histogram), ...Object.values(LatestHistogram)].flatMap((h) => [
    `${h}_bucket`,
    `${h}_sum`,
    `${h}_count`,
  ]),
  ...Object.values(Counter),
  ...Object.values(LatestCounter),
  ...Object.values(Gauge),
];

/** Label names. */
export const Label = {
  runId: promLabel(Attr.runId),
  kind: promLabel(Attr.kind),
  model: promLabel(Attr.genAiRequestModel),
  domain: promLabel(Attr.domain),
  tokenType: promLabel(Attr.genAiTokenType),
  errorType: promLabel(Attr.errorType),
  termination: promLabel(Attr.taskTermination),
  serviceName: promLabel(Attr.serviceName),
  /** span_metrics connector's own dimensions. */
  spanName: 'span_name',
  statusCode: 'status_code',
  /** vLLM's label on its own metrics. */
  vllmModel: 'model_name',
  job: 'job',
} as const;

/**
 * The collector's scrape job for vLLM's /metrics (collector/config.yaml). Prometheus may scrape the same
 * endpoint itself under another job (prometheus/prometheus.yml), so vLLM queries select this one.
 */
export const VLLM_JOB = 'vllm';

/** `status_code` of a span that ended with status ERROR. */
export const STATUS_ERROR = 'STATUS_CODE_ERROR';

/** The `tau2.kind` values of LLM call spans. */
export const LLM_KINDS = [Kind.llmCall, Kind.expertCall, Kind.userSim, Kind.evaluator] as const;
