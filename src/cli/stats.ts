/**
 * `tau2-trace stats`: the legacy `<prefix>_stats.json`, its 7 charts and console tables, from legacy PROFILE logs
 * (`--log-path` / `--log-dir`) or from a run's spool (`--spans`).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChartWorker } from '../export/charts/worker.js';
import { legacyConsoleText } from '../export/legacy/console.js';
import { legacyValuesFromSpans } from '../export/legacy/from-spans.js';
import { legacyStatsJson } from '../export/legacy/json.js';
import { LEGACY_METRICS, type LegacyParseResult, parseLegacyLogs } from '../export/legacy/parse.js';
import { summarizeAll } from '../export/legacy/stats.js';
import { readSpool, type SpoolSpan } from '../export/spool-reader.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { SpanName } from '../telemetry/names.js';
import { UsageError } from '../util/errors.js';

/** Options of `tau2-trace stats` (the legacy analyzer's flags, plus `--spans`). */
export interface StatsOptions {
  logPath?: string;
  logDir?: string;
  logGlob: string;
  spans?: string;
  outDir?: string;
  outPrefix: string;
  bins: number;
}

/** Spans of traces that have their task root: an interrupted trial's partial trace is left out. */
export function completeTraces(spans: SpoolSpan[]): SpoolSpan[] {
  const complete = new Set(
    spans.filter((s) => s.name === SpanName.task && !s.parentSpanId).map((s) => s.traceId),
  );
  return spans.filter((s) => complete.has(s.traceId));
}

/** The complete task traces of a spool file or run directory; `flag` names the input in errors. */
export async function readRunSpans(
  path: string,
  flag: string,
): Promise<{ spans: SpoolSpan[]; file: string; besides: string }> {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path}: no such file or run directory`);
  const file = statSync(path).isDirectory() ? join(path, SPOOL_FILE) : path;
  if (!existsSync(file)) throw new UsageError(`${flag} ${path}: no ${SPOOL_FILE} in this directory`);
  const { spans, badLines } = await readSpool(file);
  if (badLines.length > 0) {
    process.stderr.write(
      `${file}: ${badLines.length} lines do not parse (first: ${badLines.slice(0, 5).join(', ')})\n`,
    );
  }
  return { spans: completeTraces(spans), file, besides: dirname(file) };
}

async function fromSpans(path: string): Promise<{ parsed: LegacyParseResult; besides: string }> {
  const { spans, file, besides } = await readRunSpans(path, '--spans');
  return { parsed: legacyValuesFromSpans(spans, file), besides };
}

function fromLogs(path: string, flag: string, glob: string): { parsed: LegacyParseResult; besides: string } {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path}: no such file or directory`);
  const parsed = parseLegacyLogs(path, glob);
  if (parsed.files.length === 0) throw new UsageError(`${flag} ${path}: no file matches ${glob}`);
  if (parsed.unusable > 0) {
    const first = parsed.unusableSamples.map((s) => `${s.file}:${s.line}`).join(', ');
    process.stderr.write(`${parsed.unusable} lines could not be used (first: ${first})\n`);
  }
  return { parsed, besides: statSync(path).isDirectory() ? path : dirname(path) };
}

/** Writes `<prefix>_stats.json` and prints the console tables; resolves with the exit code. */
export async function statsCommand(o: StatsOptions): Promise<number> {
  const given = [o.logPath, o.logDir, o.spans].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of --log-path, --log-dir and --spans');
  // Loading the chart library and rasterising run on another core while this thread reads the input.
  const charts = new ChartWorker();
  try {
    const { parsed, besides } =
      o.spans !== undefined
        ? await fromSpans(o.spans)
        : o.logDir !== undefined
          ? fromLogs(o.logDir, '--log-dir', o.logGlob)
          : fromLogs(o.logPath!, '--log-path', o.logGlob);
    const outDir = o.outDir ?? besides;
    mkdirSync(outDir, { recursive: true });
    const summaries = summarizeAll(LEGACY_METRICS, parsed.values, o.bins);
    const pngs = charts.render(
      LEGACY_METRICS.map((m) => ({ title: m.name, unit: m.unit, summary: summaries.get(m.name) ?? null })),
    );
    const out = join(outDir, `${o.outPrefix}_stats.json`);
    writeFileSync(out, legacyStatsJson(parsed, o.bins, summaries));
    process.stdout.write(legacyConsoleText(parsed, o.bins, summaries));
    const images = await pngs;
    for (const [i, m] of LEGACY_METRICS.entries()) {
      writeFileSync(join(outDir, `${o.outPrefix}_${m.name}.png`), images[i]!);
    }
    process.stderr.write(
      `wrote ${out} and ${images.length} charts ${join(outDir, `${o.outPrefix}_<metric>.png`)}\n`,
    );
    return 0;
  } finally {
    await charts.close();
  }
}
