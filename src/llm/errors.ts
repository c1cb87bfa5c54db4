import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from '../util/backoff.js';

/** Why an LLM attempt failed, as recorded in `error.type`. */
export type LlmErrorType =
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'connection_refused'
  | 'connection_error'
  | 'timeout'
  | 'stream_truncated'
  | 'invalid_response'
  | 'cancelled';

/** A failed LLM attempt or call, with what the retry policy needs to know. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly type: LlmErrorType,
    message: string,
    readonly url: string,
    readonly status?: number,
    /** Server's `retry-after` in milliseconds, when it sent one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 429, 5xx, connection failures, timeouts and broken streams are worth another attempt. */
  get retryable(): boolean {
    return this.type !== 'client_error' && this.type !== 'cancelled';
  }

  /** The value recorded as `error.type`: the HTTP status when there is one, else the kind of failure. */
  get errorType(): string {
    return this.status === undefined ? this.type : String(this.status);
  }
}

function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
    if (Array.isArray((e as { errors?: unknown }).errors)) {
      if ((e as { errors: unknown[] }).errors.some((x) => hasCode(x, code))) return true;
    }
  }
  return false;
}

/** Maps whatever an attempt threw (openai errors, fetch errors, parse errors) to an {@link LlmError}. */
export function classifyError(
  err: unknown,
  url: string,
  aborted: 'timeout' | 'cancelled' | undefined,
): LlmError {
  if (err instanceof LlmError) return err;
  if (aborted === 'timeout' || err instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', `request to ${url} timed out`, url, undefined, undefined, { cause: err });
  }
  if (aborted === 'cancelled' || err instanceof APIUserAbortError) {
    return new LlmError('cancelled', `request to ${url} was cancelled`, url, undefined, undefined, {
      cause: err,
    });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const type = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'client_error';
    const headers = err.headers instanceof Headers ? err.headers : undefined;
    return new LlmError(
      type,
      `${url} answered ${status}: ${err.message}`,
      url,
      status,
      parseRetryAfter(headers, Date.now()),
      {
        cause: err,
      },
    );
  }
  if (hasCode(err, 'ECONNREFUSED')) {
    return new LlmError('connection_refused', `${url} refused the connection`, url, undefined, undefined, {
      cause: err,
    });
  }
  if (err instanceof SyntaxError) {
    return new LlmError(
      'invalid_response',
      `${url} sent a frame that is not JSON`,
      url,
      undefined,
      undefined,
      {
        cause: err,
      },
    );
  }
  if (err instanceof APIConnectionError) {
    return new LlmError(
      'connection_error',
      `connection to ${url} failed: ${err.message}`,
      url,
      undefined,
      undefined,
      {
        cause: err,
      },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError('connection_error', `${url}: ${message}`, url, undefined, undefined, { cause: err });
}
