/**
 * `tau2-trace stats`: the legacy `<prefix>_stats.json`, its 7 charts and console tables, from legacy PROFILE logs
 * (`--log-path` / `--log-dir`) or from a run's spool (`--spans`).
 */
import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChartWorker } from '../export/charts/worker.js';
import { EXT_KINDS, extFromLogs, extFromSpans } from '../export/ext/collect.js';
import { type ExtCollector, statsExtJson } from '../export/ext/stats-ext.js';
import { readJaegerRun } from '../export/jaeger-reader.js';
import { legacyConsoleText, legacyWroteText } from '../export/legacy/console.js';
import { fileKind, listLegacyLogs } from '../export/legacy/files.js';
import { legacyValuesFromSpans } from '../export/legacy/from-spans.js';
import { legacyStatsJson } from '../export/legacy/json.js';
import { LEGACY_METRICS, type LegacyParseResult, parseLegacyFiles } from '../export/legacy/parse.js';
import { summarizeAll } from '../export/legacy/stats.js';
import { leftOutText, pickRunTraces } from '../export/run-traces.js';
import { readSpool, type SpoolSpan } from '../export/spool-reader.js';
import { readTempoRun } from '../export/tempo-reader.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { TraceStoreError, UsageError } from '../util/errors.js';
import { versions } from './about.js';
import { cliMessage } from './errors.js';

/** Options of `tau2-trace stats` (the legacy analyzer's flags, plus `--spans`). */
export interface StatsOptions {
  logPath?: string;
  logDir?: string;
  logGlob: string;
  spans?: string;
  /** Tempo's HTTP base URL, with `runId`. */
  tempo?: string;
  /** Jaeger's query API base URL (UI port), with `runId`. */
  jaeger?: string;
  runId?: string;
  outDir?: string;
  outPrefix: string;
  bins: number;
  /**
   * Also `<prefix>_stats_ext.json` and the log-scale / CDF charts. Default (undefined): on for spans and Tempo;
   * off for legacy logs, where reading every line a second time costs several times the legacy analyzer's own
   * time (12.5 s against 2.1 s for 850,000 lines), and those users asked for the legacy tool.
   */
  ext?: boolean | undefined;
  /** Read the later key generation's `llm_call` lines too (not the legacy analyzer's behaviour). */
  allFields: boolean;
}

/**
 * The counted task traces (see src/export/run-traces.ts) of a spool file or run directory; `flag` names the
 * input in errors. Refuses a path that is not a regular file (a FIFO is never opened), a file in which no line
 * is an OTLP/JSON export request, and a spool without one counted trace.
 */
export async function readRunSpans(
  path: string,
  flag: string,
): Promise<{ spans: SpoolSpan[]; file: string; besides: string }> {
  const kind = fileKind(path);
  if (kind === 'missing') throw new UsageError(`${flag} ${path}: no such file or run directory`);
  const file = kind === 'directory' ? join(path, SPOOL_FILE) : path;
  const fileIs = kind === 'directory' ? fileKind(file) : kind;
  if (fileIs === 'missing') throw new UsageError(`${flag} ${path}: no ${SPOOL_FILE} in this directory`);
  if (fileIs !== 'file') {
    throw new UsageError(`${flag} ${file}: is a ${fileIs}; a spool is a regular file of OTLP/JSON lines`);
  }
  const { spans, badLines, requests } = await readSpool(file);
  if (requests === 0) {
    const what = badLines.length === 0 ? 'it is empty' : `none of its ${plural(badLines.length, 'line')} is`;
    throw new UsageError(
      `${flag} ${file}: not a spool: ${what} an OTLP/JSON export request ` +
        '(one {"resourceSpans": [...]} object per line, as spans.otlp.jsonl has)',
    );
  }
  if (badLines.length > 0) {
    process.stderr.write(
      `${file}: ${badLines.length} lines are not OTLP/JSON export requests (first: ${badLines.slice(0, 5).join(', ')})\n`,
    );
  }
  const picked = pickRunTraces(spans);
  const left = leftOutText(picked.left);
  if (picked.roots.size === 0) {
    throw new UsageError(
      `${flag} ${file}: no finished task trace in ${spans.length} spans${left ? ` (${left})` : ''}`,
    );
  }
  if (left) process.stderr.write(`${file}: ${left}\n`);
  return { spans: picked.spans, file, besides: dirname(file) };
}

interface Input {
  parsed: LegacyParseResult;
  besides: string;
  source: string;
  ext: () => Promise<ExtCollector>;
}

async function fromSpans(path: string): Promise<Input> {
  const { spans, file, besides } = await readRunSpans(path, '--spans');
  return {
    parsed: legacyValuesFromSpans(spans, file),
    besides,
    source: file,
    ext: async () => extFromSpans(spans),
  };
}

/** A run's task traces from a trace store: `--tempo` or `--jaeger`, whose reader is `read`. */
async function fromStore(
  flag: '--tempo' | '--jaeger',
  url: string,
  runId: string | undefined,
  read: (url: string, runId: string) => Promise<SpoolSpan[]>,
): Promise<Input> {
  if (!runId) throw new UsageError(`${flag} needs --run-id (the run directory name, tau2.run.id)`);
  // It is quoted into a TraceQL query and into messages; a run id never holds a control character.
  if (/[\x00-\x1f\x7f]/.test(runId))
    throw new UsageError(`--run-id ${JSON.stringify(runId)}: has a control character`);
  let found: SpoolSpan[];
  try {
    found = await read(url, runId);
  } catch (err) {
    if (err instanceof TraceStoreError) throw new UsageError(`${flag} ${cliMessage(err)}`);
    throw err;
  }
  if (found.length === 0) throw new UsageError(`${flag} ${url}: no task traces with tau2.run.id=${runId}`);
  const picked = pickRunTraces(found);
  const left = leftOutText(picked.left);
  if (picked.roots.size === 0) {
    throw new UsageError(`${flag} ${url}: no finished task trace with tau2.run.id=${runId} (${left})`);
  }
  if (left) process.stderr.write(`${flag} ${url}: ${left}\n`);
  const spans = picked.spans;
  const source = `${url} (tau2.run.id=${runId})`;
  return {
    parsed: legacyValuesFromSpans(spans, source),
    besides: '.',
    source,
    ext: async () => extFromSpans(spans),
  };
}

/**
 * The files `--log-path` (one regular file) or `--log-dir` (the regular files of a directory that match
 * `glob`) name; matching names that are not regular files are named on stderr and skipped. Shared with
 * `import`.
 */
export function legacyLogInputs(path: string, flag: '--log-path' | '--log-dir', glob: string): string[] {
  const kind = fileKind(path);
  if (kind === 'missing') throw new UsageError(`${flag} ${path}: no such file or directory`);
  if (flag === '--log-path') {
    if (kind === 'directory')
      throw new UsageError(`--log-path ${path}: is a directory; give it with --log-dir`);
    if (kind !== 'file')
      throw new UsageError(`--log-path ${path}: is a ${kind}; only regular files are read`);
    return [path];
  }
  if (kind === 'file')
    throw new UsageError(`--log-dir ${path}: is a file, not a directory; give it with --log-path`);
  if (kind !== 'directory') throw new UsageError(`--log-dir ${path}: is a ${kind}, not a directory`);
  const { files, skipped } = listLegacyLogs(path, glob);
  for (const s of skipped)
    process.stderr.write(`${s.path}: skipped, ${s.why}; only regular files are read\n`);
  if (files.length === 0) {
    const besides = skipped.length > 0 ? ` (${plural(skipped.length, 'matching name')} skipped)` : '';
    throw new UsageError(`--log-dir ${path}: no file matches ${glob}${besides}`);
  }
  return files;
}

/** `1 line`, `2 lines`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a log input must show to be read at all: one line of the legacy logger's. */
const EXPECTED_LOG =
  'a legacy log has [PROFILE] or [USER_JUDGE] lines, or type=tool_call|expert_call|llm_call lines with values';

function fromLogs(path: string, flag: '--log-path' | '--log-dir', glob: string, allFields: boolean): Input {
  const files = legacyLogInputs(path, flag, glob);
  const parsed = parseLegacyFiles(files, { allFields });
  if (parsed.unrecognisedFiles.length === files.length) {
    const what =
      files.length === 1 ? `${files[0]} (${plural(parsed.lines, 'line')})` : `its ${files.length} files`;
    throw new UsageError(`${flag} ${path}: nothing to read in ${what}: ${EXPECTED_LOG}; nothing written`);
  }
  for (const f of parsed.unrecognisedFiles) {
    process.stderr.write(`${f}: no legacy log line in it (${EXPECTED_LOG}); it adds nothing\n`);
  }
  if (parsed.unusable > 0) {
    const first = parsed.unusableSamples.map((s) => `${s.file}:${s.line}`).join(', ');
    process.stderr.write(`${parsed.unusable} lines could not be used (first: ${first})\n`);
  }
  return {
    parsed,
    besides: flag === '--log-dir' ? path : dirname(path),
    source: path,
    ext: () => extFromLogs(parsed.files),
  };
}

/**
 * Writes via a temporary file and a rename, so an output is either the old file or the new one, whole: a
 * failure part way leaves no half-written chart or JSON behind.
 */
function writeOutput(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes `<prefix>_stats_ext.json` and two charts per legacy metric (`_log.png`, `_cdf.png`). */
async function writeExt(
  charts: ChartWorker,
  c: ExtCollector,
  source: string,
  outDir: string,
  prefix: string,
): Promise<void> {
  const out = join(outDir, `${prefix}_stats_ext.json`);
  const json = statsExtJson(
    c,
    { source, generator: `tau2-trace ${versions().tau2_trace}` },
    LEGACY_METRICS,
    EXT_KINDS,
  );
  // Imported here: charts/ext.js loads Vega (~300 ms, ~25 MB) for its spec helpers, which only the ext charts need.
  const { extChartInputs } = await import('../export/charts/ext.js');
  const inputs = LEGACY_METRICS.flatMap((m) => extChartInputs(m.name, m.unit, c.values('metrics', m.name)));
  const images = await charts.render(inputs);
  writeOutput(out, json);
  for (const [i, m] of LEGACY_METRICS.entries()) {
    writeOutput(join(outDir, `${prefix}_${m.name}_log.png`), images[2 * i]!);
    writeOutput(join(outDir, `${prefix}_${m.name}_cdf.png`), images[2 * i + 1]!);
  }
  process.stderr.write(
    `wrote ${out} and ${images.length} charts ${join(outDir, `${prefix}_<metric>_{log,cdf}.png`)}\n`,
  );
}

/** Writes `<prefix>_stats.json` and prints the console tables; resolves with the exit code. */
export async function statsCommand(o: StatsOptions): Promise<number> {
  const given = [o.logPath, o.logDir, o.spans, o.tempo, o.jaeger].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new UsageError('give exactly one of --log-path, --log-dir, --spans, --tempo and --jaeger');
  // Loading the chart library and rasterising run on another core while this thread reads the input.
  const charts = new ChartWorker();
  try {
    const { parsed, besides, source, ext } =
      o.spans !== undefined
        ? await fromSpans(o.spans)
        : o.tempo !== undefined
          ? await fromStore('--tempo', o.tempo, o.runId, readTempoRun)
          : o.jaeger !== undefined
            ? await fromStore('--jaeger', o.jaeger, o.runId, readJaegerRun)
            : o.logDir !== undefined
              ? fromLogs(o.logDir, '--log-dir', o.logGlob, o.allFields)
              : fromLogs(o.logPath!, '--log-path', o.logGlob, o.allFields);
    // Absolute with symlinks resolved, as the legacy analyzer prints its `Wrote` paths.
    mkdirSync(o.outDir ?? besides, { recursive: true });
    const outDir = realpathSync(o.outDir ?? besides);
    const summaries = summarizeAll(LEGACY_METRICS, parsed.values, o.bins);
    const pngs = charts.render(
      LEGACY_METRICS.map((m) => ({ title: m.title, unit: m.unit, summary: summaries.get(m.name) ?? null })),
    );
    const out = join(outDir, `${o.outPrefix}_stats.json`);
    const json = legacyStatsJson(parsed, o.bins, summaries);
    const images = await pngs;
    const pngPaths = LEGACY_METRICS.map((m) => join(outDir, `${o.outPrefix}_${m.name}.png`));
    writeOutput(out, json);
    for (const [i, path] of pngPaths.entries()) writeOutput(path, images[i]!);
    process.stdout.write(legacyConsoleText(parsed, o.bins, summaries) + legacyWroteText(out, pngPaths));
    if (o.ext ?? (o.spans !== undefined || o.tempo !== undefined || o.jaeger !== undefined))
      await writeExt(charts, await ext(), source, outDir, o.outPrefix);
    return 0;
  } finally {
    await charts.close();
  }
}
