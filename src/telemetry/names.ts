/**
 * Every span, attribute, event and metric name the project emits or reads, in one place (the span contract of
 * DESIGN.md). Producers (harness, LLM client, simulated server) and consumers (exporters, tests, dashboards)
 * import these constants instead of spelling names themselves.
 *
 * GenAI names follow the OpenTelemetry GenAI semantic conventions (v1.41, Development stability) by default,
 * and their latest names (semantic-conventions-genai v0.1.0) where `OTEL_SEMCONV_STABILITY_OPT_IN` asks for
 * them ({@link LatestMetricName}, semconv.ts); they are spelled out here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating` so that a rename upstream cannot silently change what we emit.
 */

/** Values of `tau2.kind`. */
export const Kind = {
  task: 'task',
  step: 'step',
  llmCall: 'llm_call',
  expertCall: 'expert_call',
  userSim: 'user_sim',
  evaluator: 'evaluator',
  toolCall: 'tool_call',
  prefill: 'prefill',
  decode: 'decode',
  attempt: 'attempt',
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Kinds of LLM call spans (`chat {model}`). */
export type LlmKind =
  | typeof Kind.llmCall
  | typeof Kind.expertCall
  | typeof Kind.userSim
  | typeof Kind.evaluator;

/** Span names (LLM and tool spans are prefixes followed by the model or tool name). */
export const SpanName = {
  task: 'task',
  step: 'step',
  chatPrefix: 'chat ',
  executeToolPrefix: 'execute_tool ',
  prefill: 'prefill',
  decode: 'decode',
  /** A failed attempt of an LLM call that was retried (the successful attempt is the call span itself). */
  attempt: 'attempt',
  /** The serving side of one request, as vLLM names it. */
  llmRequest: 'llm_request',
} as const;

/** Attribute keys. */
export const Attr = {
  // resource
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  runId: 'tau2.run.id',
  runAgentModel: 'tau2.run.agent_model',
  runUserModel: 'tau2.run.user_model',
  runDomains: 'tau2.run.domains',
  runConcurrency: 'tau2.run.max_concurrency',
  runTrials: 'tau2.run.num_trials',
  runSeed: 'tau2.run.seed',
  /** Set on a run pinned as the TTFT baseline the regression alert compares against (`run --baseline`). */
  runBaseline: 'tau2.run.baseline',
  /** A sharded run's shard (0-based) and shard count, on the resource of each shard's harness. */
  shardIndex: 'tau2.shard.index',
  shardCount: 'tau2.shard.count',
  /** Where a run's spans came from when not from a live run (`legacy-log` for `tau2-trace import`). */
  runSource: 'tau2.run.source',

  kind: 'tau2.kind',
  // task
  taskId: 'tau2.task.id',
  domain: 'tau2.domain',
  trial: 'tau2.trial',
  /** The legacy logger's `thread=` of an imported trial. */
  threadId: 'thread.id',
  taskReward: 'tau2.task.reward',
  taskTermination: 'tau2.task.termination_reason',
  taskSteps: 'tau2.task.steps',
  // step
  stepIndex: 'tau2.step.index',
  stepFrom: 'tau2.step.from_role',
  stepTo: 'tau2.step.to_role',
  // GenAI client
  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiRequestStream: 'gen_ai.request.stream',
  genAiRequestMaxTokens: 'gen_ai.request.max_tokens',
  genAiRequestTemperature: 'gen_ai.request.temperature',
  genAiResponseId: 'gen_ai.response.id',
  genAiTtfc: 'gen_ai.response.time_to_first_chunk',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  genAiTokenType: 'gen_ai.token.type',
  /** Latest conventions only: the modality of the tokens a usage counter counts (`text`, `unknown`, …). */
  genAiTokenModality: 'gen_ai.token.modality',
  /** Latest conventions only: input tokens the provider served from its cache (a subset of the input tokens). */
  genAiCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiInputMessages: 'gen_ai.input.messages',
  genAiOutputMessages: 'gen_ai.output.messages',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  httpStatus: 'http.response.status_code',
  // tau2 LLM timing
  ttftMs: 'tau2.llm.ttft_ms',
  decodeMs: 'tau2.llm.decode_ms',
  inferMs: 'tau2.llm.infer_ms',
  hasToolCalls: 'tau2.llm.has_tool_calls',
  inflight: 'tau2.llm.inflight',
  attempts: 'tau2.llm.attempts',
  attemptIndex: 'tau2.llm.attempt',
  expertName: 'tau2.expert.name',
  // tools
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  toolError: 'tau2.tool.error',
  // evaluation events
  evalName: 'gen_ai.evaluation.name',
  evalScoreValue: 'gen_ai.evaluation.score.value',
  evalScoreLabel: 'gen_ai.evaluation.score.label',
  evalExplanation: 'gen_ai.evaluation.explanation',
  // server side (vLLM's names)
  latencyTimeInQueue: 'gen_ai.latency.time_in_queue',
  latencyTimeInScheduler: 'gen_ai.latency.time_in_scheduler',
  latencyPrefill: 'gen_ai.latency.time_in_model_prefill',
  latencyDecode: 'gen_ai.latency.time_in_model_decode',
  latencyInference: 'gen_ai.latency.time_in_model_inference',
  latencyTtft: 'gen_ai.latency.time_to_first_token',
  latencyE2e: 'gen_ai.latency.e2e',
  requestId: 'gen_ai.request.id',
  /** Epoch milliseconds (fractional) at which the simulated server wrote the first content chunk. */
  simFirstChunkSentMs: 'tau2.sim.first_chunk_sent_ms',
  /**
   * Epoch milliseconds (fractional) at which the simulated server's HTTP thread began reading the request: the
   * start of the event-loop turn that read it, shared by the requests read in one turn (sim/http-worker.ts).
   */
  simRequestReceivedMs: 'tau2.sim.request_received_ms',
  /** How the simulated server's request ended: one of {@link SimOutcome}. */
  simOutcome: 'tau2.sim.outcome',
  /** The fault the simulated server injected into this request (`429`, `5xx`, `cut`, `garbage`, `stall`). */
  simFault: 'tau2.sim.fault',
} as const;

/**
 * Values of `tau2.sim.outcome` and of the `outcome` label of the simulator's `tau2_sim_requests_total`: how a
 * chat request ended, decided once. An injected fault names the outcome even when the client then hung up.
 */
export const SimOutcome = {
  ok: 'ok',
  rateLimited: '429',
  serverError: '5xx',
  cut: 'cut',
  garbage: 'garbage',
  stall: 'stall',
  /** The client went away before the response was complete. */
  clientClosed: 'client_closed',
  /** The server was stopped while the request was in flight. */
  shutdown: 'shutdown',
  badRequest: 'bad_request',
  notFound: 'not_found',
  /** A bug in the simulator answered 500. */
  internalError: 'internal_error',
} as const;
export type SimOutcome = (typeof SimOutcome)[keyof typeof SimOutcome];

/** Event names. */
export const EventName = {
  evaluationResult: 'gen_ai.evaluation.result',
} as const;

/** Metric instrument names (GenAI semconv client metrics, in seconds / tokens). */
export const MetricName = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  timePerOutputChunk: 'gen_ai.client.operation.time_per_output_chunk',
  tasksCompleted: 'tau2.tasks.completed',
  tasksPlanned: 'tau2.tasks.planned',
  taskReward: 'tau2.task.reward',
} as const;

/**
 * The GenAI client metrics under the latest conventions (semantic-conventions-genai v0.1.0), emitted instead of
 * the four v1.41 ones above when `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`
 * (semconv.ts). The repository's docs/gen-ai/non-normative/migration.md maps them: `operation.duration`,
 * `operation.time_to_first_chunk` and `operation.time_per_output_chunk` become `inference.*` with the same
 * attributes; `gen_ai.client.token.usage` (one histogram, `gen_ai.token.type`) becomes counters of tokens spent
 * (`inference.usage.*`, with `gen_ai.token.modality`) and histograms of tokens per call (`inference.operation.*`).
 */
export const LatestMetricName = {
  inferenceDuration: 'gen_ai.client.inference.duration',
  timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
  timePerOutputChunk: 'gen_ai.client.inference.time_per_output_chunk',
  usageInputTokens: 'gen_ai.client.inference.usage.input_tokens',
  usageOutputTokens: 'gen_ai.client.inference.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  operationInputTokens: 'gen_ai.client.inference.operation.input_tokens',
  operationOutputTokens: 'gen_ai.client.inference.operation.output_tokens',
} as const;

/** Values of `gen_ai.token.modality` the harness records (latest conventions). */
export const TokenModality = { text: 'text', unknown: 'unknown' } as const;

/** Default `service.name` of the harness and of the simulated server. */
export const ServiceName = { harness: 'tau2-harness', sim: 'tau2-sim' } as const;

/** Standard `gen_ai.provider.name` for OpenAI-compatible endpoints. */
export const ProviderName = { openai: 'openai', vllm: 'vllm' } as const;
