/**
 * tau2's `ActionEvaluator` (evaluator/evaluator_action.py) and `Action.compare_with_tool_call`: every gold
 * action must be matched by some tool call of the trajectory, the agent's or the user's, in any order.
 */
import type { EvaluationCriteria, Tau2Action } from '../criteria.js';
import type { ToolCall } from '../env/environment.js';
import { type PyDict, pyEquals } from '../env/python.js';
import type { ToolType } from '../env/toolkit.js';
import type { OpenedTau2Domain } from '../port.js';
import type { Tau2Message } from './messages.js';
import { type ActionCheck, type RewardInfo, rewardInfo } from './reward-info.js';

/** `get_tool_types` of the agent's tools, then the user's (a user tool of the same name wins). */
export function toolTypes(domain: OpenedTau2Domain): Map<string, ToolType> {
  const types = new Map<string, ToolType>();
  for (const kit of [domain.agentTools, domain.userTools]) {
    for (const tool of kit?.tools ?? []) if (tool.toolType !== undefined) types.set(tool.name, tool.toolType);
  }
  return types;
}

const pick = (args: PyDict, keys: readonly string[]): PyDict =>
  Object.fromEntries(Object.entries(args).filter(([k]) => keys.includes(k)));

/**
 * `Action.compare_with_tool_call`: same name, and the compared arguments equal with Python's `==` (`1 == 1.0`).
 * Without `compare_args` the call's own keys are compared, so a call that leaves out an argument of the action
 * still matches, and a call without arguments matches any action of that name. The requestor is not compared.
 */
export function compareWithToolCall(action: Tau2Action, call: ToolCall): boolean {
  if (action.name !== call.name) return false;
  const keys = action.compare_args ?? Object.keys(call.arguments);
  if (keys.length === 0) return true;
  return pyEquals(pick(call.arguments, keys), pick(action.arguments, keys));
}

/** The action share of the reward. */
export function evaluateActions(
  criteria: EvaluationCriteria,
  messages: readonly Tau2Message[],
  types: ReadonlyMap<string, ToolType>,
): RewardInfo {
  if (!criteria.actions?.length) {
    return rewardInfo({
      reward: 1.0,
      info: { note: 'No actions to evaluate' },
      reward_breakdown: { ACTION: 1.0 },
    });
  }
  const calls = messages.flatMap((m) =>
    m.role === 'assistant' || m.role === 'user' ? (m.tool_calls ?? []) : [],
  );
  const checks = criteria.actions.map((action): ActionCheck => {
    const match = calls.some((call) => compareWithToolCall(action, call));
    return {
      action,
      action_match: match,
      action_reward: match ? 1.0 : 0.0,
      tool_type: types.get(action.name) ?? null,
    };
  });
  const reward = checks.every((c) => c.action_match) ? 1.0 : 0.0;
  return rewardInfo({ reward, action_checks: checks, reward_breakdown: { ACTION: reward } });
}
