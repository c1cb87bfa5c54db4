/** `tau2-trace logs`: a run's spans as legacy `tau2_<domain>.log` files, for grep-based scripts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyLogLines } from '../export/legacy/to-logs.js';
import { readRunSpans } from './stats.js';

/** Options of `tau2-trace logs`. */
export interface LogsOptions {
  outDir?: string;
}

/** Writes one log file per domain; resolves with the exit code. */
export async function logsCommand(input: string, o: LogsOptions): Promise<number> {
  const { spans, besides } = await readRunSpans(input, 'tau2-trace logs');
  const outDir = o.outDir ?? besides;
  mkdirSync(outDir, { recursive: true });
  for (const [domain, lines] of legacyLogLines(spans)) {
    const file = join(outDir, `tau2_${domain}.log`);
    writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
    process.stderr.write(`wrote ${file} (${lines.length} lines)\n`);
  }
  return 0;
}
