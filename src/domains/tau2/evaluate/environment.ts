/**
 * tau2's `EnvironmentEvaluator` (evaluator/evaluator_env.py): the DB check and the environment assertions.
 * The predicted environment replays the trajectory from the task's initial state; the gold one starts from the
 * same state and its message history, then runs the expected actions with `make_tool_call` (no sync, errors
 * ignored). Both DB hashes (the agent's and the user's) must agree.
 */
import type { EvaluationCriteria, RewardType } from '../criteria.js';
import type { Tau2Environment } from '../env/environment.js';
import { modelDump } from '../env/model.js';
import { type PyDict, PyError } from '../env/python.js';
import type { OpenedTau2Domain } from '../port.js';
import type { Tau2Task } from '../tasks.js';
import { type Tau2Message, toHistory } from './messages.js';
import { type EnvAssertionCheck, type RewardInfo, rewardInfo } from './reward-info.js';

/** The environment's share of the reward; throws tau2's exceptions ({@link PyError}) where tau2 raises. */
export function evaluateEnvironment(
  domain: OpenedTau2Domain,
  task: Tau2Task,
  criteria: EvaluationCriteria,
  messages: readonly Tau2Message[],
): RewardInfo {
  // Only both lists absent skips the check; an empty list still compares the hashes.
  if (criteria.actions === null && criteria.env_assertions === null) {
    return rewardInfo({
      reward: 1.0,
      db_check: { db_match: true, db_reward: 1.0 },
      info: { note: 'No expected actions or env assertions' },
    });
  }
  // The trajectory holds the task's message history too: it replaces it, it is not added to it.
  const predicted = domain.createEnvironment();
  predicted.setState({ ...task.initialState, messageHistory: toHistory(messages) });

  const gold = goldEnvironment(domain, task, criteria);

  const dbMatch = gold.dbHash() === predicted.dbHash() && gold.userDbHash() === predicted.userDbHash();
  const dbReward = dbMatch ? 1.0 : 0.0;

  const checks: EnvAssertionCheck[] = [];
  let assertionReward = 1.0;
  for (const assertion of criteria.env_assertions ?? []) {
    // The method's exceptions propagate (they end the evaluation, quirk 23), a non-bool raises.
    const met = predicted.runEnvAssertion(assertion, false);
    checks.push({ env_assertion: assertion, met, reward: met ? 1.0 : 0.0 });
    assertionReward *= met ? 1.0 : 0.0;
  }

  let reward = 1.0;
  const breakdown: Partial<Record<RewardType, number>> = {};
  if (criteria.reward_basis.includes('DB')) {
    breakdown.DB = dbReward;
    reward *= dbReward;
  }
  if (criteria.reward_basis.includes('ENV_ASSERTION')) {
    breakdown.ENV_ASSERTION = assertionReward;
    reward *= assertionReward;
  }
  return rewardInfo({
    reward,
    db_check: { db_match: dbMatch, db_reward: dbReward },
    env_assertions: checks,
    reward_basis: criteria.reward_basis,
    reward_breakdown: breakdown,
  });
}

/** The environment the expected actions lead to: the task's initial state, then each action (no sync). */
function goldEnvironment(
  domain: OpenedTau2Domain,
  task: Tau2Task,
  criteria: EvaluationCriteria,
): Tau2Environment {
  const gold = domain.createEnvironment();
  gold.setState(task.initialState);
  for (const action of criteria.actions ?? []) {
    try {
      // A copy keeps the task (read once, shared by every trial) as it is; tau2 passes the action's own dict,
      // which makes no difference as no tool changes its arguments in place.
      gold.makeToolCall(action.name, action.requestor, modelDump(action.arguments) as PyDict);
    } catch (err) {
      // tau2 logs a failing gold action and goes on; only a Python exception of the port is one.
      if (!(err instanceof PyError)) throw err;
    }
  }
  return gold;
}
