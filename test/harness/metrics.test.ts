import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSuccessful, leaderboard } from '../../src/harness/metrics.js';
import type { TerminationReason, TrialResult } from '../../src/harness/orchestrator.js';

function row(
  task: string,
  trial: number,
  reward: number,
  reason: TerminationReason = 'user_stop',
): TrialResult {
  return {
    task_id: task,
    domain: 'retail',
    trial,
    reward,
    steps: 1,
    termination_reason: reason,
    duration_ms: 1,
    started_at: '',
    ended_at: '',
    trace_id: '',
    llm_calls: 0,
    tool_calls: 0,
    tool_errors: 0,
    evaluation: [],
  };
}

/** Task a: 2 of 4 trials succeed; b: 4 of 4; c: 1 of 4. */
const rows = [
  ...[1, 0, 1, 0].map((r, i) => row('a', i + 1, r)),
  ...[1, 1, 1, 1].map((r, i) => row('b', i + 1, r)),
  ...[0, 0, 1, 0].map((r, i) => row('c', i + 1, r)),
];

describe("tau2's leaderboard metrics", () => {
  it('pass^k equals tau2-bench pass_hat_k averaged over tasks', () => {
    // The expected values were printed by tau2-bench's own metrics.agent_metrics.pass_hat_k (commit a2c0247)
    // for these counts: (pass_hat_k(4,2,k) + pass_hat_k(4,4,k) + pass_hat_k(4,1,k)) / 3.
    const m = leaderboard(rows);
    assert.deepEqual(m.pass_hat_k, {
      '1': 0.5833333333333334,
      '2': 0.3888888888888889,
      '3': 0.3333333333333333,
      '4': 0.3333333333333333,
    });
    assert.equal(m.avg_reward, 7 / 12);
  });

  it('failed trials are left out; k stops at the fewest trials a task has', () => {
    const m = leaderboard([...rows.slice(0, 11), row('c', 4, 0, 'agent_error')]);
    assert.equal(m.excluded_failed_trials, 1);
    assert.equal(m.evaluated_trials, 11);
    assert.deepEqual(Object.keys(m.pass_hat_k), ['1', '2', '3']);
  });

  it('success is a reward of 1 within 1e-6', () => {
    assert.equal(isSuccessful(0.9999995), true);
    assert.equal(isSuccessful(0.999), false);
  });
});
