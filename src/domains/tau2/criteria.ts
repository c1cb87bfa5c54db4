/**
 * A task's `evaluation_criteria` (tau2's `EvaluationCriteria`, data_model/tasks.py): what scoring compares a
 * simulation with. Fields keep tau2's names and the order of its `model_dump()`, since they reappear verbatim in
 * the `RewardInfo` (an `ActionCheck` carries its `Action`, an `EnvAssertionCheck` its `EnvAssertion`).
 */
import type { PyValue } from '../../util/pyjson.js';
import type { EnvAssertion, EnvFunctionCall, Requestor } from './env/environment.js';
import type { PyDict } from './env/python.js';
import type { Reader } from './tasks.js';

/** tau2's `RewardType`: the components a task's reward can be the product of. */
export type RewardType = 'DB' | 'ENV_ASSERTION' | 'NL_ASSERTION' | 'ACTION' | 'COMMUNICATE';

const REWARD_TYPES: readonly RewardType[] = ['DB', 'ENV_ASSERTION', 'NL_ASSERTION', 'ACTION', 'COMMUNICATE'];

/** tau2's `Action`: an expected tool call, replayed for the gold DB and matched by the action check. */
export interface Tau2Action {
  action_id: string;
  requestor: Requestor;
  name: string;
  arguments: PyDict;
  info: string | null;
  /** The arguments the action check compares; null: every argument of the predicted call. */
  compare_args: string[] | null;
}

/** tau2's `EvaluationCriteria`; null lists are kept apart from empty ones, as tau2's rules tell them apart. */
export interface EvaluationCriteria {
  actions: Tau2Action[] | null;
  env_assertions: EnvAssertion[] | null;
  communicate_info: string[] | null;
  nl_assertions: string[] | null;
  /** Default `[DB, COMMUNICATE]` when the task does not say. */
  reward_basis: RewardType[];
}

const optStr = (r: Reader, v: PyValue | undefined, what: string): string | null =>
  v === undefined || v === null ? null : r.str(v, what);

const strList = (r: Reader, v: PyValue | undefined, what: string): string[] | null =>
  r.optList(v, what)?.map((x, i) => r.str(x, `${what}[${i}]`)) ?? null;

function parseAction(r: Reader, v: PyValue, what: string): Tau2Action {
  const a = r.dict(v, what);
  return {
    action_id: r.str(a['action_id'], `${what}.action_id`),
    requestor: r.requestor(a['requestor'], `${what}.requestor`),
    name: r.str(a['name'], `${what}.name`),
    arguments: r.dict(a['arguments'], `${what}.arguments`),
    info: optStr(r, a['info'], `${what}.info`),
    compare_args: strList(r, a['compare_args'], `${what}.compare_args`),
  };
}

/** tau2's `EnvFunctionCall` (`initialization_actions`, and the call of an `EnvAssertion`). */
export function parseFunctionCall(r: Reader, v: PyValue, what: string): EnvFunctionCall {
  const c = r.dict(v, what);
  const envType = c['env_type'];
  if (envType !== 'assistant' && envType !== 'user') r.fail(`${what}.env_type must be "assistant" or "user"`);
  return {
    env_type: envType,
    func_name: r.str(c['func_name'], `${what}.func_name`),
    arguments: r.dict(c['arguments'] ?? {}, `${what}.arguments`),
  };
}

/** tau2's `EnvAssertion`: the call, the value it must return (default true) and the failure message. */
function parseEnvAssertion(r: Reader, v: PyValue, what: string): EnvAssertion {
  const call = parseFunctionCall(r, v, what);
  const a = r.dict(v, what);
  const value = a['assert_value'] ?? true;
  if (typeof value !== 'boolean') r.fail(`${what}.assert_value must be a boolean`);
  const message = a['message'] ?? null;
  if (message !== null && typeof message !== 'string') r.fail(`${what}.message must be a string`);
  return { ...call, assert_value: value, message };
}

/** Parses a task's `evaluation_criteria` (null when the task has none). */
export function parseEvaluationCriteria(r: Reader, v: PyValue | undefined): EvaluationCriteria | null {
  const c = r.optDict(v, 'evaluation_criteria');
  if (c === null) return null;
  const basis = r.optList(c['reward_basis'], 'evaluation_criteria.reward_basis');
  return {
    actions:
      r
        .optList(c['actions'], 'evaluation_criteria.actions')
        ?.map((a, i) => parseAction(r, a, `evaluation_criteria.actions[${i}]`)) ?? null,
    env_assertions:
      r
        .optList(c['env_assertions'], 'evaluation_criteria.env_assertions')
        ?.map((a, i) => parseEnvAssertion(r, a, `evaluation_criteria.env_assertions[${i}]`)) ?? null,
    communicate_info: strList(r, c['communicate_info'], 'evaluation_criteria.communicate_info'),
    nl_assertions: strList(r, c['nl_assertions'], 'evaluation_criteria.nl_assertions'),
    reward_basis:
      basis === null
        ? ['DB', 'COMMUNICATE']
        : basis.map((b, i) =>
            REWARD_TYPES.includes(b as RewardType)
              ? (b as RewardType)
              : r.fail(`evaluation_criteria.reward_basis[${i}] must be one of ${REWARD_TYPES.join(', ')}`),
          ),
  };
}
