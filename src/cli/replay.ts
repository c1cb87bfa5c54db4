/** `tau2-trace replay`: send a run's spool to a collector (runs made while it was down, or before it existed). */
import {
  locateSpool,
  progressFileOf,
  REPLAY_DEFAULTS,
  ReplayError,
  type ReplayResult,
  type ReplaySpoolOptions,
  replaySpool,
} from '../export/replay.js';
import { UsageError } from '../util/errors.js';
import { cliMessage } from './errors.js';
import { watchSignals } from './signals.js';

/** Options of `tau2-trace replay`. */
export interface ReplayOptions {
  endpoint?: string;
  force: boolean;
  /** Seconds one request may take. */
  timeout: number;
  /** Seconds one line is retried before the replay gives up. */
  retryFor: number;
}

/** Defaults of the `replay` flags, in seconds. */
export const REPLAY_FLAG_DEFAULTS = {
  timeout: REPLAY_DEFAULTS.timeoutMs / 1000,
  retryFor: REPLAY_DEFAULTS.retryForMs / 1000,
};

/** The collector's OTLP/HTTP endpoint: the flag, else the standard environment, else localhost:4318. */
export function defaultOtlpEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318';
}

/**
 * Replays, saying on stderr what happened; resolves with the exit code: 0 when every line was delivered,
 * 130/143 when interrupted. A collector that refuses or stays unreachable is an error (exit 2).
 */
export async function replayCommand(input: string, o: ReplayOptions): Promise<number> {
  const spool = spoolOfInput(input);
  if (!(o.timeout > 0)) throw new UsageError(`replay --timeout ${o.timeout}: expected more than 0 seconds`);
  const say = (text: string) => process.stderr.write(`${text}\n`);
  const signals = watchSignals();
  let r: ReplayResult;
  try {
    r = await replaySpool(spool, o.endpoint ?? defaultOtlpEndpoint(), spoolOptions(o, signals.signal, say));
  } catch (err) {
    if (err instanceof ReplayError) throw new UsageError(`replay: ${cliMessage(err)}`);
    throw err;
  } finally {
    signals.stop();
  }
  tellReplay(r, spool, say);
  return replayExit(r, spool, signals.signalled, say);
}

/** The spool of the command's argument (a run directory or a spool file), named as the user typed it. */
function spoolOfInput(input: string): string {
  try {
    return locateSpool(input);
  } catch (err) {
    if (err instanceof ReplayError) throw new UsageError(`replay ${cliMessage(err)}`);
    throw err;
  }
}

/** The library's options from the flags; retries are told on stderr. */
function spoolOptions(
  o: ReplayOptions,
  signal: AbortSignal,
  say: (text: string) => void,
): ReplaySpoolOptions {
  let lastReason = '';
  return {
    force: o.force,
    timeoutMs: o.timeout * 1000,
    retryForMs: o.retryFor * 1000,
    signal,
    onRetry: (t) => {
      // Once per line and reason: a collector down for a minute is one message, not thirty.
      if (t.attempt > 1 && t.reason === lastReason) return;
      lastReason = t.reason;
      say(`replay: line ${t.line}: ${t.reason}; retrying for up to ${(t.leftMs / 1000).toFixed(1)} s`);
    },
  };
}

/** What was sent, and the lines that were skipped or left for the next replay. */
function tellReplay(r: ReplayResult, spool: string, say: (text: string) => void): void {
  if (r.badLines.length > 0) {
    say(
      `${spool}: ${r.badLines.length} lines are not OTLP/JSON, skipped (first: ${r.badLines.slice(0, 5).join(', ')})`,
    );
  }
  const resumed = r.resumedAfter > 0 ? ` (resumed after line ${r.resumedAfter})` : '';
  if (r.sentLines === 0 && r.resumedAfter > 0 && r.outcome === 'delivered') {
    say(`already replayed to ${r.url}: ${r.totalSpans} spans, nothing new since (--force sends them again)`);
  } else {
    say(`sent ${r.sentSpans} spans to ${r.url}${resumed} (${r.totalSpans} in all for this run)`);
  }
  if (r.unfinishedLine !== undefined) {
    say(
      `${spool}: line ${r.unfinishedLine} has no end yet (a run still writing it?); the next replay sends it`,
    );
  }
}

/** The exit code of a replay that ended with `r`; a replay that failed or was partly rejected throws. */
function replayExit(
  r: ReplayResult,
  spool: string,
  signalled: NodeJS.Signals | undefined,
  say: (text: string) => void,
): number {
  const saved = `progress is saved in ${progressFileOf(spool)}: the next replay starts at line ${r.lines + 1}`;
  if (r.outcome === 'cancelled') {
    say(`${signalled ?? 'cancelled'}: stopped at line ${r.stoppedAt?.line}; ${saved}`);
    return signalled === 'SIGTERM' ? 143 : 130;
  }
  if (r.outcome === 'failed') {
    throw new UsageError(
      `replay stopped at line ${r.stoppedAt?.line} of ${spool}: ${r.stoppedAt?.reason}; ${saved}`,
    );
  }
  if (r.rejectedSpans > 0) {
    throw new UsageError(
      `${r.url} rejected ${r.rejectedSpans} of the spans it was sent (OTLP partial success: ` +
        `${r.rejectedMessage ?? 'no reason given'}); replaying again will not resend them`,
    );
  }
  return 0;
}
