/**
 * The one worker pool of the project (task trials, trace fetches, chart rendering): a fixed number of lanes
 * take the next item as they free up, so at most `concurrency` calls are in flight and a slow item never holds
 * the others back.
 */

/** Options of {@link mapPool}. */
export interface PoolOptions {
  /** Items not yet started once it aborts are never started; calls in flight are the caller's to stop. */
  signal?: AbortSignal | undefined;
}

/**
 * Calls `work` on every item, at most `concurrency` at once (at least one lane), and resolves with the
 * results in the items' order (`undefined` for items never started because of the signal).
 *
 * The first failure stops new items from starting; the pool then waits for the calls in flight (nothing is
 * left running behind the caller's back) and rejects with that failure.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions = {},
): Promise<(R | undefined)[]> {
  const out: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && !options.signal?.aborted && next < items.length) {
      const i = next++;
      try {
        out[i] = await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure.error;
  return out;
}
