/**
 * One attempt of an LLM call: one request to one endpoint, streamed with usage or not, bounded by a
 * whole-attempt timeout and an idle timeout between chunks, and cancelled with the call's signal. Every
 * failure is thrown as a classified {@link LlmError}; whether to try again is the client's retry loop's call.
 */
import type OpenAI from 'openai';
import type { Endpoint } from './endpoint-pool.js';
import { classifyError, LlmError } from './errors.js';
import { type ChatRequest, isStreamed, requestParams } from './request.js';
import {
  type Accumulator,
  accumulate,
  type ChatResult,
  emptyAccumulator,
  finish,
  readEventStream,
} from './stream.js';
import { createWireRecord } from './wire.js';

/** How long an attempt may take. */
export interface AttemptLimits {
  /** Whole-attempt timeout. */
  timeoutMs: number;
  /** Longest silence allowed between two chunks of a stream. */
  idleTimeoutMs: number;
}

type AbortReason = 'timeout' | 'cancelled';

/** The abort of one attempt's request, and why it came first: its timeouts or the call's cancel. */
class AttemptAbort {
  readonly controller = new AbortController();
  why: AbortReason | undefined;
  private readonly onCancel = () => this.abort('cancelled');
  private readonly total: ReturnType<typeof setTimeout>;
  private readonly idle: ReturnType<typeof setTimeout>;

  constructor(
    private readonly signal: AbortSignal | undefined,
    limits: AttemptLimits,
  ) {
    if (signal?.aborted) this.abort('cancelled');
    signal?.addEventListener('abort', this.onCancel, { once: true });
    this.total = setTimeout(() => this.abort('timeout'), limits.timeoutMs);
    this.idle = setTimeout(() => this.abort('timeout'), limits.idleTimeoutMs);
  }

  abort(why: AbortReason): void {
    this.why ??= why;
    this.controller.abort();
  }

  /** A chunk arrived: the idle timeout starts again. */
  touch(): void {
    this.idle.refresh();
  }

  dispose(): void {
    clearTimeout(this.total);
    clearTimeout(this.idle);
    this.signal?.removeEventListener('abort', this.onCancel);
  }
}

/** Streams the answer into `acc`; returns when its last byte arrived. */
async function readStreamed(
  ep: Endpoint,
  params: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
  headers: Record<string, string>,
  abort: AttemptAbort,
  acc: Accumulator,
): Promise<number> {
  const wire = createWireRecord();
  const response = await ep.client.chat.completions
    .create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      // The I/O thread's fetch stamps the wire times into `wire`.
      {
        signal: abort.controller.signal,
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
  acc.sentAt = wire.sentAt ?? acc.sentAt;
  return readEventStream(response.body, acc, ep.spec.baseURL, plain ? wire : undefined, () => abort.touch());
}

/** Sends one request to `ep` and reads its answer; throws a classified {@link LlmError}. */
export async function sendAttempt(
  ep: Endpoint,
  request: ChatRequest,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  limits: AttemptLimits,
): Promise<ChatResult> {
  const stream = isStreamed(request);
  const abort = new AttemptAbort(signal, limits);
  const acc = emptyAccumulator(performance.now());
  const params = requestParams(request);
  let endedAt: number | undefined;
  try {
    if (stream) {
      endedAt = await readStreamed(ep, params, headers, abort, acc);
    } else {
      const completion = await ep.client.chat.completions.create(
        request.body ? params : { ...params, stream: false },
        { signal: abort.controller.signal, headers },
      );
      accumulate(acc, completion, performance.now());
    }
    if (abort.why) throw classifyError(new Error(`aborted (${abort.why})`), ep.spec.baseURL, abort.why);
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
    throw classifyError(err, ep.spec.baseURL, abort.why);
  } finally {
    abort.dispose();
  }
}
