/**
 * The one client every LLM call goes through (agent, experts, user simulator, judge). It streams with usage,
 * times the first chunk that carries anything (content, tool calls or reasoning), retries what is worth
 * retrying with each failed attempt recorded as a span of its own, enforces a per-attempt timeout and an
 * idle timeout between chunks, sends `traceparent`, and routes each attempt to one of the model's endpoints
 * (./routing.ts: sticky per trial by default).
 * The pieces: ./endpoint-pool.ts (endpoints, keys), ./attempt.ts (one request and its timeouts),
 * ./call-telemetry.ts (spans, headers, metrics); the retry loop is util/retry.ts.
 */
import { type Context, propagation, type Tracer } from '@opentelemetry/api';
import type { GenAiInstruments } from '../telemetry/metrics.js';
import { Attr } from '../telemetry/names.js';
import { createRng, type Rng } from '../util/random.js';
import { type RetryPolicy as RetryLoopPolicy, retrying } from '../util/retry.js';
import { type AttemptLimits, sendAttempt } from './attempt.js';
import { CallTelemetry, type CallTelemetryOptions } from './call-telemetry.js';
import { type Endpoint, EndpointPool } from './endpoint-pool.js';
import type { ModelConfig } from './endpoints.js';
import type { LlmError } from './errors.js';
import { startIoThread } from './io-thread.js';
import type { ChatRequest } from './request.js';
import type { AttemptVerdict, RoutingPolicy } from './routing.js';
import type { ChatResult } from './stream.js';

export { type ChatRequest, isStreamed, type WireBody } from './request.js';
export type { ChatResult } from './stream.js';

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
  /** How a model's endpoints share its calls (default `sticky`). */
  routing?: RoutingPolicy;
}

/** The client; `close()` releases its connection pool. */
export interface LlmClient {
  /** Resolves when the client can send (its I/O thread has started). */
  ready(): Promise<void>;
  chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult>;
  close(): Promise<void>;
}

// With these, a call rides out an endpoint that is down for a minute: attempts go on for 90 s after the first
// failure, at most 10 s apart.
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 31,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  budgetMs: 90_000,
};

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

/** A failed attempt, as the retry loop hands it back. */
interface FailedAttempt {
  error: LlmError;
  startedAt: number;
  /** Where it was sent (a retry may go elsewhere). */
  ep: Endpoint;
}

/**
 * The client: one seeded generator for endpoint choice and retry jitter (so a run's choices are
 * reproducible), the endpoint pool, and the I/O thread every request goes through.
 */
class Client implements LlmClient {
  private readonly rng: Rng;
  private readonly retryPolicy: RetryLoopPolicy;
  private readonly limits: AttemptLimits;
  private readonly io = startIoThread();
  private readonly endpoints: EndpointPool;
  private readonly telemetry: CallTelemetryOptions;

  constructor(options: LlmClientOptions) {
    const timeoutMs = options.timeoutMs ?? 600_000;
    this.limits = { timeoutMs, idleTimeoutMs: options.idleTimeoutMs ?? 120_000 };
    this.rng = createRng(options.seed ?? 0);
    this.retryPolicy = loopPolicy({ ...DEFAULT_RETRY, ...options.retry }, this.rng);
    const env = options.env ?? process.env;
    this.endpoints = new EndpointPool({
      config: options.config,
      env,
      fetch: this.io.fetch,
      timeoutMs,
      ...(options.routing ? { routing: options.routing } : {}),
    });
    const { tracer, instruments, runId } = options;
    this.telemetry = { tracer, instruments, runId, captureContent: options.captureContent ?? false };
  }

  ready(): Promise<void> {
    return this.io.ready;
  }

  async chat(request: ChatRequest, parent: Context, signal?: AbortSignal): Promise<ChatResult> {
    const key = routingKeyOf(request, parent);
    let ep = this.endpoints.pick(request.model, key, this.rng);
    const call = new CallTelemetry(this.telemetry, request, ep, parent, performance.now());
    const outcome = await retrying<ChatResult, FailedAttempt>(
      async (attempt) => {
        if (attempt > 1) {
          // A retry is routed again: it leaves an endpoint that fell sick for another.
          const next = this.endpoints.pick(request.model, key, this.rng);
          if (next !== ep) call.movedTo(next);
          ep = next;
        }
        return this.attempt(ep, request, call.headers, signal);
      },
      {
        policy: this.retryPolicy,
        signal,
        onRetry: ({ error, startedAt, ep: where }, { attempt: n }) =>
          call.failedAttempt(error, startedAt, n, where),
      },
    );
    if ('settled' in outcome) {
      call.succeeded(outcome.settled, outcome.attempts);
      return outcome.settled;
    }
    const { error } = outcome.failed;
    call.failed(error, outcome.attempts);
    if (outcome.attempts > 1) error.message += ` (after ${outcome.attempts} attempts)`;
    throw error;
  }

  /** One attempt at `ep`, counted in flight there; its outcome goes into the endpoint's health. */
  private async attempt(
    ep: Endpoint,
    request: ChatRequest,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ) {
    const startedAt = performance.now();
    ep.inflight++;
    try {
      const settled = await sendAttempt(ep, request, headers, signal, this.limits);
      this.endpoints.note(ep, 'ok');
      return { settled };
    } catch (err) {
      const error = this.endpoints.redact(err as LlmError);
      this.endpoints.note(ep, verdictOf(error));
      return {
        failed: { error, startedAt, ep },
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
      };
    } finally {
      ep.inflight--;
    }
  }

  async close(): Promise<void> {
    await this.io.close();
  }
}

/** What a failed attempt says about its endpoint's health. */
function verdictOf(error: LlmError): AttemptVerdict {
  if (error.type === 'connection_refused') return 'refused';
  return error.type === 'server_error' ? 'server_error' : 'other';
}

/**
 * The key sticky routing keeps together: the request's own, else the trial the call belongs to, from the
 * baggage the trial sets (harness/trial-context.ts). Task ids repeat across domains, so the domain is in it.
 */
function routingKeyOf(request: ChatRequest, parent: Context): string | undefined {
  if (request.routingKey !== undefined) return request.routingKey;
  const bag = propagation.getBaggage(parent);
  const task = bag?.getEntry(Attr.taskId)?.value;
  if (task === undefined) return undefined;
  const domain = bag?.getEntry(Attr.domain)?.value ?? '';
  return JSON.stringify([domain, task, bag?.getEntry(Attr.trial)?.value ?? '']);
}

/** Creates the client over `options.config`; models it does not name go to the OpenAI API. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const client = new Client(options);
  // Bound: callers hand `chat` on by itself (a trial's input takes the function).
  return {
    ready: () => client.ready(),
    chat: (request, parent, signal) => client.chat(request, parent, signal),
    close: () => client.close(),
  };
}
