/**
 * Reading a spool back: spans per second of `readSpool` (OTLP/JSON lines → span records), the path of
 * `stats --spans`, `logs` and `replay`. The spool is a real demo run's, its lines repeated until it holds about
 * `--spans` spans. Issue target: ≥ 300,000 spans/s. Usage: `node dist/bench/spool-read.js [--spans 300000]
 * [--rounds 5]`.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_SUFFIX } from '../src/export/spool-cache.js';
import { type ReadSpoolOptions, readSpool } from '../src/export/spool-reader.js';
import { CLI, copyOfLine, fmt, intFlags, median, printTable, runCli, spoolOf, tempDir } from './lib.js';

const o = intFlags(process.argv.slice(2), { spans: 300_000, rounds: 5 });
const tmp = tempDir('tau2-bench-spool-');
try {
  const out = join(tmp.dir, 'runs');
  await runCli(['run', '--quiet', '--time-scale', '0.1', '--output-dir', out], { timeoutMs: 300_000 });
  const lines = readFileSync(spoolOf(out), 'utf8').split('\n').filter(Boolean);
  const perCopy = (await readSpool(spoolOf(out))).spans.length;
  const copies = Math.max(1, Math.round(o.spans / perCopy));
  const big = join(tmp.dir, 'spans.otlp.jsonl');
  writeFileSync(
    big,
    `${Array.from({ length: copies }, (_, k) => lines.map((l) => copyOfLine(l, k + 1)).join('\n')).join('\n')}\n`,
  );

  // Spans per second of this process's CPU time (all threads, GC included) beside the wall clock: on a shared
  // machine the wall clock also counts the time other processes held the cores.
  const cpuSeconds = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const measure = async (options: ReadSpoolOptions) => {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const n = (await readSpool(big, options)).spans.length;
    // Only the count is kept: a CLI holds one run's spans, not every round's.
    return { n, wall: n / ((performance.now() - t0) / 1000), cpu: n / (cpuSeconds() - c0) };
  };
  const parsed: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
  const first: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
  const cached: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
  let n = 0;
  for (let r = 0; r < o.rounds; r++) {
    // Each round: parsing alone, then the first read of a cacheless spool (parses, writes the cache), then a
    // read from the cache (which, checked after the rounds, gives back what parsing gives).
    const p = await measure({ cache: false });
    parsed.wall.push(p.wall);
    parsed.cpu.push(p.cpu);
    rmSync(big + CACHE_SUFFIX, { force: true });
    const f = await measure({ cache: { minBytes: 0 } });
    first.wall.push(f.wall);
    first.cpu.push(f.cpu);
    const c = await measure({ cache: { minBytes: 0 } });
    cached.wall.push(c.wall);
    cached.cpu.push(c.cpu);
    n = c.n;
  }
  assert.deepStrictEqual(
    await readSpool(big, { cache: { minBytes: 0 } }),
    await readSpool(big, { cache: false }),
    'the cache gave back other spans than parsing',
  );
  const walls: number[] = [];
  for (let r = 0; r < Math.min(3, o.rounds); r++) {
    const res = await runCli(['stats', '--spans', big, '--no-ext', '--out-dir', join(tmp.dir, 'stats')], {
      timeoutMs: 300_000,
    });
    walls.push(res.wallMs / 1000);
  }
  process.stdout.write(
    `${n} spans (${copies} relabelled copies of a demo run), ${(statSync(big).size / 2 ** 20).toFixed(0)} MiB, ` +
      `its cache ${(statSync(big + CACHE_SUFFIX).size / 2 ** 20).toFixed(0)} MiB; ${CLI}\n`,
  );
  const row = (label: string, v: number[], digits = 0) => [
    label,
    fmt(median(v), digits),
    fmt(Math.min(...v), digits),
    fmt(Math.max(...v), digits),
  ];
  printTable(
    ['', 'median', 'min', 'max'],
    [
      row('parse only (cache off): spans/s', parsed.wall),
      row('parse only (cache off): spans per CPU-second', parsed.cpu),
      row('first read (parse + write cache): spans/s', first.wall),
      row('later reads (from the cache): spans/s', cached.wall),
      row('later reads (from the cache): spans per CPU-second', cached.cpu),
      row('stats --spans --no-ext (cache present), wall s', walls, 2),
    ],
  );
  const rates = cached.wall;
  if (median(rates) < 300_000) process.exitCode = 1;
} finally {
  tmp.remove();
}
