/** Ctrl-C and SIGTERM while a command works: the first stops the work gently, a second ends the process. */

/** The signals a command is watching, from {@link watchSignals}. */
export interface SignalWatch {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal that came, if any. */
  readonly signalled: NodeJS.Signals | undefined;
  /** Stops watching (the default handlers are back). */
  stop(): void;
}

/** The exit status of a process ended by `sig`: 128 + its number. */
export function exitOf(sig: NodeJS.Signals): number {
  return sig === 'SIGINT' ? 130 : 143;
}

/**
 * Watches SIGINT and SIGTERM: the first aborts {@link SignalWatch.signal} (after `onFirst`, say to tell the
 * user what happens now); a second one exits at once, for a user who will not wait.
 */
export function watchSignals(onFirst?: (sig: NodeJS.Signals) => void): SignalWatch {
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) process.exit(exitOf(sig));
    signalled = sig;
    onFirst?.(sig);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get signalled() {
      return signalled;
    },
    stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
