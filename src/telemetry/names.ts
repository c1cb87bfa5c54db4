/**
 * Every span, attribute, event and metric name the project emits or reads, in one place (the span contract of
 * DESIGN.md). Producers (harness, LLM client, simulated server) and consumers (exporters, tests, dashboards)
 * import these constants instead of spelling names themselves.
 *
 * GenAI names follow the OpenTelemetry GenAI semantic conventions (v1.41, Development stability); they are
 * spelled out here rather than imported from `@opentelemetry/semantic-conventions/incubating` so that a
 * rename upstream cannot silently change what we emit.
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

/** Default `service.name` of the harness and of the simulated server. */
export const ServiceName = { harness: 'tau2-harness', sim: 'tau2-sim' } as const;

/** Standard `gen_ai.provider.name` for OpenAI-compatible endpoints. */
export const ProviderName = { openai: 'openai', vllm: 'vllm' } as const;
