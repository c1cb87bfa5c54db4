/**
 * One clock for every span timestamp: the monotonic `performance.now()` anchored once at process start.
 * The SDK's own default anchors each span separately on `Date.now()` (millisecond resolution), which puts
 * up to a millisecond of jitter between a call's prefill and decode spans; passing these epoch values keeps
 * timestamps of different spans comparable to the microsecond.
 */
export function epochMs(perfNow: number = performance.now()): number {
  return performance.timeOrigin + perfNow;
}

/** The inverse of {@link epochMs}: an epoch time stamped on another thread, on this thread's clock. */
export function perfFromEpochMs(epoch: number): number {
  return epoch - performance.timeOrigin;
}
