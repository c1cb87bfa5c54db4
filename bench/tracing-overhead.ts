/**
 * Tracing overhead: harness CPU time (user + system, whole child process) of the same seeded run at
 * concurrency 48 with tracing on (the default: spans to the spool, GenAI metrics) and with `--no-tracing`.
 * The sim runs as a separate process (its CPU is not counted, and it records no spans). Each repetition runs
 * the harness twice, alternating which mode goes first to cancel drift; CPU comes from `cpu-probe.js`
 * preloaded into the child. Reports median on/off, overhead % = (on − off) / off, the spans written by an
 * on-run and the cost per span = (on − off) / spans. Target: overhead ≤ 5 %.
 * Usage: `node dist/bench/tracing-overhead.js [--reps 5] [--concurrency 48] [--trials 4] [--max-num-seqs 16]
 * [--time-scale 1] [--keep]`; exits 1 when the target is missed, 2 on a failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fmt,
  intFlags,
  median,
  printTable,
  readSpans,
  runCli,
  type SimProcess,
  simModelFlags,
  spoolOf,
  startSim,
  stopAll,
  summarize,
  tempDir,
  writeModelConfig,
} from './lib.js';

const TARGET_PCT = 5;
const PROBE = fileURLToPath(new URL('./cpu-probe.js', import.meta.url));

/** One harness run. */
interface Sample {
  rep: number;
  tracing: boolean;
  userS: number;
  sysS: number;
  wallS: number;
  spans: number;
}

async function main(): Promise<number> {
  const o = intFlags(process.argv.slice(2), {
    reps: 5,
    concurrency: 48,
    // 168 trials on a 4x faster simulator: longer, CPU-bound runs spread less than 56 trials in real time.
    trials: 12,
    maxNumSeqs: 16,
    timeScale: 0.25,
  });
  const tmp = tempDir('tau2-bench-overhead-');
  process.stdout.write(
    `Tracing overhead: harness CPU (user+sys), tracing on vs --no-tracing, same --seed\n` +
      `concurrency ${o.concurrency}, ${o.trials} trials/task, sim --max-num-seqs ${o.maxNumSeqs} ` +
      `--time-scale ${o.timeScale}, ${o.reps} reps (order alternates)\n\n`,
  );
  let sim: SimProcess | undefined;
  try {
    sim = await startSim(['--max-num-seqs', String(o.maxNumSeqs), '--time-scale', String(o.timeScale)]);
    const config = writeModelConfig(tmp.dir, sim.baseUrl);
    const samples: Sample[] = [];
    for (let rep = 1; rep <= o.reps; rep++) {
      for (const tracing of rep % 2 === 1 ? [true, false] : [false, true]) {
        const name = `rep${rep}-${tracing ? 'on' : 'off'}`;
        const out = join(tmp.dir, name);
        const cpuFile = join(tmp.dir, `${name}.cpu.json`);
        const args = [
          'run',
          ...simModelFlags(config),
          '--max-concurrency',
          String(o.concurrency),
          '--seed',
          '42',
        ];
        args.push(
          '--num-trials',
          String(o.trials),
          '--quiet',
          '--output-dir',
          out,
          ...(tracing ? [] : ['--no-tracing']),
        );
        const { wallMs } = await runCli(args, {
          timeoutMs: 300_000,
          nodeArgs: ['--import', PROBE],
          env: { ...process.env, TAU2_BENCH_CPU_FILE: cpuFile },
        });
        const cpu = JSON.parse(readFileSync(cpuFile, 'utf8')) as { userUs: number; systemUs: number };
        const spans = tracing ? (await readSpans(spoolOf(out))).length : 0;
        samples.push({
          rep,
          tracing,
          userS: cpu.userUs / 1e6,
          sysS: cpu.systemUs / 1e6,
          wallS: wallMs / 1000,
          spans,
        });
        const s = samples[samples.length - 1]!;
        process.stdout.write(
          `  ${name}: cpu ${fmt(s.userS + s.sysS)} s (user ${fmt(s.userS)}, sys ${fmt(s.sysS)}), wall ${fmt(s.wallS, 1)} s` +
            (tracing ? `, ${spans} spans` : '') +
            '\n',
        );
      }
    }
    const cpuOf = (on: boolean) => samples.filter((s) => s.tracing === on).map((s) => s.userS + s.sysS);
    const row = (label: string, on: boolean) => {
      const c = summarize(cpuOf(on));
      const part = (k: 'userS' | 'sysS' | 'wallS') =>
        fmt(median(samples.filter((s) => s.tracing === on).map((s) => s[k])), 2);
      return [
        label,
        String(c.n),
        fmt(c.median),
        fmt(c.min),
        fmt(c.max),
        part('userS'),
        part('sysS'),
        part('wallS'),
      ];
    };
    process.stdout.write('\n');
    printTable(
      [
        'tracing',
        'runs',
        'cpu median s',
        'cpu min s',
        'cpu max s',
        'user median s',
        'sys median s',
        'wall median s',
      ],
      [row('on', true), row('off', false)],
    );
    const on = median(cpuOf(true));
    const off = median(cpuOf(false));
    const spanCounts = [...new Set(samples.filter((s) => s.tracing).map((s) => s.spans))];
    const spans = median(samples.filter((s) => s.tracing).map((s) => s.spans));
    const pct = ((on - off) / off) * 100;
    // Per-rep paired differences show how much of the median gap is noise.
    const paired = [...new Set(samples.map((s) => s.rep))].map((rep) => {
      const pick = (t: boolean) => samples.find((s) => s.rep === rep && s.tracing === t)!;
      return ((pick(true).userS + pick(true).sysS) / (pick(false).userS + pick(false).sysS) - 1) * 100;
    });
    const ok = pct <= TARGET_PCT;
    process.stdout.write(
      `\nspans per on-run: ${spanCounts.join(', ')}\n` +
        `per-rep paired overhead: ${paired.map((p) => `${fmt(p, 1)}%`).join(', ')} (median ${fmt(median(paired), 1)}%)\n` +
        `overhead: (${fmt(on)} − ${fmt(off)}) / ${fmt(off)} = ${fmt(pct, 2)} % (target ≤ ${TARGET_PCT} %): ` +
        `${ok ? 'PASS' : 'FAIL'}\n` +
        `cost per span: ${fmt(((on - off) / spans) * 1e6, 1)} µs (${spans} spans)\n`,
    );
    return ok ? 0 : 1;
  } finally {
    await sim?.stop();
    await stopAll();
    if (o.keep) process.stdout.write(`kept ${tmp.dir}\n`);
    else tmp.remove();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tracing-overhead: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 2;
  },
);
