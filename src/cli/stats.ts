/**
 * `tau2-trace stats`: the legacy `<prefix>_stats.json`, its 7 charts and console tables, from legacy PROFILE logs
 * (`--log-path` / `--log-dir`) or from a run's spool (`--spans`).
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { renderCharts } from '../export/charts/render.js';
import { ChartWorker } from '../export/charts/worker.js';
import { EXT_KINDS } from '../export/ext/collect.js';
import { type ExtCollector, statsExtJson } from '../export/ext/stats-ext.js';
import { legacyConsoleText, legacyWroteText } from '../export/legacy/console.js';
import { legacyStatsJson } from '../export/legacy/json.js';
import { LEGACY_METRICS } from '../export/legacy/parse.js';
import { summarizeAll } from '../export/legacy/stats.js';
import { openRun, type RunSourceSpec } from '../export/sources.js';
import { versions } from '../util/about.js';
import { UsageError } from '../util/errors.js';
import { writeOutput } from './atomic-write.js';
import { printWarnings } from './errors.js';

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

/** What `o` asks to read. */
function sourceSpec(o: StatsOptions): RunSourceSpec {
  if (o.spans !== undefined) return { kind: 'spool', path: o.spans };
  if (o.tempo !== undefined) return { kind: 'tempo', url: o.tempo, runId: o.runId };
  if (o.jaeger !== undefined) return { kind: 'jaeger', url: o.jaeger, runId: o.runId };
  if (o.logDir !== undefined) return { kind: 'legacy-logs', dir: o.logDir, glob: o.logGlob };
  return { kind: 'legacy-log', path: o.logPath! };
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
  const wantExt = o.ext ?? (o.spans !== undefined || o.tempo !== undefined || o.jaeger !== undefined);
  // The ext charts need Vega (~300 ms to load): a worker loads it on another core while this thread reads
  // the input. The 7 legacy charts need no chart library and are drawn here, after the input is read.
  const charts = wantExt ? new ChartWorker() : undefined;
  try {
    const run = await openRun(sourceSpec(o), { onWarning: (w) => printWarnings([w]) });
    const parsed = run.legacyValues({ allFields: o.allFields });
    const { besides, source } = run;
    // Absolute with symlinks resolved, as the legacy analyzer prints its `Wrote` paths.
    mkdirSync(o.outDir ?? besides, { recursive: true });
    const outDir = realpathSync(o.outDir ?? besides);
    const summaries = summarizeAll(LEGACY_METRICS, parsed.values, o.bins);
    const out = join(outDir, `${o.outPrefix}_stats.json`);
    const json = legacyStatsJson(parsed, o.bins, summaries);
    const images = await renderCharts(
      LEGACY_METRICS.map((m) => ({ title: m.title, unit: m.unit, summary: summaries.get(m.name) ?? null })),
    );
    const pngPaths = LEGACY_METRICS.map((m) => join(outDir, `${o.outPrefix}_${m.name}.png`));
    writeOutput(out, json);
    for (const [i, path] of pngPaths.entries()) writeOutput(path, images[i]!);
    process.stdout.write(legacyConsoleText(parsed, o.bins, summaries) + legacyWroteText(out, pngPaths));
    if (charts) await writeExt(charts, await run.ext(), source, outDir, o.outPrefix);
    return 0;
  } finally {
    await charts?.close();
  }
}
