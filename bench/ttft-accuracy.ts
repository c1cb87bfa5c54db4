/**
 * TTFT accuracy: the harness's `tau2.llm.ttft_ms` against the simulator's own record of the same request
 * (`tau2.sim.first_chunk_sent_ms − tau2.sim.request_received_ms` on its `llm_request` span), at concurrency 48.
 * The sim runs as a separate process so the two event loops do not share a thread; each repetition starts a
 * fresh sim (with `--spans-file`) and one `run`, then joins every streamed client `chat …` span to the sim span
 * whose parent is that chat span (the successful attempt: the one carrying `first_chunk_sent_ms`).
 *
 * error = client ttft − sim ttft: the request's transit and parsing (client send → sim handler) plus the first
 * chunk's (sim write → client SDK hands it over). Each concurrency level (8, 48 and 128 by default) runs
 * `--reps` times; the summary gives, per level, the medians over repetitions of the |error| median, p90 and
 * p99, and the share of streamed calls whose sim truth span was missing (so runs compare: a call without its
 * truth is not in the figures).
 *
 * Where `tcpdump` can capture loopback (scripts/install-tcpdump; root or CAP_NET_RAW), each measured run is
 * also timed on the wire (wire.ts): client ttft − wire ttft and sim ttft − wire ttft, so each side's share of
 * the error shows, and the verdict judges the client against the wire. The simulator's arrival stamp misses
 * the time a request waits in its socket while the HTTP thread is busy (server intake, which the client
 * really waits through), so against the sim a client is charged for the sim's error too.
 *
 * Target, at concurrency 48: the median over repetitions of the overall |error| p99 ≤ 2 ms, with no call
 * missing its truth. Usage: `node dist/bench/ttft-accuracy.js [--reps 3] [--concurrency 8,48,128]
 * [--trials 4] [--max-num-seqs 16] [--no-wire] [--keep]`; exits 1 when the target is missed (or 48 is not
 * among the levels), 2 on a failure. The stamping threads run at the priority `TAU2_TRACE_STAMP_PRIORITY`
 * asks (the header says what they got); the target was met with `realtime`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Attr, Kind, SpanName } from '../src/telemetry/names.js';
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
  stealMeter,
  stopAll,
  summarize,
  tempDir,
  writeModelConfig,
} from './lib.js';
import { startCapture, type WireTimes, wireTimes, wireUnavailable } from './wire.js';

const TARGET_P99_MS = 2;
const TARGET_CONCURRENCY = 48;

/** One streamed client call joined to the sim's record of it (ms). */
interface Joined {
  kind: string;
  /** client ttft − sim ttft. */
  error: number;
  /** Client send → sim handler, and sim write of the first chunk → client has it (cross-process clocks). */
  reqTransit: number;
  respTransit: number;
  clientTtft: number;
  sentAtMs: number;
  /** Against the wire (wire.ts), where captured: client ttft − wire ttft, and sim ttft − wire ttft. */
  wire?: { client: number; sim: number };
}

/** The joined calls, the streamed calls without sim truth, and those without wire truth (when captured). */
interface RepData {
  calls: Joined[];
  unmatched: number;
  noWire: number | undefined;
}

/** Joins client chat spans to sim llm_request spans (by parent span id) and returns the joined calls. */
async function joinSpans(
  clientSpool: string,
  simSpool: string,
  wire: Map<string, WireTimes> | undefined,
): Promise<RepData> {
  const sim = new Map<string, Record<string, unknown>>();
  for (const s of await readSpans(simSpool)) {
    if (s.name !== SpanName.llmRequest || !s.parentSpanId) continue;
    if (typeof s.attrs[Attr.simFirstChunkSentMs] === 'number') sim.set(s.parentSpanId, s.attrs);
  }
  const client = await readSpans(clientSpool);
  const prefill = new Map(client.filter((s) => s.name === SpanName.prefill).map((s) => [s.parentSpanId, s]));
  const calls: Joined[] = [];
  let unmatched = 0;
  let noWire = 0;
  for (const s of client) {
    const ttft = s.attrs[Attr.ttftMs];
    if (!s.name.startsWith(SpanName.chatPrefix) || s.attrs[Attr.genAiRequestStream] !== true) continue;
    if (typeof ttft !== 'number') continue;
    const server = sim.get(s.spanId);
    const pre = prefill.get(s.spanId);
    if (!server || !pre) {
      unmatched++;
      continue;
    }
    const received = server[Attr.simRequestReceivedMs] as number;
    const sent = server[Attr.simFirstChunkSentMs] as number;
    const w = wire?.get(s.spanId);
    if (wire && !w) noWire++;
    const wireTtft = w && w.firstTokenAt - w.sentAt;
    calls.push({
      kind: String(s.attrs[Attr.kind]),
      error: ttft - (sent - received),
      reqTransit: received - pre.startMs,
      respTransit: pre.endMs - sent,
      clientTtft: ttft,
      sentAtMs: pre.startMs,
      ...(wireTtft === undefined
        ? {}
        : { wire: { client: ttft - wireTtft, sim: sent - received - wireTtft } }),
    });
  }
  return { calls, unmatched, noWire: wire ? noWire : undefined };
}

async function runRep(
  rep: number,
  concurrency: number,
  o: Flags,
  root: string,
  capture: boolean,
): Promise<RepData> {
  const dir = join(root, `c${concurrency}-rep${rep}`);
  const simSpool = join(root, `sim-c${concurrency}-rep${rep}.otlp.jsonl`);
  let sim: SimProcess | undefined;
  let wire: Map<string, WireTimes> | undefined;
  try {
    sim = await startSim(['--max-num-seqs', String(o.maxNumSeqs), '--spans-file', simSpool]);
    const config = writeModelConfig(root, sim.baseUrl);
    // Warm the fresh server up first, as one benchmarks any server, with one trial of the same load: its
    // first requests run cold code (JIT compilation; at the first burst of new connections its HTTP thread
    // stalled for up to 30 ms on this machine) that would delay its own truth stamps of the first wave.
    const warmDir = join(root, `warm-c${concurrency}-rep${rep}`);
    const warm = [
      'run',
      ...simModelFlags(config),
      '--max-concurrency',
      String(concurrency),
      '--num-trials',
      '1',
    ];
    await runCli([...warm, '--quiet', '--output-dir', warmDir], { timeoutMs: 300_000 });
    const args = ['run', ...simModelFlags(config), '--max-concurrency', String(concurrency)];
    args.push('--num-trials', String(o.trials), '--quiet', '--output-dir', dir);
    const port = Number(new URL(sim.baseUrl).port);
    const pcap = join(root, `c${concurrency}-rep${rep}.pcap`);
    const running = capture ? await startCapture(port, pcap) : undefined;
    await runCli(args, { timeoutMs: 300_000 });
    if (running) {
      const { dropped } = await running.stop();
      if (dropped > 0) throw new Error(`tcpdump dropped ${dropped} packets: no wire truth for this rep`);
      wire = wireTimes(pcap, port).times;
    }
  } finally {
    await sim?.stop(); // SIGTERM: the sim flushes its spool before exiting
  }
  return joinSpans(spoolOf(dir), simSpool, wire);
}

/** One repetition's figures: |error| spread over its joined calls, and the share missing their truth. */
interface RepFigures {
  median: number;
  p90: number;
  p99: number;
  calls: number;
  missingShare: number;
  /** Against the wire, where captured: |client − wire| and |sim − wire| p99, and the share without it. */
  wire?: { clientP99: number; simP99: number; missingShare: number };
}

/** Prints one repetition's table; returns its figures. */
function printRep(label: string, { calls, unmatched, noWire }: RepData): RepFigures {
  if (calls.length === 0) throw new Error(`${label}: no client call joined a sim span (the join failed)`);
  const row = (name: string, set: Joined[]) => {
    const abs = summarize(set.map((c) => Math.abs(c.error)));
    const mean = (f: (c: Joined) => number) => fmt(summarize(set.map(f)).mean);
    const cells = [fmt(abs.median), fmt(abs.p90), fmt(abs.p99), fmt(abs.max)];
    return [
      name,
      String(abs.n),
      ...cells,
      mean((c) => c.error),
      mean((c) => c.reqTransit),
      mean((c) => c.respTransit),
      fmt(summarize(set.map((c) => c.reqTransit)).p99),
      fmt(summarize(set.map((c) => c.respTransit)).p99),
    ];
  };
  const rows = [Kind.llmCall, Kind.expertCall, Kind.userSim, Kind.evaluator].flatMap((k) => {
    const set = calls.filter((c) => c.kind === k);
    return set.length ? [row(k, set)] : [];
  });
  const t0 = Math.min(...calls.map((c) => c.sentAtMs));
  const warm = calls.filter((c) => c.sentAtMs - t0 >= 1000);
  const steady = calls.filter((c) => c.sentAtMs - t0 >= 5000);
  rows.push(row('warm (sent ≥ 1 s in)', warm));
  if (steady.length) rows.push(row('steady (sent ≥ 5 s in)', steady));
  rows.push(row('overall', calls));
  const ttft = summarize(calls.map((c) => c.clientTtft));
  process.stdout.write(
    `\n${label}: ${calls.length} streamed calls joined, ${unmatched} without sim truth; ` +
      `client ttft median ${fmt(ttft.median, 1)} ms, p99 ${fmt(ttft.p99, 1)} ms\n`,
  );
  printTable(
    [
      'calls',
      'n',
      '|err| med',
      '|err| p90',
      '|err| p99',
      '|err| max',
      'mean err',
      'mean req',
      'mean resp',
      'req p99',
      'resp p99',
    ],
    rows,
  );
  const abs = summarize(calls.map((c) => Math.abs(c.error)));
  const missingShare = unmatched / (calls.length + unmatched);
  const figures: RepFigures = {
    median: abs.median,
    p90: abs.p90,
    p99: abs.p99,
    calls: calls.length,
    missingShare,
  };
  if (noWire !== undefined) figures.wire = printWire(calls, noWire);
  return figures;
}

/** Prints the rep's errors against the wire (client and sim each against the capture); returns the p99s. */
function printWire(calls: Joined[], noWire: number): NonNullable<RepFigures['wire']> {
  const wired = calls.filter((c) => c.wire);
  process.stdout.write(
    `against the wire (packet stamps on lo): ${wired.length} calls, ${noWire} without wire truth\n`,
  );
  if (wired.length === 0) throw new Error('no call joined its packets in the capture (the wire join failed)');
  const row = (name: string, errs: number[]) => {
    const a = summarize(errs.map(Math.abs));
    return [name, fmt(a.median), fmt(a.p90), fmt(a.p99), fmt(a.max), fmt(summarize(errs).mean)];
  };
  const client = row(
    'client ttft − wire ttft',
    wired.map((c) => c.wire!.client),
  );
  const sim = row(
    'sim ttft − wire ttft',
    wired.map((c) => c.wire!.sim),
  );
  printTable(['', '|err| med', '|err| p90', '|err| p99', '|err| max', 'mean err'], [client, sim]);
  return {
    clientP99: summarize(wired.map((c) => Math.abs(c.wire!.client))).p99,
    simP99: summarize(wired.map((c) => Math.abs(c.wire!.sim))).p99,
    missingShare: noWire / calls.length,
  };
}

/** One concurrency level over its repetitions, and the machine's 1-minute load when it started. */
interface Level {
  concurrency: number;
  load: number;
  /** Percent of CPU time the hypervisor took while the level ran (undefined where unknown). */
  steal: number | undefined;
  reps: RepFigures[];
}

/** The summary: per level, medians over repetitions (and each repetition's p99, to show the spread). */
function printSummary(levels: Level[]): void {
  const med = (l: Level, f: (r: RepFigures) => number) => median(l.reps.map(f));
  process.stdout.write(
    '\nsummary (|error| ms, medians over repetitions; load = 1-min load average at start; steal = share of\n' +
      'CPU time the hypervisor gave to other guests during the level, /proc/stat)\n',
  );
  printTable(
    [
      'concurrency',
      'load',
      'steal',
      'calls/rep',
      'no truth',
      '|err| med',
      '|err| p90',
      '|err| p99',
      'p99 per rep',
      'wire: client p99',
      'wire: sim p99',
      'no wire',
    ],
    levels.map((l) => [
      String(l.concurrency),
      fmt(l.load, 2),
      l.steal === undefined ? 'n/a' : `${fmt(l.steal, 1)}%`,
      fmt(
        med(l, (r) => r.calls),
        0,
      ),
      `${fmt(100 * Math.max(...l.reps.map((r) => r.missingShare)), 1)}%`,
      fmt(med(l, (r) => r.median)),
      fmt(med(l, (r) => r.p90)),
      fmt(med(l, (r) => r.p99)),
      l.reps.map((r) => fmt(r.p99, 2)).join(', '),
      wireCell(l, (w) => w.clientP99),
      wireCell(l, (w) => w.simP99),
      l.reps.some((r) => r.wire)
        ? `${fmt(100 * Math.max(...l.reps.map((r) => r.wire?.missingShare ?? 1)), 1)}%`
        : 'n/a',
    ]),
  );
}

/** A summary cell of figures against the wire: the median over reps, and each rep's; 'n/a' without capture. */
function wireCell(l: Level, f: (w: NonNullable<RepFigures['wire']>) => number): string {
  const per = l.reps.flatMap((r) => (r.wire ? [f(r.wire)] : []));
  if (per.length === 0) return 'n/a';
  return `${fmt(median(per))} (${per.map((v) => fmt(v, 2)).join(', ')})`;
}

type Flags = ReturnType<typeof flags>;

/** The flags; `--concurrency` takes a comma-separated list of levels. */
function flags() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--concurrency');
  let levels = [8, 48, 128];
  if (at >= 0) {
    const list = argv.splice(at, 2)[1] ?? '';
    levels = list.split(',').map(Number);
    if (list === '' || levels.some((c) => !Number.isInteger(c) || c < 1)) {
      process.stderr.write(
        `ttft-accuracy: --concurrency wants positive integers such as 8,48,128, not '${list}'\n`,
      );
      process.exit(2);
    }
  }
  const noWire = argv.indexOf('--no-wire');
  if (noWire >= 0) argv.splice(noWire, 1);
  return { ...intFlags(argv, { reps: 3, trials: 4, maxNumSeqs: 16 }), levels, noWire: noWire >= 0 };
}

/**
 * Whether a thread of this user may raise its priority as the stamping threads ask (thread-priority.ts), tried
 * on a throwaway thread: their stamps are only as good as the machine's load allows without it.
 */
function stampingPriority(): Promise<string> {
  // The threads' own function (src/util/thread-priority.ts), loaded into the throwaway thread.
  const module = new URL('../src/util/thread-priority.js', import.meta.url).href;
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    import(workerData).then((m) => {
      parentPort.postMessage(m.describePriority(m.raiseThreadPriority()));
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: module });
    w.once('message', (m: string) => resolve(m));
    w.once('error', reject);
  });
}

async function main(): Promise<number> {
  const o = flags();
  const tmp = tempDir('tau2-bench-ttft-');
  process.stdout.write(
    `TTFT accuracy: client tau2.llm.ttft_ms vs sim first_chunk_sent − request_received\n` +
      `concurrency ${o.levels.join(', ')}; ${o.trials} trials/task, sim --max-num-seqs ${o.maxNumSeqs}, ${o.reps} reps each\n` +
      `ms; err = client − sim (signed mean), |err| spread; mean req = client send → sim handler, mean resp =\n` +
      `sim first-chunk write → client has it (cross-process wall clocks, ±1 ms: span times go through OTel)\n` +
      `stamping threads' priority: ${await stampingPriority()}\n`,
  );
  const noCapture = o.noWire ? 'off (--no-wire)' : wireUnavailable();
  process.stdout.write(`wire truth: ${noCapture ?? 'tcpdump on lo, during each measured run'}\n`);
  try {
    const levels: Level[] = [];
    for (const concurrency of o.levels) {
      const level: Level = { concurrency, load: loadavg()[0] ?? Number.NaN, steal: undefined, reps: [] };
      const steal = stealMeter();
      for (let rep = 1; rep <= o.reps; rep++) {
        const repSteal = stealMeter();
        const joined = await runRep(rep, concurrency, o, tmp.dir, noCapture === undefined);
        const stolen = repSteal();
        const label = `c=${concurrency} rep ${rep}${stolen === undefined ? '' : ` (steal ${fmt(stolen, 1)}%)`}`;
        level.reps.push(printRep(label, joined));
      }
      level.steal = steal();
      levels.push(level);
    }
    printSummary(levels);
    return verdict(levels.find((l) => l.concurrency === TARGET_CONCURRENCY));
  } finally {
    await stopAll();
    if (o.keep) process.stdout.write(`kept ${tmp.dir}\n`);
    else tmp.remove();
  }
}

/**
 * Prints whether the target level met the target; returns the exit code. The client is judged against the
 * wire where every rep was captured (the simulator's own stamps miss the time a request waits before its
 * HTTP thread reads it, and were measured further from the wire than the client's), else against the sim.
 * Either way every streamed call must have its sim truth, and, when captured, its wire truth.
 */
function verdict(level: Level | undefined): number {
  if (!level) {
    process.stdout.write(`\nno verdict: concurrency ${TARGET_CONCURRENCY} was not among the levels\n`);
    return 1;
  }
  const simMissing = level.reps.some((r) => r.missingShare > 0);
  const line = (against: string, p99: number, missing: boolean) =>
    `c=${TARGET_CONCURRENCY}, client against ${against}: |error| p99 ${fmt(p99)} ms (target ≤ ${TARGET_P99_MS} ms), ` +
    `${missing ? `some calls had no ${against} truth` : `every call had its ${against} truth`}`;
  const simP99 = median(level.reps.map((r) => r.p99));
  process.stdout.write(`\n${line('sim', simP99, simMissing)}\n`);
  const wired = level.reps.flatMap((r) => (r.wire ? [r.wire] : []));
  let ok = simP99 <= TARGET_P99_MS && !simMissing;
  if (wired.length === level.reps.length) {
    const wireP99 = median(wired.map((w) => w.clientP99));
    const wireMissing = wired.some((w) => w.missingShare > 0);
    process.stdout.write(`${line('wire', wireP99, wireMissing)}\n`);
    ok = wireP99 <= TARGET_P99_MS && !wireMissing && !simMissing;
  }
  process.stdout.write(
    `verdict (against the ${wired.length === level.reps.length ? 'wire' : 'sim'}): ${ok ? 'PASS' : 'FAIL'}\n`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ttft-accuracy: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 2;
  },
);
