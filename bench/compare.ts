/**
 * `tau2-trace compare` on two spools of about `--spans` spans each (issue target: under 5 s for 300,000). Each
 * spool is a real demo run's lines repeated, every copy made its own trials (new trace ids, `tau2.trial` =
 * the copy's number) so that nothing is read as a duplicate. Usage: `node dist/bench/compare.js
 * [--spans 300000] [--rounds 3]`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRun, compareRuns } from '../src/analyze/compare.js';
import { openRun } from '../src/export/sources.js';
import { CACHE_SUFFIX } from '../src/export/spool-cache.js';
import { CLI, copyOfLine, fmt, intFlags, median, printTable, runCli, spoolOf, tempDir } from './lib.js';

/** CPU seconds (user + system) of this process so far: on a shared machine, wall time says more about the neighbours. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds of each phase in this process: reading both spools, analysing both runs, comparing. */
async function phases(files: string[]): Promise<number[]> {
  const t0 = cpu();
  const runs = [
    await openRun({ kind: 'spool', path: files[0]! }),
    await openRun({ kind: 'spool', path: files[1]! }),
  ];
  const t1 = cpu();
  const [b, c] = runs.map((r) => analyzeRun(r));
  const t2 = cpu();
  compareRuns(b!, c!);
  return [t1 - t0, t2 - t1, cpu() - t2];
}

const o = intFlags(process.argv.slice(2), { spans: 300_000, rounds: 3 });
const tmp = tempDir('tau2-bench-compare-');

try {
  const files: string[] = [];
  let spans = 0;
  for (const name of ['baseline', 'candidate']) {
    const out = join(tmp.dir, name);
    await runCli(['run', '--quiet', '--time-scale', '0.1', '--output-dir', out], { timeoutMs: 300_000 });
    const text = readFileSync(spoolOf(out), 'utf8');
    const lines = text.split('\n').filter(Boolean);
    const perCopy = (text.match(/"spanId"/g) ?? []).length;
    const copies = Math.max(1, Math.round(o.spans / perCopy));
    spans = perCopy * copies;
    const big = join(tmp.dir, `${name}.jsonl`);
    writeFileSync(
      big,
      `${Array.from({ length: copies }, (_, k) => lines.map((l) => copyOfLine(l, k + 1)).join('\n')).join('\n')}\n`,
    );
    files.push(big);
  }
  // The first compare of two large spools parses them (and caches them, spool-cache.ts); later ones, and
  // one after the runs' own end-of-run summaries, read the caches.
  const firstWalls: number[] = [];
  const walls: number[] = [];
  const cpus: number[][] = [];
  const compare = async () => {
    const res = await runCli(['compare', files[0]!, files[1]!, '--format', 'json'], { timeoutMs: 300_000 });
    if (res.code !== 0) throw new Error(`compare exited ${res.code}: ${res.stderr}`);
    return res.wallMs / 1000;
  };
  for (let r = 0; r < o.rounds; r++) {
    for (const f of files) rmSync(f + CACHE_SUFFIX, { force: true });
    firstWalls.push(await compare());
    walls.push(await compare());
    cpus.push(await phases(files));
  }
  process.stdout.write(`two spools of ~${spans} spans each; ${CLI} compare\n`);
  const row = (label: string, v: number[]) => [
    label,
    fmt(median(v), 2),
    fmt(Math.min(...v), 2),
    fmt(Math.max(...v), 2),
  ];
  printTable(
    ['', 'median', 'min', 'max'],
    [
      row('compare, no caches yet, wall s', firstWalls),
      row('compare, wall s', walls),
      row(
        '  read both spools, CPU s',
        cpus.map((c) => c[0]!),
      ),
      row(
        '  trials, metrics, cost of both, CPU s',
        cpus.map((c) => c[1]!),
      ),
      row(
        '  statistics, CPU s',
        cpus.map((c) => c[2]!),
      ),
    ],
  );
  if (median(walls) >= 5) process.exitCode = 1;
} finally {
  tmp.remove();
}
