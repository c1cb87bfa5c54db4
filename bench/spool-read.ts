/**
 * Reading a spool back: spans per second of `readSpool` (OTLP/JSON lines → span records), the path of
 * `stats --spans`, `logs` and `replay`. The spool is a real demo run's, its lines repeated until it holds about
 * `--spans` spans. Issue target: ≥ 300,000 spans/s. Usage: `node dist/bench/spool-read.js [--spans 300000]
 * [--rounds 5]`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSpool } from '../src/export/spool-reader.js';
import { CLI, fmt, intFlags, median, printTable, runCli, spoolOf, tempDir } from './lib.js';

const o = intFlags(process.argv.slice(2), { spans: 300_000, rounds: 5 });
const tmp = tempDir('tau2-bench-spool-');
try {
  const out = join(tmp.dir, 'runs');
  await runCli(['run', '--quiet', '--time-scale', '0.1', '--output-dir', out], { timeoutMs: 300_000 });
  const lines = readFileSync(spoolOf(out), 'utf8').split('\n').filter(Boolean);
  const perCopy = (await readSpool(spoolOf(out))).spans.length;
  const copies = Math.max(1, Math.round(o.spans / perCopy));
  const big = join(tmp.dir, 'spans.otlp.jsonl');
  writeFileSync(big, `${Array.from({ length: copies }, () => lines.join('\n')).join('\n')}\n`);

  const rates: number[] = [];
  // Spans per second of this process's CPU time (all threads, GC included): on a shared machine the wall
  // clock also counts the time other processes held the cores.
  const cpuRates: number[] = [];
  const cpuSeconds = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let n = 0;
  for (let r = 0; r < o.rounds; r++) {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    n = (await readSpool(big)).spans.length;
    rates.push(n / ((performance.now() - t0) / 1000));
    cpuRates.push(n / (cpuSeconds() - c0));
  }
  const walls: number[] = [];
  for (let r = 0; r < Math.min(3, o.rounds); r++) {
    const res = await runCli(['stats', '--spans', big, '--no-ext', '--out-dir', join(tmp.dir, 'stats')], {
      timeoutMs: 300_000,
    });
    walls.push(res.wallMs / 1000);
  }
  process.stdout.write(
    `${n} spans (${copies} copies of a demo run), ${(statSync(big).size / 2 ** 20).toFixed(0)} MiB; ${CLI}\n`,
  );
  printTable(
    ['', 'median', 'min', 'max'],
    [
      ['readSpool spans/s', fmt(median(rates), 0), fmt(Math.min(...rates), 0), fmt(Math.max(...rates), 0)],
      [
        'readSpool spans per CPU-second',
        fmt(median(cpuRates), 0),
        fmt(Math.min(...cpuRates), 0),
        fmt(Math.max(...cpuRates), 0),
      ],
      [
        'stats --spans --no-ext, wall s',
        fmt(median(walls), 2),
        fmt(Math.min(...walls), 2),
        fmt(Math.max(...walls), 2),
      ],
    ],
  );
  if (median(rates) < 300_000) process.exitCode = 1;
} finally {
  tmp.remove();
}
