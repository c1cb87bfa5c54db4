/**
 * tau2's `RewardInfo` and its checks (data_model/simulation.py), field for field and in its field order, so
 * `dumpsPy(rewardInfo)` is tau2's `reward_info.model_dump(mode="json")` written by `json.dumps`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import type { RewardType, Tau2Action } from '../criteria.js';
import type { EnvAssertion } from '../env/environment.js';
import type { ToolType } from '../env/toolkit.js';

/** tau2's `TerminationReason` values: why a simulation ended. Only the two stops are scored. */
export const TERMINATION_REASONS = [
  'user_stop',
  'agent_stop',
  'max_steps',
  'timeout',
  'too_many_errors',
  'agent_error',
  'user_error',
  'infrastructure_error',
  'context_window_exceeded',
  'unexpected_error',
] as const;

/** One of {@link TERMINATION_REASONS}. */
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** `DBCheck`. */
export interface DbCheck {
  db_match: boolean;
  db_reward: number;
}

/** `EnvAssertionCheck`. */
export interface EnvAssertionCheck {
  env_assertion: EnvAssertion;
  met: boolean;
  reward: number;
}

/** `ActionCheck`: a gold action, whether some predicted tool call matched it, and its tool's type. */
export interface ActionCheck {
  action: Tau2Action;
  action_match: boolean;
  action_reward: number;
  tool_type: ToolType | null;
}

/** `NLAssertionCheck`: one entry of the judge's answer (not necessarily one per assertion). */
export interface NlAssertionCheck {
  nl_assertion: string;
  met: boolean;
  justification: string;
}

/** `CommunicateCheck`. */
export interface CommunicateCheck {
  info: string;
  met: boolean;
  justification: string;
}

/** tau2's `RewardInfo`; every number is a Python float. */
export interface RewardInfo {
  reward: number;
  db_check: DbCheck | null;
  env_assertions: EnvAssertionCheck[] | null;
  action_checks: ActionCheck[] | null;
  nl_assertions: NlAssertionCheck[] | null;
  communicate_checks: CommunicateCheck[] | null;
  reward_basis: RewardType[] | null;
  reward_breakdown: Partial<Record<RewardType, number>> | null;
  info: { [key: string]: PyValue } | null;
}

/** `RewardInfo(**fields)`: unset fields take tau2's defaults (`reward_basis` defaults to `[DB]`). */
export function rewardInfo(fields: Partial<RewardInfo> & { reward: number }): RewardInfo {
  return {
    reward: fields.reward,
    db_check: fields.db_check ?? null,
    env_assertions: fields.env_assertions ?? null,
    action_checks: fields.action_checks ?? null,
    nl_assertions: fields.nl_assertions ?? null,
    communicate_checks: fields.communicate_checks ?? null,
    reward_basis: fields.reward_basis === undefined ? ['DB'] : fields.reward_basis,
    reward_breakdown: fields.reward_breakdown ?? null,
    info: fields.info ?? null,
  };
}
