/**
 * `tau2-trace report` on a spool of about `--spans` spans (default 300,000): a real demo run's spool, copied
 * until it is that large, each copy relabelled as other trials (trace ids and `tau2.trial` changed) and moved
 * later in time by the run's length, so the report sees one long run of distinct trials, not duplicates that
 * the run-trace rules would drop. Prints the command's wall time (the target: under 5 s), the same
 * split in-process into reading the spool (openRun, from its cache) and building the report, and the HTML's size.
 * Usage: `node dist/bench/report.js [--spans 300000] [--rounds 3] [--keep]`.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRun } from '../src/export/sources.js';
import { CACHE_SUFFIX } from '../src/export/spool-cache.js';
import { buildReport } from '../src/report/build.js';
import { CLI, copyOfLine, fmt, intFlags, median, printTable, runCli, spoolOf, tempDir } from './lib.js';

const o = intFlags(process.argv.slice(2), { spans: 300_000, rounds: 3 });

type Json = Record<string, unknown>;
type Span = {
  traceId: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  name: string;
  attributes?: Json[];
};

/** The spans of one spool line (an ExportTraceServiceRequest). */
const spansOf = (req: Json): Span[] =>
  (req.resourceSpans as Json[]).flatMap((rs) =>
    (rs.scopeSpans as Json[]).flatMap((ss) => ss.spans as Span[]),
  );

/** A spool of about `target` spans from the demo run under `runs`; resolves with its path and span count. */
function bigSpool(
  runs: string,
  dir: string,
  target: number,
): { path: string; spans: number; copies: number } {
  const lines = readFileSync(spoolOf(runs), 'utf8').split('\n').filter(Boolean);
  const all = lines.flatMap((l) => spansOf(JSON.parse(l) as Json));
  const start = all.reduce(
    (m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m),
    BigInt(all[0]!.startTimeUnixNano),
  );
  const end = all.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), 0n);
  const copies = Math.max(1, Math.round(target / all.length));
  const path = join(dir, 'spans.otlp.jsonl');
  const out: string[] = [];
  for (let c = 0; c < copies; c++) out.push(...lines.map((l) => copyOfLine(l, c, BigInt(c) * (end - start))));
  writeFileSync(path, `${out.join('\n')}\n`);
  return { path, spans: all.length * copies, copies };
}

const tmp = tempDir('tau2-bench-report-');
try {
  const runs = join(tmp.dir, 'runs');
  await runCli(['run', '--quiet', '--time-scale', '0.1', '--output-dir', runs], { timeoutMs: 300_000 });
  const big = bigSpool(runs, tmp.dir, o.spans);
  const out = join(tmp.dir, 'report.html');
  // A report right after a small run parses the spool; a large spool is parsed once and then read from its
  // cache (spool-cache.ts), which the run's own end-of-run summary has usually written already.
  const firstWalls: number[] = [];
  const walls: number[] = [];
  const report = async () =>
    (await runCli(['report', big.path, '--out', out], { timeoutMs: 300_000 })).wallMs / 1000;
  for (let r = 0; r < o.rounds; r++) {
    rmSync(big.path + CACHE_SUFFIX, { force: true });
    firstWalls.push(await report());
    walls.push(await report());
  }
  // In-process, with CPU time beside wall time: on a machine shared with other work, CPU time is what this
  // code costs and wall time what a user waits.
  const phases = {
    read: { wall: [] as number[], cpu: [] as number[] },
    build: { wall: [] as number[], cpu: [] as number[] },
  };
  const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
  for (let r = 0; r < o.rounds; r++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    const run = await openRun({ kind: 'spool', path: big.path });
    phases.read.wall.push((performance.now() - t0) / 1000);
    phases.read.cpu.push(cpuS(process.cpuUsage(c0)));
    t0 = performance.now();
    c0 = process.cpuUsage();
    buildReport(run);
    phases.build.wall.push((performance.now() - t0) / 1000);
    phases.build.cpu.push(cpuS(process.cpuUsage(c0)));
  }
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${big.spans} spans (${big.copies} relabelled copies of a demo run), spool ${mib(statSync(big.path).size)} MiB, ` +
      `report ${mib(statSync(out).size)} MiB; ${CLI}\n`,
  );
  const row = (name: string, v: number[]) => [
    name,
    fmt(median(v), 2),
    fmt(Math.min(...v), 2),
    fmt(Math.max(...v), 2),
  ];
  printTable(
    ['seconds', 'median', 'min', 'max'],
    [
      row('tau2-trace report, no cache yet, wall', firstWalls),
      row('tau2-trace report, wall', walls),
      row('in-process openRun, wall', phases.read.wall),
      row('in-process openRun, CPU', phases.read.cpu),
      row('in-process buildReport, wall', phases.build.wall),
      row('in-process buildReport, CPU', phases.build.cpu),
    ],
  );
  if (median(walls) >= 5) process.exitCode = 1;
} finally {
  if (o.keep) process.stdout.write(`kept ${tmp.dir}\n`);
  else tmp.remove();
}
