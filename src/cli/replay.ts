/** `tau2-trace replay`: send a run's spool to a collector (runs made while it was down, or before it existed). */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayError, replaySpool } from '../export/replay.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { UsageError } from '../util/errors.js';

/** Options of `tau2-trace replay`. */
export interface ReplayOptions {
  endpoint?: string;
  force: boolean;
}

/** The collector's OTLP/HTTP endpoint: the flag, else the standard environment, else localhost:4318. */
export function defaultOtlpEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318';
}

/** Replays; resolves with the exit code. */
export async function replayCommand(input: string, o: ReplayOptions): Promise<number> {
  if (!existsSync(input)) throw new UsageError(`replay ${input}: no such run directory or spool file`);
  const spool = statSync(input).isDirectory() ? join(input, SPOOL_FILE) : input;
  if (!existsSync(spool)) throw new UsageError(`replay ${input}: no ${SPOOL_FILE} in this directory`);
  try {
    const r = await replaySpool(spool, o.endpoint ?? defaultOtlpEndpoint(), o.force);
    if (r.badLines.length > 0) {
      process.stderr.write(
        `${spool}: ${r.badLines.length} lines are not OTLP/JSON, skipped (first: ${r.badLines.slice(0, 5).join(', ')})\n`,
      );
    }
    process.stderr.write(
      r.alreadyDone
        ? `already replayed to ${r.url}: ${r.total} spans (--force sends them again)\n`
        : `sent ${r.sent} spans to ${r.url} (${r.total} in all for this run)\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ReplayError) {
      throw new UsageError(`replay: ${err.message}; progress is saved, run replay again to resume`);
    }
    throw err;
  }
}
