/**
 * tau2-bench's leaderboard figures over a run's trials: the average reward and pass^k (the chance that all of
 * k trials of a task succeed, estimated per task as C(successes, k) / C(trials, k) and averaged over tasks),
 * as tau2's `metrics/agent_metrics.py` computes them. Failed trials (a component failed, see
 * {@link trialFailed}) are left out, as tau2 leaves out its infrastructure errors.
 */
import { type TrialResult, trialFailed } from './orchestrator.js';

/** tau2's `is_successful`: a reward of 1, within 1e-6. */
export function isSuccessful(reward: number): boolean {
  return reward >= 1 - 1e-6 && reward <= 1 + 1e-6;
}

/** C(n, k) as a float (exact for the trial counts of an evaluation). */
function comb(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** The leaderboard figures of a set of trials. */
export interface LeaderboardMetrics {
  /** Mean reward of the trials that were evaluated (failed ones left out); null without any. */
  avg_reward: number | null;
  /** pass^k for k = 1 … the fewest trials any task has. */
  pass_hat_k: Record<string, number>;
  /** Trials counted, and failed trials left out. */
  evaluated_trials: number;
  excluded_failed_trials: number;
}

/** What {@link leaderboard} reads of a trial (a results.json row has it; so does a trial rebuilt from spans). */
export type LeaderboardRow = Pick<TrialResult, 'domain' | 'task_id' | 'reward' | 'termination_reason'>;

/** Computes {@link LeaderboardMetrics}; tasks are told apart by domain and task id. */
export function leaderboard(rows: readonly LeaderboardRow[]): LeaderboardMetrics {
  const evaluated = rows.filter((r) => !trialFailed(r));
  const byTask = new Map<string, { n: number; successes: number }>();
  for (const r of evaluated) {
    const key = `${r.domain}\u0000${r.task_id}`;
    const t = byTask.get(key) ?? { n: 0, successes: 0 };
    t.n++;
    if (isSuccessful(r.reward)) t.successes++;
    byTask.set(key, t);
  }
  // tau2 stops at the smallest trial count of any task, so every task contributes to every k.
  const maxK = byTask.size ? Math.min(...[...byTask.values()].map((t) => t.n)) : 0;
  const passHatK: Record<string, number> = {};
  for (let k = 1; k <= maxK; k++) {
    let sum = 0;
    for (const t of byTask.values()) sum += comb(t.successes, k) / comb(t.n, k);
    passHatK[String(k)] = sum / byTask.size;
  }
  return {
    avg_reward: evaluated.length ? evaluated.reduce((a, r) => a + r.reward, 0) / evaluated.length : null,
    pass_hat_k: passHatK,
    evaluated_trials: evaluated.length,
    excluded_failed_trials: rows.length - evaluated.length,
  };
}
