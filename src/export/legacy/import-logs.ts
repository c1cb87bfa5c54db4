/**
 * Importing legacy `tau2_<domain>.log` files: their lines become trials ({@link TrialBuilder}), each trial a
 * trace ({@link emitTrial}), through the import pipeline into a spool file and/or a collector, so old runs
 * show up in the new pipeline. Nothing is written unless the import succeeds.
 */
import { dirname, join, resolve } from 'node:path';
import { runIdOf, SPOOL_FILE } from '../../harness/rundir.js';
import { setting, UsageError } from '../../util/errors.js';
import { readLines } from '../lines.js';
import { legacyLogFiles, type Message, type RunSourceSpec } from '../sources.js';
import { domainOfLogFile, fileKind } from './files.js';
import { emitTrial } from './import.js';
import { type ImportPipeline, openImportPipeline } from './import-pipeline.js';
import { parseRecord } from './records.js';
import { type Rejection, type Trial, TrialBuilder } from './trials.js';

/** What to import, and where to. */
export interface ImportLogsSettings {
  /** One log file, or a directory of them. */
  source: Extract<RunSourceSpec, { kind: 'legacy-log' | 'legacy-logs' }>;
  /** The spool to write. Default: `spans.otlp.jsonl` beside the logs, unless exporting to a collector. */
  out?: string | undefined;
  /** Export over OTLP: a collector's base URL, or true for the one the standard variables name. */
  otlp?: string | true | undefined;
  /** The run id on every span. Default: the log directory's name. */
  runId?: string | undefined;
}

/** A line that could not be used. */
export interface RejectedLine {
  file: string;
  line: number;
  why: Rejection;
}

/** What an import did. */
export interface ImportReport {
  runId: string;
  files: string[];
  lines: number;
  trials: number;
  spans: number;
  /** The spool written, if any. */
  out?: string;
  /** The collector's traces URL and the spans it took, when exporting. */
  otlp?: { endpoint: string; sent: number };
  /** Lines that could not be used: how many, and the first few. */
  rejected: { count: number; first: RejectedLine[] };
  /** Files without a single legacy log line. */
  unrecognised: string[];
}

/** What an input must show: the legacy logger's lines. */
export const EXPECTED_LOG =
  'a legacy log has [PROFILE] or [USER_JUDGE] lines with a timestamp, task=, thread= and type=';

/** The run id: the setting, else the log directory's name; either must be a name Tempo can be asked for. */
function runIdFor(runId: string | undefined, dir: string): string {
  const id = runId ?? runIdOf(resolve(dir));
  if (id !== '' && !/[\x00-\x1f\x7f]/.test(id)) return id;
  const from: Message =
    runId !== undefined
      ? [setting('runId')]
      : [`the log directory's name (${resolve(dir)}); pass `, setting('runId')];
  throw new UsageError(
    [`run id ${JSON.stringify(id)} from `, ...from, ': it must be non-empty, without control characters'],
    { field: 'runId' },
  );
}

/** Never overwrite or append to spans someone already has (a dangling symlink would be written through). */
function checkOut(out: string): void {
  if (fileKind(out) !== 'missing') {
    throw new UsageError(
      [`${out} already exists; pass another `, setting('out'), ' (import never overwrites spans)'],
      {
        field: 'out',
      },
    );
  }
  if (fileKind(dirname(out)) !== 'directory') {
    throw new UsageError(`${out}: ${dirname(out)} is not a directory`, { field: 'out' });
  }
}

/** Counts of one import as it goes. */
interface Tally {
  lines: number;
  trials: number;
  spans: number;
  rejected: { count: number; first: RejectedLine[] };
  unrecognised: string[];
}

/** Why a line is not used, or undefined when it was; a line of another logger is neither. */
function classify(builder: TrialBuilder, text: string, n: number): { ours: boolean; why?: Rejection } {
  const record = parseRecord(text, n);
  if (record) {
    const why = builder.add(record);
    return why ? { ours: true, why } : { ours: true };
  }
  // Tracebacks and other loggers' lines between ours are not ours to count; a marked line we cannot read
  // (truncated, garbled) is.
  return /\[(PROFILE|USER_JUDGE)\]/.test(text)
    ? { ours: true, why: 'unreadable timestamp or level' }
    : { ours: false };
}

/** Reads one log file, emitting its trials as they finish and letting the export catch up between them. */
async function importFile(file: string, p: ImportPipeline, runId: string, t: Tally): Promise<void> {
  let ours = 0;
  const done: Trial[] = [];
  const builder = new TrialBuilder(domainOfLogFile(file), (trial) => done.push(trial));
  const emit = async () => {
    for (const trial of done.splice(0)) {
      t.spans += emitTrial(p.tracer, p.ids, runId, trial);
      t.trials++;
    }
    await p.relieve();
  };
  for (const [text, n] of readLines(file)) {
    t.lines++;
    const { ours: isOurs, why } = classify(builder, text, n);
    if (isOurs) ours++;
    if (why) {
      t.rejected.count++;
      // The first few name the lines; a file of a million bad lines must not cost a million records.
      if (t.rejected.first.length < 5) t.rejected.first.push({ file, line: n, why });
    }
    if (done.length > 0) await emit();
  }
  builder.end();
  await emit();
  if (ours === 0) t.unrecognised.push(file);
}

/** Refuses an import that found no trial, saying why; nothing has been written. */
function refuseEmpty(s: ImportLogsSettings, files: string[], t: Tally): never {
  const field = s.source.kind === 'legacy-logs' ? 'logDir' : 'logPath';
  const input = s.source.kind === 'legacy-logs' ? s.source.dir : s.source.path;
  if (t.unrecognised.length === files.length) {
    const where = files.length === 1 ? files[0] : `its ${files.length} files`;
    throw new UsageError(`${input}: nothing to import in ${where}: ${EXPECTED_LOG}; nothing written`, {
      field,
    });
  }
  throw new UsageError(`${input}: no line could be used; ${rejectedText(t.rejected)}; nothing written`, {
    field,
  });
}

/** `N lines could not be used (first: file:line (why), …)`, or '' when every line was used. */
export function rejectedText(r: ImportReport['rejected']): string {
  if (r.count === 0) return '';
  const first = r.first.map((x) => `${x.file}:${x.line} (${x.why})`).join(', ');
  return `${r.count} lines could not be used (first: ${first})`;
}

/**
 * Imports legacy logs as spans; the spool appears only when the import succeeded. Throws a UsageError
 * naming the setting when the input, the run id, the output or the collector will not do.
 */
export async function importLegacyLogs(
  s: ImportLogsSettings,
  options: { onWarning?: (w: Message) => void } = {},
): Promise<ImportReport> {
  const { files } = legacyLogFiles(s.source, options);
  const dir = s.source.kind === 'legacy-logs' ? s.source.dir : dirname(s.source.path);
  const runId = runIdFor(s.runId, dir);
  const out = s.out ?? (s.otlp === undefined ? join(dir, SPOOL_FILE) : undefined);
  if (out !== undefined) checkOut(out);
  const p = openImportPipeline({ runId, domains: files.map(domainOfLogFile), out, otlp: s.otlp });
  const t: Tally = { lines: 0, trials: 0, spans: 0, rejected: { count: 0, first: [] }, unrecognised: [] };
  try {
    for (const file of files) await importFile(file, p, runId, t);
    await p.finish();
  } catch (err) {
    await p.abort();
    p.spool?.discard();
    throw err;
  }
  if (t.trials === 0) {
    p.spool?.discard();
    refuseEmpty(s, files, t);
  }
  if (p.spool && p.spool.written !== t.spans) {
    p.spool.discard();
    throw new Error(
      `${p.spool.out}: only ${p.spool.written} of ${t.spans} spans could be written; nothing kept`,
    );
  }
  p.spool?.publish();
  const { rejected, unrecognised, lines, trials, spans } = t;
  return {
    runId,
    files,
    lines,
    trials,
    spans,
    rejected,
    unrecognised,
    ...(out !== undefined ? { out } : {}),
    ...(p.endpoint !== undefined ? { otlp: { endpoint: p.endpoint, sent: p.sent() } } : {}),
  };
}
