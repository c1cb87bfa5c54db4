/** `tau2-trace logs`: a run's spans as legacy `tau2_<domain>.log` files, for grep-based scripts. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileKind } from '../export/legacy/files.js';
import { legacyLogLines, SAFE_DOMAIN } from '../export/legacy/to-logs.js';
import { openRun, type RunSource } from '../export/sources.js';
import { Attr } from '../telemetry/names.js';
import { Tau2Error, UsageError } from '../util/errors.js';
import { cliMessage, printWarnings } from './errors.js';

/** Options of `tau2-trace logs`. */
export interface LogsOptions {
  outDir?: string;
}

/** `tau2_<domain>.log` in `outDir`, or an error when the name would lead anywhere else. */
function logFile(outDir: string, domain: string): string {
  const file = resolve(outDir, `tau2_${domain}.log`);
  const rel = relative(resolve(outDir), file);
  // legacyLogLines only hands out safe domains; this is the last guard before a write, should that change.
  if (!SAFE_DOMAIN.test(domain) || rel !== `tau2_${domain}.log`) {
    throw new Error(`refusing to write ${file}: outside ${outDir}`);
  }
  return join(outDir, rel);
}

/** Writes one log file per domain; resolves with the exit code. */
export async function logsCommand(input: string, o: LogsOptions): Promise<number> {
  let run: RunSource;
  try {
    run = await openRun({ kind: 'spool', path: input }, { onWarning: (w) => printWarnings([w]) });
  } catch (err) {
    // The run is this command's argument, not a flag: messages name the command instead.
    if (err instanceof Tau2Error) throw new UsageError(cliMessage(err, { spans: 'tau2-trace logs' }));
    throw err;
  }
  const spans = run.spans!;
  const { besides, source: file } = run;
  const { byDomain, skipped } = legacyLogLines(spans);
  for (const s of skipped.slice(0, 10)) {
    process.stderr.write(`trace ${s.traceId} (task ${JSON.stringify(s.taskId)}) left out: ${s.why}\n`);
  }
  if (skipped.length > 10) process.stderr.write(`… and ${skipped.length - 10} more traces left out\n`);
  if (byDomain.size === 0 && skipped.length > 0) {
    throw new UsageError(`${file}: none of its ${skipped.length} task traces can be written as a legacy log`);
  }
  const outDir = o.outDir ?? besides;
  const outs = [...byDomain.keys()].map((domain) => logFile(outDir, domain));
  // Spans imported from legacy logs sit beside those logs by default: regenerated files (lossy: no
  // tracebacks, no unusable lines, two decimals) must not replace the originals they came from.
  if (spans.some((s) => s.resource[Attr.runSource] === 'legacy-log')) {
    const there = outs.find((f) => fileKind(f) !== 'missing');
    if (there !== undefined) {
      throw new UsageError(
        `${there} exists and these spans were imported from legacy logs: it may be the original; ` +
          'give another --out-dir',
      );
    }
  }
  mkdirSync(outDir, { recursive: true });
  for (const [i, lines] of [...byDomain.values()].entries()) {
    const out = outs[i]!;
    // A temporary name and a rename: a reader of the file sees the old one or the new one, whole.
    const tmp = `${out}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '');
      renameSync(tmp, out);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    process.stderr.write(`wrote ${out} (${lines.length} lines)\n`);
  }
  return 0;
}
