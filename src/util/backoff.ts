/**
 * How long to wait before retrying a request: exponential backoff with full jitter, and the server's own
 * `Retry-After`. Pure functions: the caller passes the randomness and the clock, so tests need no fakes and
 * every retry loop in the project (replay, the LLM client) can share one definition.
 */

/** Bounds of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in milliseconds; it doubles with every failed attempt. */
  baseMs: number;
  /** No delay is ever longer than this, in milliseconds. */
  maxMs: number;
}

/**
 * The delay before the next attempt after `attempt` attempts have failed (1 after the first failure):
 * uniform in `[0, min(maxMs, baseMs · 2^(attempt − 1)))`.
 *
 * This is "full jitter": unlike a fixed exponential schedule it spreads clients that failed at the same moment
 * (every replay and harness after a collector restart) over the whole window instead of sending them back in
 * step.
 *
 * @param random - a draw in `[0, 1)`, e.g. `Math.random` or a seeded generator.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number,
): number {
  // 2 ** 1100 is Infinity, which min() turns into maxMs: no overflow to guard against.
  const cap = Math.min(maxMs, baseMs * 2 ** (Math.max(1, attempt) - 1));
  return cap * random();
}

/** Anything with a case-insensitive `get`, such as fetch's `Headers` (which the openai client also uses). */
export interface HeaderSource {
  get(name: string): string | null;
}

const SECONDS = /^\s*\d+(\.\d+)?\s*$/;
// Date.parse reads "120" or "-5" as years, so only a value with a day or month name counts as an HTTP-date.
const HAS_NAME = /[a-z]{3}/i;
// HTTP-dates are GMT, but the obsolete asctime form does not say so and Date.parse would read it as local time.
const HAS_ZONE = /\b(gmt|utc)\b|[+-]\d{4}\b/i;

/**
 * How long a server asked us to wait, in milliseconds, or `undefined` when it did not say (or said something
 * unreadable).
 *
 * From headers, `retry-after-ms` (sent by OpenAI-compatible servers, more precise) wins over `retry-after`.
 * A `retry-after` value is either delay-seconds (`"120"`, decimals accepted) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`); a date in the past means "now", i.e. 0.
 *
 * @param source - response headers, or the value of a `retry-after` header.
 * @param now - the current time in epoch milliseconds (`Date.now()`), against which a date is measured.
 */
export function parseRetryAfter(
  source: HeaderSource | string | null | undefined,
  now: number,
): number | undefined {
  if (source === null || source === undefined) return undefined;
  if (typeof source !== 'string') {
    const ms = source.get('retry-after-ms');
    if (ms !== null && SECONDS.test(ms)) return Number(ms);
    return parseRetryAfter(source.get('retry-after'), now);
  }
  if (SECONDS.test(source)) return Number(source) * 1000;
  if (!HAS_NAME.test(source)) return undefined;
  const at = Date.parse(HAS_ZONE.test(source) ? source : `${source} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
