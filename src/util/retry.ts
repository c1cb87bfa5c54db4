/**
 * The one retry loop of the project (the LLM client, replay): exponential backoff with full jitter, the
 * server's `Retry-After`, a time budget, and an abort signal. Callers say what an attempt came to as a value;
 * the loop decides whether and when to try again, so both loops keep one definition of the arithmetic.
 */
import { type BackoffOptions, backoffDelay } from './backoff.js';

/** How a retry loop spends its attempts and its time. */
export interface RetryPolicy {
  backoff: BackoffOptions;
  /** How long attempts go on, in milliseconds, counted from `budgetFrom`. */
  budgetMs: number;
  /**
   * Where the budget starts: the first attempt (a line of a replay has `budgetMs` in all) or the first failure
   * (an LLM call that is slow to answer is not penalised for it).
   */
  budgetFrom: 'first_attempt' | 'first_failure';
  /**
   * A wait that would end past the budget: `stop` gives up at once; `clip` waits until the budget's end for a
   * last attempt (unless the server asked for a longer wait: that gives up, since it would refuse sooner).
   */
  pastBudget: 'stop' | 'clip';
  /** Most attempts, the first included (default: no limit but the budget). */
  maxAttempts?: number;
  /** A draw in `[0, 1)` for the jitter (default `Math.random`); a seeded one keeps a run reproducible. */
  random?: () => number;
}

/** What one attempt came to: a result to return (success or a final answer), or a failure. */
export type AttemptOutcome<T, F> =
  | { settled: T }
  | {
      failed: F;
      /** False when trying again cannot help (a 400): the loop ends with this failure. */
      retryable: boolean;
      /** How long the server asked to wait, in milliseconds. */
      retryAfterMs?: number | undefined;
    };

/** Why a loop stopped retrying. */
export type RetryStop = 'not_retryable' | 'attempts' | 'budget' | 'retry_after' | 'aborted';

/** What a loop ended with. */
export type RetryResult<T, F> =
  | { settled: T; attempts: number }
  | {
      failed: F;
      attempts: number;
      stop: RetryStop;
      /** Time since the budget started, when the loop gave up. */
      elapsedMs: number;
      /** How long the server asked to wait after the last failure, if it did. */
      retryAfterMs: number | undefined;
    };

/** A wait before the next attempt, as told to {@link RetryOptions.onRetry}. */
export interface RetryWait {
  /** Attempts so far (1 after the first failure). */
  attempt: number;
  delayMs: number;
  /** How much of the budget is left. */
  leftMs: number;
}

/** Options of {@link retrying}. */
export interface RetryOptions<F> {
  policy: RetryPolicy;
  /** Ends the loop: no further attempt starts, and a wait is cut short. */
  signal?: AbortSignal | undefined;
  /** Told of every failure that will be retried, before the wait. */
  onRetry?: (failure: F, wait: RetryWait) => void;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * Resolves after `ms`, or as soon as `signal` aborts. The timer is not `unref()`ed: a replay waiting out a
 * collector restart has nothing else keeping the process alive.
 */
export function waitOrAbort(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Whether to wait and try again after a failure, and for how long. */
function decide(
  p: RetryPolicy,
  attempt: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
  aborted: boolean,
): { stop: RetryStop } | { delayMs: number; leftMs: number } {
  // Drawn on every failure, retried or not: a seeded generator shared with other choices stays in step.
  const backoff = backoffDelay(attempt, p.backoff, p.random ?? Math.random);
  const delay = Math.max(backoff, retryAfterMs ?? 0);
  const leftMs = p.budgetMs - elapsedMs;
  if (attempt >= (p.maxAttempts ?? Number.POSITIVE_INFINITY)) return { stop: 'attempts' };
  if (aborted) return { stop: 'aborted' };
  if (p.pastBudget === 'stop') return delay > leftMs ? { stop: 'budget' } : { delayMs: delay, leftMs };
  if (retryAfterMs !== undefined && retryAfterMs > leftMs) return { stop: 'retry_after' };
  if (leftMs <= 0) return { stop: 'budget' };
  // Never earlier than the server asked; a last attempt right at the end of the budget.
  return { delayMs: Math.min(leftMs, delay), leftMs };
}

/**
 * Runs `attempt` (given its number, from 1) until it settles, fails in a way not worth retrying, or the policy
 * or the signal ends the loop. A wait cut short by the signal is followed by one more attempt, which sees the
 * aborted signal and says what that means for it (a cancelled request, a cancelled replay).
 */
export async function retrying<T, F>(
  attempt: (n: number) => Promise<AttemptOutcome<T, F>>,
  options: RetryOptions<F>,
): Promise<RetryResult<T, F>> {
  const now = options.now ?? (() => performance.now());
  const { policy, signal } = options;
  let start = policy.budgetFrom === 'first_attempt' ? now() : undefined;
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if ('settled' in outcome) return { settled: outcome.settled, attempts: n };
    start ??= now();
    const elapsedMs = now() - start;
    const verdict = decide(policy, n, elapsedMs, outcome.retryAfterMs, signal?.aborted === true);
    if (!outcome.retryable || 'stop' in verdict) {
      const stop = !outcome.retryable ? 'not_retryable' : (verdict as { stop: RetryStop }).stop;
      return { failed: outcome.failed, attempts: n, stop, elapsedMs, retryAfterMs: outcome.retryAfterMs };
    }
    options.onRetry?.(outcome.failed, { attempt: n, ...verdict });
    await waitOrAbort(verdict.delayMs, signal);
  }
}
