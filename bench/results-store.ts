/**
 * Recording results on a large run: the store (a journal line per trial, results.json rewritten at most every
 * second or 20x its cost) against what the harness did before, a whole results.json rewrite per trial.
 * Prints, per run size, the median time to record every trial, and the cost of one whole rewrite at that size
 * (the old per-trial cost). `--trials N` is the largest size (default 56,000).
 */
import { mkdirSync } from 'node:fs';
import type { TrialResult } from '../src/harness/orchestrator.js';
import { openResults, resultsSummary } from '../src/harness/results.js';
import { writeJsonAtomic } from '../src/harness/rundir.js';
import { fmt, intFlags, median, printTable, tempDir } from './lib.js';

const { trials: largest, repeat } = intFlags(process.argv.slice(2), { trials: 56_000, repeat: 3 });

function row(i: number): TrialResult {
  return {
    task_id: `task_${i % 114}`,
    domain: 'retail',
    trial: Math.floor(i / 114) + 1,
    reward: i % 3 === 0 ? 0 : 1,
    steps: 24,
    termination_reason: 'user_stop',
    duration_ms: 61234.56,
    started_at: '2026-12-03T08:00:00.000Z',
    ended_at: '2026-12-03T08:01:01.234Z',
    trace_id: i.toString(16).padStart(32, '0'),
    llm_calls: 15,
    tool_calls: 9,
    tool_errors: 0,
    evaluation: [
      { name: 'db', score: 1, explanation: 'final database matches the expected one' },
      { name: 'action', score: 1, explanation: 'all 5 expected actions were taken' },
    ],
  };
}

const sizes = [1000, 10_000, largest].filter((n, i, all) => n <= largest && all.indexOf(n) === i);
const out: string[][] = [];
const tmp = tempDir('tau2-bench-results-');
try {
  for (const n of sizes) {
    const rows = Array.from({ length: n }, (_, i) => row(i));
    const record: number[] = [];
    const rewrite: number[] = [];
    for (let k = 0; k < repeat; k++) {
      const dir = `${tmp.dir}/${n}-${k}`;
      mkdirSync(dir);
      const store = openResults(dir, 'bench', n);
      const t0 = performance.now();
      for (const r of rows) store.record(r);
      store.close();
      record.push(performance.now() - t0);
      const t1 = performance.now();
      writeJsonAtomic(`${dir}/whole.json`, resultsSummary('bench', n, rows));
      rewrite.push(performance.now() - t1);
    }
    out.push([
      String(n),
      fmt(median(record) / 1000, 2),
      fmt(median(record) / n, 3),
      fmt(median(rewrite), 1),
      fmt((median(rewrite) * n) / 2 / 1000, 0),
    ]);
  }
} finally {
  tmp.remove();
}
process.stdout.write(`results store, median of ${repeat} runs\n`);
printTable(
  [
    'trials',
    'record all (s)',
    'per trial (ms)',
    'one whole rewrite (ms)',
    'old: rewrite per trial, est. total (s)',
  ],
  out,
);
