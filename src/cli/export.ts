/**
 * `tau2-trace export`: a run's traces as a file for trace viewers: Chrome trace-event JSON for Perfetto UI
 * (`--format perfetto`) or speedscope's evented profiles (`--format speedscope`). The layout and both formats
 * are src/export/timeline/'s.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTrials } from '../analyze/trials.js';
import { fileKind } from '../export/legacy/files.js';
import { openRun, type RunSourceSpec } from '../export/sources.js';
import { perfettoTrace } from '../export/timeline/perfetto.js';
import { speedscopeFile } from '../export/timeline/speedscope.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { versions } from '../util/about.js';
import { Tau2Error, UsageError } from '../util/errors.js';
import { writeJsonOutput } from './atomic-write.js';
import { cliMessage, printWarnings } from './errors.js';

/** The formats `export` writes. */
export const EXPORT_FORMATS = ['perfetto', 'speedscope'] as const;

/** Options of `tau2-trace export`. */
export interface ExportOptions {
  format: (typeof EXPORT_FORMATS)[number];
  out?: string;
  tempo?: string;
  jaeger?: string;
  runId?: string;
}

/** Where a viewer opens each format. */
const VIEWER = {
  perfetto: 'https://ui.perfetto.dev ("Open trace file"; it stays in your browser)',
  speedscope: 'https://www.speedscope.app (or `npx speedscope <file>`)',
};

/** What the command line asks to read; legacy logs hold no spans, so they are refused with the way on. */
function sourceSpec(run: string | undefined, o: ExportOptions): RunSourceSpec {
  const given = [run, o.tempo, o.jaeger].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of <run>, --tempo and --jaeger');
  if (o.tempo !== undefined) return { kind: 'tempo', url: o.tempo, runId: o.runId };
  if (o.jaeger !== undefined) return { kind: 'jaeger', url: o.jaeger, runId: o.runId };
  const path = run!;
  if (fileKind(path) === 'directory' && fileKind(join(path, SPOOL_FILE)) === 'missing') {
    const logs = readdirSync(path).filter((f) => /^tau2_.*\.log$/.test(f));
    if (logs.length > 0) {
      throw new UsageError(
        `${path}: holds legacy logs (${logs.length}), not spans; \`tau2-trace import --log-dir ${path}\` ` +
          `writes their spans to ${join(path, SPOOL_FILE)}, which export then reads`,
      );
    }
  }
  return { kind: 'spool', path };
}

/** Writes the export; resolves with the exit code. */
export async function exportCommand(run: string | undefined, o: ExportOptions): Promise<number> {
  const spec = sourceSpec(run, o);
  let opened: Awaited<ReturnType<typeof openRun>>;
  try {
    opened = await openRun(spec, { onWarning: (w) => printWarnings([w]) });
  } catch (err) {
    // A path given as the argument is not a flag: messages name the command instead.
    if (err instanceof Tau2Error && spec.kind === 'spool')
      throw new UsageError(cliMessage(err, { spans: 'tau2-trace export' }));
    throw err;
  }
  const trials = runTrials(opened.spans!);
  const generator = `tau2-trace ${versions().tau2_trace}`;
  const doc =
    o.format === 'perfetto'
      ? perfettoTrace(trials, { source: opened.source, generator })
      : speedscopeFile(trials, { name: opened.source, generator });
  const out = o.out ?? join(opened.besides, `trace.${o.format}.json`);
  writeJsonOutput(out, doc as unknown as Record<string, unknown>);
  const spans = opened.spans!.length;
  process.stderr.write(
    `wrote ${out}: ${spans} spans of ${trials.length} task trials; open it in ${VIEWER[o.format]}\n`,
  );
  return 0;
}
