/**
 * Prefix cache and routing (issue 13's acceptance): the same seeded retail run at concurrency 48 against four
 * simulated agent servers (each with its own prefix cache, on by default as in vLLM), once with `--routing
 * random` and once with `--routing sticky`. The servers are started afresh for each run, so neither inherits
 * the other's cache; the user, judge and experts are served by a fifth simulator, so the agent servers' load
 * is the agent's alone. From the run's agent call spans it prints prompt tokens, cached tokens and their
 * fraction, prefill tokens (prompt − cached: what the servers computed) and TTFT p50/p95 for both.
 * Sticky routing keeps a trial's calls on the server that holds its history, so it must show the higher
 * cached fraction and the lower TTFT p50; the bench exits 1 when it does not, 2 on a failure.
 *
 * Usage: `node dist/bench/prefix-cache.js [--concurrency 48] [--servers 4] [--trials 1] [--tasks 0 (all)]
 * [--max-num-seqs 16] [--time-scale-pct 25] [--seed 42] [--keep]`; `TAU2_DATA_DIR` (default ../shared/tau2
 * beside the checkout) holds tau2's retail domain. Needs `run --routing` (RunSettings.routing).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Attr, Kind, SpanName } from '../src/telemetry/names.js';
import {
  fmt,
  intFlags,
  percentile,
  printTable,
  readSpans,
  runCli,
  type SimProcess,
  spoolOf,
  startSim,
  stopAll,
  tempDir,
} from './lib.js';

const POLICIES = ['random', 'sticky'] as const;
type Policy = (typeof POLICIES)[number];
const AGENT = 'sim-orchestrator-8b';
const EXPERTS = { 'expert-1': 'sim-expert-1', 'expert-2': 'sim-expert-2', 'expert-3': 'sim-expert-3' };

/** What one run's agent calls say. */
interface Figures {
  policy: Policy;
  calls: number;
  promptTokens: number;
  cachedTokens: number;
  ttft: number[];
  wallS: number;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The model config: the agent on every agent server, the other models on the last simulator. */
function writeConfig(dir: string, agents: SimProcess[], others: SimProcess): string {
  const config: Record<string, unknown> = {
    [AGENT]: agents.map((s) => ({ base_url: s.baseUrl })),
    'sim-user': [{ base_url: others.baseUrl }],
    'sim-judge': [{ base_url: others.baseUrl }],
    oss_expert_mapping: EXPERTS,
  };
  for (const model of Object.values(EXPERTS)) config[model] = [{ base_url: others.baseUrl }];
  const file = join(dir, 'model-config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

type Options = ReturnType<typeof options>;

function options() {
  return intFlags(process.argv.slice(2), {
    concurrency: 48,
    servers: 4,
    trials: 1,
    tasks: 0,
    maxNumSeqs: 16,
    timeScalePct: 25,
    seed: 42,
  });
}

/** One run with `policy` against fresh simulators; their caches start empty. */
async function runWith(policy: Policy, o: Options, dataDir: string, dir: string): Promise<Figures> {
  const simArgs = [
    '--domains',
    'retail',
    '--data-dir',
    dataDir,
    '--seed',
    String(o.seed),
    '--max-num-seqs',
    String(o.maxNumSeqs),
    '--time-scale',
    String(o.timeScalePct / 100),
  ];
  const sims = await Promise.all(Array.from({ length: o.servers + 1 }, () => startSim(simArgs)));
  try {
    const config = writeConfig(dir, sims.slice(0, o.servers), sims[o.servers]!);
    const out = join(dir, policy);
    const args = ['run', '--domains', 'retail', '--data-dir', dataDir, '--model-config', config];
    args.push('--agent-model', AGENT, '--user-llm', 'sim-user', '--judge-llm', 'sim-judge');
    args.push('--max-concurrency', String(o.concurrency), '--seed', String(o.seed), '--routing', policy);
    args.push('--num-trials', String(o.trials), '--quiet', '--output-dir', out);
    if (o.tasks > 0) args.push('--num-tasks', String(o.tasks));
    const { wallMs } = await runCli(args, { timeoutMs: 1_800_000 });
    const calls = (await readSpans(spoolOf(out))).filter(
      (s) => s.attrs[Attr.kind] === Kind.llmCall && s.name !== SpanName.attempt,
    );
    return {
      policy,
      calls: calls.length,
      promptTokens: calls.reduce((a, s) => a + num(s.attrs[Attr.genAiInputTokens]), 0),
      cachedTokens: calls.reduce((a, s) => a + num(s.attrs[Attr.genAiCacheReadInputTokens]), 0),
      ttft: calls
        .flatMap((s) => (typeof s.attrs[Attr.ttftMs] === 'number' ? [s.attrs[Attr.ttftMs] as number] : []))
        .sort((a, b) => a - b),
      wallS: wallMs / 1000,
    };
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
}

function row(f: Figures): string[] {
  return [
    f.policy,
    String(f.calls),
    String(f.promptTokens),
    String(f.cachedTokens),
    `${fmt((100 * f.cachedTokens) / f.promptTokens, 1)} %`,
    String(f.promptTokens - f.cachedTokens),
    fmt(percentile(f.ttft, 50), 1),
    fmt(percentile(f.ttft, 95), 1),
    fmt(f.wallS, 1),
  ];
}

async function main(): Promise<number> {
  const o = options();
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dataDir = process.env.TAU2_DATA_DIR ?? resolve(here, '../../../shared/tau2');
  const tmp = tempDir('tau2-bench-cache-');
  process.stdout.write(
    `Prefix cache by routing: retail, concurrency ${o.concurrency}, ${o.servers} simulated agent servers ` +
      `(--max-num-seqs ${o.maxNumSeqs}, time scale ${o.timeScalePct / 100}), seed ${o.seed}, ` +
      `${o.trials} trial(s) per task\n\n`,
  );
  try {
    const figures: Figures[] = [];
    for (const policy of POLICIES) figures.push(await runWith(policy, o, dataDir, tmp.dir));
    printTable(
      [
        'routing',
        'agent calls',
        'prompt tok',
        'cached tok',
        'cached',
        'prefill tok',
        'TTFT p50 ms',
        'TTFT p95 ms',
        'wall s',
      ],
      figures.map(row),
    );
    const [random, sticky] = figures as [Figures, Figures];
    const rate = (f: Figures) => f.cachedTokens / f.promptTokens;
    const ok = rate(sticky) > rate(random) && percentile(sticky.ttft, 50) < percentile(random.ttft, 50);
    process.stdout.write(
      `\nsticky ${ok ? 'shows' : 'does NOT show'} the higher cached fraction and the lower TTFT p50\n`,
    );
    return ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    return 2;
  } finally {
    await stopAll();
    if (!o.keep) tmp.remove();
    else process.stdout.write(`kept ${tmp.dir}\n`);
  }
}

process.exitCode = await main();
