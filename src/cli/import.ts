/**
 * `tau2-trace import`: legacy `tau2_<domain>.log` files → spans per the span contract, into a spool file
 * and/or over OTLP to a collector (see src/export/legacy/import-logs.ts); this file is flags and printing.
 */
import { EXPECTED_LOG, importLegacyLogs, rejectedText } from '../export/legacy/import-logs.js';
import { UsageError } from '../util/errors.js';
import { printWarnings } from './errors.js';

/** Options of `tau2-trace import`. */
export interface ImportOptions {
  logPath?: string;
  logDir?: string;
  logGlob: string;
  out?: string;
  /** `--otlp` alone: the collector the standard environment names (or localhost); `--otlp URL`: that base URL. */
  otlp?: string | boolean;
  runId?: string;
}

/** Imports; resolves with the exit code. */
export async function importCommand(o: ImportOptions): Promise<number> {
  if ((o.logPath === undefined) === (o.logDir === undefined)) {
    throw new UsageError('give exactly one of --log-path and --log-dir');
  }
  const r = await importLegacyLogs(
    {
      source:
        o.logDir !== undefined
          ? { kind: 'legacy-logs', dir: o.logDir, glob: o.logGlob }
          : { kind: 'legacy-log', path: o.logPath! },
      out: o.out,
      otlp: o.otlp === undefined || o.otlp === false ? undefined : o.otlp,
      runId: o.runId,
    },
    { onWarning: (w) => printWarnings([w]) },
  );
  for (const f of r.unrecognised) process.stderr.write(`${f}: no legacy log line in it (${EXPECTED_LOG})\n`);
  const bad = rejectedText(r.rejected);
  if (bad) process.stderr.write(`${bad}\n`);
  const where = [r.out, r.otlp && `${r.otlp.endpoint} (${r.otlp.sent} spans sent)`]
    .filter(Boolean)
    .join(' and ');
  process.stderr.write(
    `imported ${r.lines} lines of ${r.files.length} files as run ${r.runId}: ${r.trials} trials, ${r.spans} spans → ${where}\n`,
  );
  return 0;
}
