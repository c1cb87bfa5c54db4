import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from '../util/backoff.js';
import { Tau2Error } from '../util/errors.js';

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

/** What an {@link LlmError} is made of. */
export interface LlmErrorOptions {
  type: LlmErrorType;
  message: string;
  /** The endpoint's base URL. */
  url: string;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** Server's `retry-after` in milliseconds, when it sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed LLM attempt or call, with what the retry policy needs to know. */
export class LlmError extends Tau2Error {
  override readonly name: string = 'LlmError';
  readonly type: LlmErrorType;
  readonly url: string;
  readonly status: number | undefined;
  /** Server's `retry-after` in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(o: LlmErrorOptions) {
    super(o.message, { code: 'llm', cause: o.cause });
    this.type = o.type;
    this.url = o.url;
    this.status = o.status;
    this.retryAfterMs = o.retryAfterMs;
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
  const fail = (type: LlmErrorType, message: string, more: Partial<LlmErrorOptions> = {}) =>
    new LlmError({ type, message, url, cause: err, ...more });
  if (aborted === 'timeout' || err instanceof APIConnectionTimeoutError) {
    return fail('timeout', `request to ${url} timed out`);
  }
  if (aborted === 'cancelled' || err instanceof APIUserAbortError) {
    return fail('cancelled', `request to ${url} was cancelled`);
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const type = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'client_error';
    const headers = err.headers instanceof Headers ? err.headers : undefined;
    const retryAfterMs = parseRetryAfter(headers, Date.now());
    return fail(type, `${url} answered ${status}: ${err.message}`, {
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (hasCode(err, 'ECONNREFUSED')) return fail('connection_refused', `${url} refused the connection`);
  if (err instanceof SyntaxError) return fail('invalid_response', `${url} sent a frame that is not JSON`);
  if (err instanceof APIConnectionError) {
    return fail('connection_error', `connection to ${url} failed: ${err.message}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return fail('connection_error', `${url}: ${message}`);
}
