/**
 * The live progress bar (done/total, tasks/min, ETA, agent TTFT p50/p95) and the closing summary table.
 * Both go to stderr, so stdout stays for what a script may parse.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { formatHitRate } from '../analyze/cache.js';
import { isSuccessful, leaderboard } from '../harness/metrics.js';
import type { RunStats } from '../harness/stats.js';
import { quantile } from '../util/quantile.js';

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

/** A progress display; `stop()` leaves the final state on screen. */
export interface Progress {
  tick(): void;
  stop(): void;
}

export function createProgress(
  total: number,
  alreadyDone: number,
  stats: RunStats,
  quiet: boolean,
): Progress {
  const stream = process.stderr;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'tasks {bar} {value}/{total} | {rate} tasks/min | ETA {eta_formatted} | agent TTFT p50 {p50} ms p95 {p95} ms',
      hideCursor: stream.isTTY === true,
      noTTYOutput: !quiet,
      notTTYSchedule: 5000,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  const payload = () => {
    const minutes = (performance.now() - t0) / 60_000;
    const done = stats.trials().length;
    const { p50, p95 } = stats.agentTtft();
    return { rate: minutes > 0 ? (done / minutes).toFixed(1) : '0.0', p50: fmt(p50), p95: fmt(p95) };
  };
  if (!quiet) bar.start(total, alreadyDone, payload());
  return {
    tick() {
      if (!quiet) bar.increment(1, payload());
    },
    stop() {
      if (!quiet) {
        bar.update(payload());
        bar.stop();
      }
    },
  };
}

/** The closing summary: outcomes and per-kind latency. */
export function summaryTable(stats: RunStats, wallMs: number): string {
  const trials = stats.trials();
  const reasons = new Map<string, number>();
  for (const t of trials) reasons.set(t.termination_reason, (reasons.get(t.termination_reason) ?? 0) + 1);
  const board = leaderboard(trials);
  // Colours only on a terminal: a log file should read as plain text.
  const style = process.stderr.isTTY ? {} : { style: { head: [], border: [] } };
  const outcome = new Table({
    head: ['trials', 'reward = 1', 'mean reward', 'pass^k', 'terminations', 'wall'],
    ...style,
  });
  outcome.push([
    String(trials.length),
    String(trials.filter((t) => isSuccessful(t.reward)).length),
    board.avg_reward === null ? '-' : board.avg_reward.toFixed(3),
    Object.entries(board.pass_hat_k)
      .map(([k, v]) => `^${k} ${v.toFixed(3)}`)
      .join(', ') || '-',
    [...reasons].map(([k, v]) => `${k} ${v}`).join(', '),
    `${(wallMs / 1000).toFixed(1)} s`,
  ]);
  const latency = new Table({
    head: [
      'kind',
      'calls',
      'TTFT p50',
      'TTFT p95',
      'decode p50',
      'infer p50',
      'infer p95',
      'tokens in/out',
      'cache hit',
    ],
    ...style,
  });
  for (const [kind, s] of stats.byKind()) {
    latency.push([
      kind,
      String(s.calls),
      fmt(quantile(s.ttft, 0.5)),
      fmt(quantile(s.ttft, 0.95)),
      fmt(quantile(s.decode, 0.5)),
      fmt(quantile(s.duration, 0.5)),
      fmt(quantile(s.duration, 0.95)),
      `${s.inputTokens}/${s.outputTokens}`,
      // '-' when the server does not report cached tokens (vLLM without --enable-prompt-tokens-details).
      formatHitRate(stats.cache().get(kind)?.hitRate),
    ]);
  }
  return `${outcome.toString()}\n${latency.toString()}\n(latencies in ms)`;
}
