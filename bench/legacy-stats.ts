/**
 * `tau2-trace stats --log-dir` on a generated legacy log of about 850,000 lines: wall time and peak RSS of the
 * child process, median of several runs (issue target: ≤ 0.8 s and ≤ 150 MB with the 7 PNGs, on 2 cores).
 * Usage: `node dist/bench/legacy-stats.js [--lines 850000] [--reps 3]`.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/util/random.js';
import { CLI, fmt, intFlags, median, printTable, tempDir } from './lib.js';

/** Writes `n` seeded legacy lines in the seed key generation, mixed as in a real run. */
async function generate(file: string, n: number): Promise<void> {
  const rng = createRng(1);
  const u = (lo: number, hi: number) => (lo + rng() * (hi - lo)).toFixed(2);
  const i = (lo: number, hi: number) => Math.floor(lo + rng() * (hi - lo + 1));
  const out = createWriteStream(file);
  for (let k = 0; k < n; k++) {
    const head = `2025-12-24 04:28:${String(k % 60).padStart(2, '0')}.${String(k % 1000).padStart(3, '0')} task=task_${k % 114} thread=1246854003${k % 48}`;
    const t = rng();
    const line =
      t < 0.35
        ? `[PROFILE] ${head} type=llm_call step=${k % 30} model=/workspace/ckpt/nvidia/Nemotron-Orchestrator-8B call_type=vllm duration_ms=${u(100, 9000)} toolorchestra_vllm_infer_ms=${u(100, 9000)} toolorchestra_vllm_prefill_ms=${u(10, 3000)} toolorchestra_vllm_decode_ms=${u(50, 8000)} toolorchestra_vllm_prefill_len=${i(500, 30000)} toolorchestra_vllm_decode_len=${i(5, 900)} has_tool_calls=False`
        : t < 0.65
          ? `[PROFILE] ${head} type=tool_call step=${k % 30} function=get_order_details call_type=local_function duration_ms=${u(0.01, 50)}`
          : t < 0.75
            ? `[PROFILE] ${head} type=expert_call step=${k % 30} model=gpt-5 call_type=openai duration_ms=${u(500, 60000)}`
            : t < 0.9
              ? `[PROFILE] ${head} type=step_complete step=${k % 30} total_duration_ms=${u(100, 9000)} from_role=agent to_role=env`
              : `[USER_JUDGE] ${head} type=user_sim model=gpt-4.1 call_type=openai duration_ms=${u(100, 5000)}`;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const o = intFlags(process.argv.slice(2), { lines: 850_000, reps: 3 });
const tmp = tempDir('tau2-bench-legacy-');
try {
  const file = join(tmp.dir, 'tau2_retail.log');
  await generate(file, o.lines);
  const rows: { wall: number; rss: number }[] = [];
  for (let r = 0; r < o.reps; r++) {
    const res = spawnSync(
      '/usr/bin/time',
      ['-f', '%e %M', process.execPath, CLI, 'stats', '--log-dir', tmp.dir],
      {
        encoding: 'utf8',
      },
    );
    if (res.status !== 0) throw new Error(`stats failed: ${res.stderr}`);
    const [wall, rss] = res.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    rows.push({ wall: wall!, rss: rss! / 1024 });
  }
  process.stdout.write(`${o.lines} lines, ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB\n`);
  printTable(
    ['', 'median', 'min', 'max'],
    [
      [
        'wall s',
        fmt(median(rows.map((x) => x.wall)), 2),
        fmt(Math.min(...rows.map((x) => x.wall)), 2),
        fmt(Math.max(...rows.map((x) => x.wall)), 2),
      ],
      [
        'peak RSS MiB',
        fmt(median(rows.map((x) => x.rss)), 0),
        fmt(Math.min(...rows.map((x) => x.rss)), 0),
        fmt(Math.max(...rows.map((x) => x.rss)), 0),
      ],
    ],
  );
} finally {
  tmp.remove();
}
