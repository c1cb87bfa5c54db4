/**
 * `tau2-trace stats --log-dir` on a generated legacy log of about 850,000 lines: wall time and peak RSS of the
 * child process, median of several runs (issue target: ≤ 0.8 s and ≤ 150 MB with the 7 PNGs, on 2 cores),
 * first as the legacy command (`--no-ext`: JSON, console, 7 PNGs), then as the default (plus the ext JSON and
 * charts). Before that, the parse alone: `parseLegacyLogs` in a fresh child process per run (cold JIT, as in
 * the CLI), timed inside the child.
 * Usage: `node dist/bench/legacy-stats.js [--lines 850000] [--reps 3] [--parse-only 1] [--legacy-only 1]
 * [--keep]` (`--parse-only 1` skips the CLI runs, `--legacy-only 1` the default-command runs; `--keep` keeps
 * the generated log and prints its directory).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/util/random.js';
import { CLI, fmt, intFlags, median, printTable, tempDir } from './lib.js';

/** Writes `n` seeded legacy lines in the seed key generation, mixed as in a real run. */
async function generate(file: string, n: number, seed = 1): Promise<void> {
  const rng = createRng(seed);
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

/** The compiled parser, imported by the parse-only child. */
const PARSE_JS = new URL('../src/export/legacy/parse.js', import.meta.url).href;

/** Runs `parseLegacyLogs(dir)` once in a fresh child: its time in ms, the lines read, its peak RSS in MiB. */
function parseOnce(dir: string): { ms: number; lines: number; rss: number } {
  const script = `
    import { parseLegacyLogs } from ${JSON.stringify(PARSE_JS)};
    const t0 = performance.now();
    const r = parseLegacyLogs(${JSON.stringify(dir)});
    const ms = performance.now() - t0;
    const rss = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ ms, lines: r.lines, rss }));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`parse failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as { ms: number; lines: number; rss: number };
}

/** One table row: median, min and max of `xs`. */
function row(label: string, xs: number[], digits: number): string[] {
  return [label, fmt(median(xs), digits), fmt(Math.min(...xs), digits), fmt(Math.max(...xs), digits)];
}

/** The reference of the legacy analyzer's logic (see its header), run by the legacy-side benchmark. */
const LEGACY_SCRIPT = fileURLToPath(new URL('../../scripts/legacy_stats_reference.py', import.meta.url));

const o = intFlags(process.argv.slice(2), { lines: 860_000, reps: 3, parseOnly: 0, legacyOnly: 0 });
const tmp = tempDir('tau2-bench-legacy-');
try {
  // Three domains, as a real run directory has them.
  let bytes = 0;
  for (const [i, domain] of ['airline', 'retail', 'telecom'].entries()) {
    const file = join(tmp.dir, `tau2_${domain}.log`);
    await generate(file, Math.round(o.lines / 3), i + 1);
    bytes += statSync(file).size;
  }
  process.stdout.write(`${o.lines} lines in 3 files, ${(bytes / 2 ** 20).toFixed(0)} MiB\n`);
  const parses = Array.from({ length: o.reps }, () => parseOnce(tmp.dir));
  printTable(
    ['parseLegacyLogs only', 'median', 'min', 'max'],
    [
      row(
        'ms',
        parses.map((p) => p.ms),
        0,
      ),
      row(
        'M lines/s',
        parses.map((p) => p.lines / p.ms / 1000),
        2,
      ),
      row(
        'peak RSS MiB',
        parses.map((p) => p.rss),
        0,
      ),
    ],
  );
  if (o.parseOnly === 0) {
    // The legacy command: stats JSON, console tables and the 7 PNGs (the target), side by side with
    // the legacy analyzer's logic when python3 has numpy and matplotlib.
    const ours = statsRuns(tmp.dir, o.reps, ['--no-ext']);
    const py = legacyPython();
    if (!py)
      process.stdout.write('legacy analyzer: skipped (no python3 with numpy and matplotlib; PY=...)\n');
    else {
      const legacy = timedRuns(tmp.dir, o.reps, `legacy analyzer (${py} ${LEGACY_SCRIPT})`, [
        py,
        LEGACY_SCRIPT,
        '--log-dir',
        tmp.dir,
        '--out-dir',
        join(tmp.dir, 'legacy-out'),
      ]);
      printTable(
        ['legacy / ours (medians)', 'ratio', 'target'],
        [
          ['time: legacy ÷ ours (x faster)', fmt(legacy.wall / ours.wall, 2), '≥ 3'],
          ['peak RSS: ours ÷ legacy', fmt(ours.rss / legacy.rss, 2), '≤ 0.33'],
        ],
      );
    }
    // The default, which adds <prefix>_stats_ext.json and 14 log-scale / CDF charts.
    if (o.legacyOnly === 0) statsRuns(tmp.dir, o.reps, []);
  }
} finally {
  if (o.keep) process.stdout.write(`kept ${tmp.dir}\n`);
  else tmp.remove();
}

/** A python3 that has numpy and matplotlib (`PY`, else `python3`, else Debian's), or undefined. */
function legacyPython(): string | undefined {
  for (const py of [process.env.PY, 'python3', '/usr/bin/python3']) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import numpy, matplotlib'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Times `stats --log-dir <dir> ...extra` `reps` times and prints wall and peak RSS; returns the medians. */
function statsRuns(dir: string, reps: number, extra: string[]): { wall: number; rss: number } {
  return timedRuns(dir, reps, ['stats --log-dir', ...extra].join(' '), [
    process.execPath,
    CLI,
    'stats',
    '--log-dir',
    dir,
    ...extra,
  ]);
}

/** Runs `argv` `reps` times under /usr/bin/time, prints wall time and peak RSS, returns their medians. */
function timedRuns(_dir: string, reps: number, label: string, argv: string[]): { wall: number; rss: number } {
  const rows: { wall: number; rss: number }[] = [];
  for (let r = 0; r < reps; r++) {
    const res = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr}`);
    const [wall, rss] = res.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    rows.push({ wall: wall!, rss: rss! / 1024 });
  }
  printTable(
    [label, 'median', 'min', 'max'],
    [
      row(
        'wall s',
        rows.map((x) => x.wall),
        2,
      ),
      row(
        'peak RSS MiB',
        rows.map((x) => x.rss),
        0,
      ),
    ],
  );
  return { wall: median(rows.map((x) => x.wall)), rss: median(rows.map((x) => x.rss)) };
}
