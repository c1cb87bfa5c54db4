/**
 * One way to open a run, whatever holds it: a run directory or its spool, legacy `tau2_<domain>.log` files,
 * or a trace store (Tempo, Jaeger). Each becomes a {@link RunSource}: its counted traces (see run-traces.ts),
 * its legacy metric values, the extended stats, where outputs go by default, and what was left out on the
 * way. `stats`, `logs` and `import` read through it. Errors are {@link UsageError}s about the setting that
 * named the input (`spans`, `logPath`, `logDir`, `tempo`, `jaeger`, `runId`).
 */
import { dirname, join } from 'node:path';
import { SPOOL_FILE } from '../harness/rundir.js';
import { type MessagePart, setting, TraceStoreError, UsageError } from '../util/errors.js';
import { extFromLogs, extFromSpans } from './ext/collect.js';
import type { ExtCollector } from './ext/stats-ext.js';
import { readJaegerRun } from './jaeger-reader.js';
import { fileKind, listLegacyLogs } from './legacy/files.js';
import { legacyValuesFromSpans } from './legacy/from-spans.js';
import { type LegacyParseResult, parseLegacyFiles } from './legacy/parse.js';
import { leftOutText, pickRunTraces } from './run-traces.js';
import { readSpool, type SpoolSpan } from './spool-reader.js';
import { readTempoRun } from './tempo-reader.js';

/** A message in parts (settings spelled by whoever shows it). */
export type Message = readonly MessagePart[];

/** What to open. `field` is the setting that named it (errors are about it); each kind has a default. */
export type RunSourceSpec =
  | { kind: 'spool'; path: string; field?: string }
  | { kind: 'legacy-log'; path: string; field?: 'logPath' }
  | { kind: 'legacy-logs'; dir: string; glob?: string; field?: 'logDir' }
  | { kind: 'tempo' | 'jaeger'; url: string; runId: string | undefined; field?: string };

/** A run, opened. */
export interface RunSource {
  kind: RunSourceSpec['kind'];
  /** What was read, as outputs name it (`<file>`, `<url> (tau2.run.id=…)`). */
  source: string;
  /** Where outputs go unless told otherwise: beside the input, or here for a store. */
  besides: string;
  /** What was left out (traces, files, lines), in the order found, also told to `onWarning` as found. */
  warnings: Message[];
  /** The spans of the counted traces; undefined for legacy logs, which hold lines, not spans. */
  spans: SpoolSpan[] | undefined;
  /** The legacy log files read, in the legacy analyzer's order; empty for spans. */
  files: string[];
  /**
   * The seven legacy metrics' values, with what was left out of them. For logs, `allFields` also reads the
   * later key generation's lines; logs in which no line is a legacy one are an error.
   */
  legacyValues(options?: { allFields?: boolean }): LegacyParseResult;
  /** The extended stats' values (per model, per domain, task durations). */
  ext(): Promise<ExtCollector>;
}

/** Options of {@link openRun}. */
export interface OpenRunOptions {
  /** Told of each warning as it is found, before anything that follows it (an error included). */
  onWarning?: (warning: Message) => void;
}

/** Where warnings go: the source's list, and the caller as they come. */
function warner(list: Message[], options: OpenRunOptions): (warning: Message) => void {
  return (w) => {
    list.push(w);
    options.onWarning?.(w);
  };
}

/** `1 line`, `2 lines`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A message about setting `field`: `<field> <text>`. */
const about = (field: string, text: string): Message => [setting(field), ` ${text}`];
const refuse = (field: string, text: string) => new UsageError(text, { field });

/**
 * The counted task traces of a spool file or run directory. Refuses a path that is not a regular file (a
 * FIFO is never opened), a file in which no line is an OTLP/JSON export request, and a spool without one
 * counted trace.
 */
async function openSpool(path: string, field: string, options: OpenRunOptions): Promise<RunSource> {
  const kind = fileKind(path);
  if (kind === 'missing') throw refuse(field, `${path}: no such file or run directory`);
  const file = kind === 'directory' ? join(path, SPOOL_FILE) : path;
  const fileIs = kind === 'directory' ? fileKind(file) : kind;
  if (fileIs === 'missing') throw refuse(field, `${path}: no ${SPOOL_FILE} in this directory`);
  if (fileIs !== 'file') {
    throw refuse(field, `${file}: is a ${fileIs}; a spool is a regular file of OTLP/JSON lines`);
  }
  const { spans, badLines, requests } = await readSpool(file);
  if (requests === 0) {
    const what = badLines.length === 0 ? 'it is empty' : `none of its ${plural(badLines.length, 'line')} is`;
    throw refuse(
      field,
      `${file}: not a spool: ${what} an OTLP/JSON export request ` +
        '(one {"resourceSpans": [...]} object per line, as spans.otlp.jsonl has)',
    );
  }
  const warnings: Message[] = [];
  const warn = warner(warnings, options);
  if (badLines.length > 0) {
    const first = badLines.slice(0, 5).join(', ');
    warn([`${file}: ${badLines.length} lines are not OTLP/JSON export requests (first: ${first})`]);
  }
  const picked = pickRunTraces(spans);
  const left = leftOutText(picked.left);
  if (picked.roots.size === 0) {
    throw refuse(
      field,
      `${file}: no finished task trace in ${spans.length} spans${left ? ` (${left})` : ''}`,
    );
  }
  if (left) warn([`${file}: ${left}`]);
  return fromSpans('spool', picked.spans, file, dirname(file), warnings);
}

function fromSpans(
  kind: RunSource['kind'],
  spans: SpoolSpan[],
  source: string,
  besides: string,
  warnings: Message[],
): RunSource {
  return {
    kind,
    source,
    besides,
    warnings,
    spans,
    files: [],
    legacyValues: () => legacyValuesFromSpans(spans, source),
    ext: async () => extFromSpans(spans),
  };
}

/** A run's task traces from a trace store; `runId` is its `tau2.run.id`. */
async function openStore(
  spec: Extract<RunSourceSpec, { kind: 'tempo' | 'jaeger' }>,
  options: OpenRunOptions,
): Promise<RunSource> {
  const field = spec.field ?? spec.kind;
  const { url, runId } = spec;
  if (!runId) {
    throw new UsageError(
      [setting(field), ' needs ', setting('runId'), ' (the run directory name, tau2.run.id)'],
      {
        field: 'runId',
      },
    );
  }
  // It is quoted into a TraceQL query and into messages; a run id never holds a control character.
  if (/[\x00-\x1f\x7f]/.test(runId))
    throw refuse('runId', `${JSON.stringify(runId)}: has a control character`);
  const read = spec.kind === 'tempo' ? readTempoRun : readJaegerRun;
  let found: SpoolSpan[];
  try {
    found = await read(url, runId);
  } catch (err) {
    if (err instanceof TraceStoreError)
      throw new UsageError([setting(field), ' ', ...err.parts], { field, cause: err });
    throw err;
  }
  if (found.length === 0) throw refuse(field, `${url}: no task traces with tau2.run.id=${runId}`);
  const picked = pickRunTraces(found);
  const left = leftOutText(picked.left);
  if (picked.roots.size === 0) {
    throw refuse(field, `${url}: no finished task trace with tau2.run.id=${runId} (${left})`);
  }
  const warnings: Message[] = [];
  if (left) warner(warnings, options)(about(field, `${url}: ${left}`));
  return fromSpans(spec.kind, picked.spans, `${url} (tau2.run.id=${runId})`, '.', warnings);
}

/**
 * The files a legacy log input names: one regular file, or the regular files of a directory that match
 * `glob` (default `tau2_*.log`); matching names that are not regular files are skipped, with a warning.
 */
export function legacyLogFiles(
  spec: Extract<RunSourceSpec, { kind: 'legacy-log' | 'legacy-logs' }>,
  options: OpenRunOptions = {},
): { files: string[]; warnings: Message[] } {
  if (spec.kind === 'legacy-log') {
    const { path } = spec;
    const kind = fileKind(path);
    if (kind === 'missing') throw refuse('logPath', `${path}: no such file or directory`);
    if (kind === 'directory') {
      throw new UsageError(
        [setting('logPath'), ` ${path}: is a directory; give it with `, setting('logDir')],
        {
          field: 'logPath',
        },
      );
    }
    if (kind !== 'file') throw refuse('logPath', `${path}: is a ${kind}; only regular files are read`);
    return { files: [path], warnings: [] };
  }
  const { dir } = spec;
  const glob = spec.glob ?? 'tau2_*.log';
  const kind = fileKind(dir);
  if (kind === 'missing') throw refuse('logDir', `${dir}: no such file or directory`);
  if (kind === 'file') {
    throw new UsageError(
      [setting('logDir'), ` ${dir}: is a file, not a directory; give it with `, setting('logPath')],
      {
        field: 'logDir',
      },
    );
  }
  if (kind !== 'directory') throw refuse('logDir', `${dir}: is a ${kind}, not a directory`);
  const { files, skipped } = listLegacyLogs(dir, glob);
  const warnings: Message[] = [];
  const warn = warner(warnings, options);
  for (const s of skipped) warn([`${s.path}: skipped, ${s.why}; only regular files are read`]);
  if (files.length === 0) {
    const besides = skipped.length > 0 ? ` (${plural(skipped.length, 'matching name')} skipped)` : '';
    throw refuse('logDir', `${dir}: no file matches ${glob}${besides}`);
  }
  return { files, warnings };
}

/** What a log input must show to be read at all: one line of the legacy logger's. */
const EXPECTED_LOG =
  'a legacy log has [PROFILE] or [USER_JUDGE] lines, or type=tool_call|expert_call|llm_call lines with values';

function openLogs(
  spec: Extract<RunSourceSpec, { kind: 'legacy-log' | 'legacy-logs' }>,
  options: OpenRunOptions,
): RunSource {
  const { files, warnings } = legacyLogFiles(spec, options);
  const warn = warner(warnings, options);
  const field = spec.kind === 'legacy-log' ? 'logPath' : 'logDir';
  const path = spec.kind === 'legacy-log' ? spec.path : spec.dir;
  const legacyValues = ({ allFields = false }: { allFields?: boolean } = {}) => {
    const parsed = parseLegacyFiles(files, { allFields });
    if (parsed.unrecognisedFiles.length === files.length) {
      const what =
        files.length === 1 ? `${files[0]} (${plural(parsed.lines, 'line')})` : `its ${files.length} files`;
      throw refuse(field, `${path}: nothing to read in ${what}: ${EXPECTED_LOG}; nothing written`);
    }
    for (const f of parsed.unrecognisedFiles) {
      warn([`${f}: no legacy log line in it (${EXPECTED_LOG}); it adds nothing`]);
    }
    if (parsed.unusable > 0) {
      const first = parsed.unusableSamples.map((s) => `${s.file}:${s.line}`).join(', ');
      warn([`${parsed.unusable} lines could not be used (first: ${first})`]);
    }
    return parsed;
  };
  return {
    kind: spec.kind,
    source: path,
    besides: spec.kind === 'legacy-logs' ? spec.dir : dirname(spec.path),
    warnings,
    spans: undefined,
    files,
    legacyValues,
    ext: () => extFromLogs(files),
  };
}

/** Opens a run from wherever it is held. */
export async function openRun(spec: RunSourceSpec, options: OpenRunOptions = {}): Promise<RunSource> {
  switch (spec.kind) {
    case 'spool':
      return openSpool(spec.path, spec.field ?? 'spans', options);
    case 'tempo':
    case 'jaeger':
      return openStore(spec, options);
    default:
      return openLogs(spec, options);
  }
}
