/**
 * The one client every LLM call goes through (agent, experts, user simulator, judge). It streams with usage,
 * times the first chunk that carries anything (content, tool calls or reasoning), retries what is worth
 * retrying with each failed attempt recorded as a span of its own, enforces a per-attempt timeout and an
 * idle timeout between chunks, sends `traceparent`, and spreads requests over a model's endpoints at random.
 */
import {
  type Attributes,
  type Context,
  defaultTextMapSetter,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import OpenAI from 'openai';
import { epochMs } from '../telemetry/clock.js';
import type { LlmCallMeasurement } from '../telemetry/genai-metrics.js';
import type { GenAiInstruments } from '../telemetry/metrics.js';
import { Attr, Kind, type LlmKind, SpanName } from '../telemetry/names.js';
import { createRng, type Rng } from '../util/random.js';
import { type RetryPolicy as RetryLoopPolicy, retrying } from '../util/retry.js';
import type { EndpointSpec, ModelConfig } from './endpoints.js';
import { openAiEndpoint } from './endpoints.js';
import { classifyError, LlmError } from './errors.js';
import { startIoThread } from './io-thread.js';
import { accumulate, type ChatResult, emptyAccumulator, finish, readEventStream } from './stream.js';
import { createWireRecord } from './wire.js';

export type { ChatResult } from './stream.js';

/** One logical LLM call. */
export interface ChatRequest {
  kind: LlmKind;
  model: string;
  messages: OpenAI.Chat.ChatCompletionMessageParam[];
  tools?: OpenAI.Chat.ChatCompletionTool[];
  /** Default true: stream with usage. */
  stream?: boolean;
  maxTokens?: number;
  temperature?: number;
  /** `expert-1`… for expert calls. */
  expertName?: string;
}

/**
 * Retry policy: exponential backoff with full jitter, honouring `retry-after`. A call is retried while it has
 * attempts left and the next attempt would start within `budgetMs` of its first failure, so an endpoint that
 * restarts (connections refused, then 503 while the model loads) is waited out rather than failing the trial.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long after its first failure a call is retried, in milliseconds. */
  budgetMs: number;
}

/** Options of {@link createLlmClient}. */
export interface LlmClientOptions {
  config: ModelConfig;
  tracer: Tracer;
  instruments: GenAiInstruments;
  runId: string;
  retry?: Partial<RetryPolicy>;
  /** Whole-attempt timeout. */
  timeoutMs?: number;
  /** Longest silence allowed between two chunks of a stream. */
  idleTimeoutMs?: number;
  /** Record prompts and completions on spans (opt-in). */
  captureContent?: boolean;
  seed?: number;
  env?: NodeJS.ProcessEnv;
}

/** The client; `close()` releases its connection pool. */
export interface LlmClient {
  /** Resolves when the client can send (its I/O thread has started). */
  ready(): Promise<void>;
  chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult>;
  close(): Promise<void>;
}

interface Endpoint {
  spec: EndpointSpec;
  client: OpenAI;
  address: string;
  port: number;
  inflight: number;
}

// With these, a call rides out an endpoint that is down for a minute: attempts go on for 90 s after the first
// failure, at most 10 s apart.
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 31,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  budgetMs: 90_000,
};
// `traceparent` joins the server's spans to the call's; `baggage` names the trial (tau2.domain, tau2.task.id,
// tau2.trial; set by runTrial) for servers, routers and the simulator.
const propagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/**
 * The openai client takes an error's message from `{"error": {"message": …}}` and shows any other JSON body as
 * "(no body)". vLLM (and the simulator) answer `{"object": "error", "message": …}`: such bodies are nested
 * under `error` here, so what the server said reaches the error, the span and results.json.
 */
function withErrorBodies(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (res.ok) return res;
    const text = await res.text();
    let body = text;
    try {
      const json = JSON.parse(text) as Record<string, unknown> | null;
      if (json && typeof json === 'object' && !('error' in json) && typeof json.message === 'string') {
        body = JSON.stringify({ error: json });
      }
    } catch {}
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** A failed attempt that will be retried: a span of its own, so a retry is never hidden in one duration. */
function recordFailedAttempt(
  tracer: Tracer,
  ctx: Context,
  error: LlmError,
  startedAt: number,
  n: number,
): void {
  const failed = tracer.startSpan(
    SpanName.attempt,
    {
      kind: SpanKind.CLIENT,
      startTime: epochMs(startedAt),
      attributes: {
        [Attr.kind]: Kind.attempt,
        [Attr.attemptIndex]: n,
        [Attr.errorType]: error.errorType,
        ...(error.status !== undefined ? { [Attr.httpStatus]: error.status } : {}),
      },
    },
    ctx,
  );
  failed.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  failed.end(epochMs());
}

/**
 * The client's policy for the retry loop. The budget runs from the first failure (a slow first answer is not a
 * reason to give up sooner), and a wait that would cross it ends the call; the seeded generator keeps a run's
 * jitter reproducible.
 */
function loopPolicy(retry: RetryPolicy, rng: Rng): RetryLoopPolicy {
  return {
    backoff: { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs },
    budgetMs: retry.budgetMs,
    budgetFrom: 'first_failure',
    pastBudget: 'stop',
    maxAttempts: retry.maxAttempts,
    random: rng,
  };
}

/** Creates the client over `options.config`; models it does not name go to the OpenAI API. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const env = options.env ?? process.env;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 600_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const rng: Rng = createRng(options.seed ?? 0);
  const retryPolicy = loopPolicy(retry, rng);
  const io = startIoThread();
  const pools = new Map<string, Endpoint[]>();
  const { tracer, instruments } = options;
  const latest = instruments.llmCalls.convention === 'latest';
  // An endpoint may echo the request's key in an error body; no message leaves this client with a key in it.
  const secrets = [
    ...new Set(
      [...Object.values(options.config.models).flat(), openAiEndpoint(env)]
        .map((spec) => (spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined))
        .filter((k): k is string => typeof k === 'string' && k.length >= 4),
    ),
  ];
  function redactError(error: LlmError): LlmError {
    for (const key of secrets) error.message = error.message.split(key).join('[REDACTED]');
    return error;
  }

  function endpointOf(spec: EndpointSpec): Endpoint {
    const url = new URL(spec.baseURL);
    const client = new OpenAI({
      baseURL: spec.baseURL,
      apiKey: (spec.apiKeyEnv && env[spec.apiKeyEnv]) || 'EMPTY',
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: 'off',
      fetch: withErrorBodies(io.fetch),
    });
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    return { spec, client, address: url.hostname.replace(/^\[|\]$/g, ''), port, inflight: 0 };
  }

  function pool(model: string): Endpoint[] {
    let endpoints = pools.get(model);
    if (!endpoints) {
      endpoints = (options.config.models[model] ?? [openAiEndpoint(env)]).map(endpointOf);
      pools.set(model, endpoints);
    }
    return endpoints;
  }

  async function attempt(
    ep: Endpoint,
    request: ChatRequest,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<ChatResult> {
    const stream = request.stream ?? true;
    const controller = new AbortController();
    let aborted: 'timeout' | 'cancelled' | undefined;
    const abort = (why: 'timeout' | 'cancelled') => {
      aborted ??= why;
      controller.abort();
    };
    const onCancel = () => abort('cancelled');
    if (signal?.aborted) abort('cancelled');
    signal?.addEventListener('abort', onCancel, { once: true });
    const total = setTimeout(() => abort('timeout'), timeoutMs);
    const idle = setTimeout(() => abort('timeout'), idleTimeoutMs);
    const sentAt = performance.now();
    const params = {
      model: request.model,
      messages: request.messages,
      ...(request.tools?.length ? { tools: request.tools } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    let endedAt: number | undefined;
    try {
      const acc = emptyAccumulator(sentAt);
      if (stream) {
        const wire = createWireRecord();
        const response = await ep.client.chat.completions
          .create(
            { ...params, stream: true, stream_options: { include_usage: true } },
            // The I/O thread's fetch stamps the wire times into `wire`.
            {
              signal: controller.signal,
              headers,
              fetchOptions: { wire } as unknown as NonNullable<OpenAI.RequestOptions['fetchOptions']>,
            },
          )
          .asResponse();
        // Offsets only match the wire when the body is not compressed.
        const plain = (response.headers.get('content-encoding') ?? 'identity') === 'identity';
        if (!response.body)
          throw new LlmError({
            type: 'stream_truncated',
            message: `${ep.spec.baseURL} sent no body`,
            url: ep.spec.baseURL,
          });
        acc.sentAt = wire.sentAt ?? sentAt;
        endedAt = await readEventStream(response.body, acc, ep.spec.baseURL, plain ? wire : undefined, () =>
          idle.refresh(),
        );
      } else {
        const completion = await ep.client.chat.completions.create(
          { ...params, stream: false },
          { signal: controller.signal, headers },
        );
        accumulate(acc, completion, performance.now());
      }
      if (aborted) throw classifyError(new Error(`aborted (${aborted})`), ep.spec.baseURL, aborted);
      const result = finish(acc, endedAt ?? performance.now(), stream);
      if (result === undefined) {
        throw new LlmError({
          type: 'stream_truncated',
          message: `${ep.spec.baseURL} ended the stream without a finish reason`,
          url: ep.spec.baseURL,
        });
      }
      return result;
    } catch (err) {
      throw classifyError(err, ep.spec.baseURL, aborted);
    } finally {
      clearTimeout(total);
      clearTimeout(idle);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  async function chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult> {
    const endpoints = pool(request.model);
    const ep = endpoints[Math.floor(rng() * endpoints.length)]!;
    const stream = request.stream ?? true;
    const start = performance.now();
    // Shared by the span and the metrics (low cardinality: no ids, no content).
    const callAttrs: Attributes = {
      [Attr.genAiOperation]: 'chat',
      [Attr.genAiProvider]: ep.spec.provider,
      [Attr.genAiRequestModel]: request.model,
      [Attr.serverAddress]: ep.address,
      [Attr.serverPort]: ep.port,
      [Attr.kind]: request.kind,
    };
    const span = tracer.startSpan(
      SpanName.chatPrefix + request.model,
      {
        kind: SpanKind.CLIENT,
        startTime: epochMs(start),
        attributes: {
          ...callAttrs,
          [Attr.genAiRequestStream]: stream,
          [Attr.inflight]: ep.inflight,
          ...(request.expertName ? { [Attr.expertName]: request.expertName } : {}),
          ...(request.maxTokens !== undefined ? { [Attr.genAiRequestMaxTokens]: request.maxTokens } : {}),
          ...(request.temperature !== undefined
            ? { [Attr.genAiRequestTemperature]: request.temperature }
            : {}),
          ...(options.captureContent ? { [Attr.genAiInputMessages]: JSON.stringify(request.messages) } : {}),
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const headers: Record<string, string> = {};
    propagator.inject(ctx, headers, defaultTextMapSetter);
    const metricAttrs: Attributes = { ...callAttrs, [Attr.runId]: options.runId };

    ep.inflight++;
    try {
      const outcome = await retrying<ChatResult, { error: LlmError; startedAt: number }>(
        async () => {
          const startedAt = performance.now();
          try {
            return { settled: await attempt(ep, request, headers, signal) };
          } catch (err) {
            const error = redactError(err as LlmError);
            return {
              failed: { error, startedAt },
              retryable: error.retryable,
              retryAfterMs: error.retryAfterMs,
            };
          }
        },
        {
          policy: retryPolicy,
          signal,
          onRetry: ({ error, startedAt }, { attempt: n }) =>
            recordFailedAttempt(tracer, ctx, error, startedAt, n),
        },
      );
      if ('settled' in outcome) {
        recordSuccess(span, ctx, outcome.settled, outcome.attempts, metricAttrs, start);
        return outcome.settled;
      }
      const { error } = outcome.failed;
      const n = outcome.attempts;
      span.setAttributes({ [Attr.errorType]: error.errorType, [Attr.attempts]: n });
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end(epochMs());
      instruments.llmCalls.record({
        durationS: (performance.now() - start) / 1000,
        attributes: metricAttrs,
        errorType: error.errorType,
      });
      if (n > 1) error.message += ` (after ${n} attempts)`;
      throw error;
    } finally {
      ep.inflight--;
    }
  }

  function recordSuccess(
    span: ReturnType<Tracer['startSpan']>,
    ctx: Context,
    r: ChatResult,
    attempts: number,
    metricAttrs: Attributes,
    start: number,
  ): void {
    const end = r.endedAt;
    span.setAttributes({
      [Attr.genAiResponseModel]: r.responseModel,
      [Attr.genAiInputTokens]: r.inputTokens,
      [Attr.genAiOutputTokens]: r.outputTokens,
      [Attr.genAiFinishReasons]: [r.finishReason],
      [Attr.inferMs]: r.inferMs,
      [Attr.hasToolCalls]: r.toolCalls.length > 0,
      [Attr.attempts]: attempts,
      ...(r.responseId ? { [Attr.genAiResponseId]: r.responseId } : {}),
      // New in the latest GenAI conventions ("when available and non-zero"), so emitted only when opted in.
      ...(latest && r.cachedInputTokens ? { [Attr.genAiCacheReadInputTokens]: r.cachedInputTokens } : {}),
      ...(options.captureContent ? { [Attr.genAiOutputMessages]: JSON.stringify(r.message) } : {}),
    });
    let streamTimes: Pick<LlmCallMeasurement, 'timeToFirstChunkS' | 'timePerOutputChunkS'> = {};
    if (r.ttftMs !== undefined && r.decodeMs !== undefined && r.firstChunkAt !== undefined) {
      streamTimes = {
        timeToFirstChunkS: r.ttftMs / 1000,
        ...(r.chunks > 1 ? { timePerOutputChunkS: r.decodeMs / 1000 / (r.chunks - 1) } : {}),
      };
      span.setAttributes({
        [Attr.genAiTtfc]: r.ttftMs / 1000,
        [Attr.ttftMs]: r.ttftMs,
        [Attr.decodeMs]: r.decodeMs,
      });
      const child = (name: string, kind: string, s: number, e: number, extra: Attributes) =>
        tracer
          .startSpan(name, { startTime: epochMs(s), attributes: { [Attr.kind]: kind, ...extra } }, ctx)
          .end(epochMs(e));
      child(SpanName.prefill, Kind.prefill, r.sentAt, r.firstChunkAt, {
        [Attr.genAiInputTokens]: r.inputTokens,
      });
      child(SpanName.decode, Kind.decode, r.firstChunkAt, end, { [Attr.genAiOutputTokens]: r.outputTokens });
    }
    span.end(epochMs(end));
    instruments.llmCalls.record({
      durationS: (end - start) / 1000,
      attributes: { ...metricAttrs, [Attr.genAiResponseModel]: r.responseModel },
      ...streamTimes,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      ...(r.cachedInputTokens !== undefined ? { cacheReadInputTokens: r.cachedInputTokens } : {}),
    });
  }

  return {
    ready: () => io.ready,
    chat,
    async close() {
      await io.close();
    },
  };
}
