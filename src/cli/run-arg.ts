/**
 * The run a command that reads spans is given, as `stats` and `export` take it: a run directory or spool file
 * as the argument, or `--tempo <url>` / `--jaeger <url>` with `--run-id`. Legacy logs hold no spans: a directory
 * of them (or one log file) is refused with the command that turns them into a spool.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSourceSpec } from '../export/sources.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { UsageError } from '../util/errors.js';

/** Where the run is, besides the argument. */
export interface RunArgOptions {
  tempo?: string;
  jaeger?: string;
  runId?: string;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** What `run` (the argument) or the store options name. */
export function runSourceOf(run: string | undefined, o: RunArgOptions): RunSourceSpec {
  const given = [run, o.tempo, o.jaeger].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of <run>, --tempo and --jaeger');
  if (o.tempo !== undefined) return { kind: 'tempo', url: o.tempo, runId: o.runId };
  if (o.jaeger !== undefined) return { kind: 'jaeger', url: o.jaeger, runId: o.runId };
  const path = run!;
  const logDir = isDir(path) && !existsSync(join(path, SPOOL_FILE)) ? path : undefined;
  const logs = logDir ? readdirSync(logDir).filter((f) => /^tau2_.*\.log$/.test(f)).length : 0;
  if (logs > 0 || (!isDir(path) && path.endsWith('.log'))) {
    const flag = logDir ? `--log-dir ${path}` : `--log-path ${path}`;
    throw new UsageError(
      `${path}: legacy logs hold no spans to report on; \`tau2-trace import ${flag}\` writes their spans ` +
        `to a spans.otlp.jsonl beside them, which report then reads`,
    );
  }
  return { kind: 'spool', path, field: 'run' };
}
