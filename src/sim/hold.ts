/**
 * Output that an injected stall can hold back. Everything sent while held (frames, the end of the response,
 * a reset) is queued and goes out in the order it was sent once the stall is over, so a stalled answer
 * arrives late but whole.
 */
export interface Hold {
  /** Runs `send` now, or queues it while held. */
  run(send: () => void): void;
  /** Holds everything sent from now for `ms` milliseconds (0: until the next turn of the event loop). */
  hold(ms: number): void;
}

/** A hold that is open until {@link Hold.hold} is called. */
export function createHold(): Hold {
  let queued: (() => void)[] | undefined;
  return {
    run(send) {
      if (queued) queued.push(send);
      else send();
    },
    hold(ms) {
      if (queued) return;
      queued = [];
      const until = performance.now() + ms;
      const release = () => {
        // A timer counts from the event loop's cached millisecond clock and may fire a little early by the
        // high-resolution one; a stall is never shorter than asked.
        const left = until - performance.now();
        if (left > 0) {
          setTimeout(release, Math.ceil(left)).unref();
          return;
        }
        const sends = queued ?? [];
        queued = undefined;
        for (const send of sends) send();
      };
      // Unref'd: a server being closed must not wait for a stall; its connections are gone by then.
      setTimeout(release, ms).unref();
    },
  };
}
