/**
 * tau2's `evaluate_simulation` (evaluator/evaluator.py) with `EvaluationType.ALL`, what `tau2 run` scores with:
 * only `agent_stop` and `user_stop` are scored; the environment, action and communicate evaluators always run,
 * the NL-assertion judge only when the task's `reward_basis` has `NL_ASSERTION`; the reward is the product of the
 * components in `reward_basis` (default `[DB, COMMUNICATE]`), the others are reported but do not count.
 */
import type { RewardType } from '../criteria.js';
import { PyError } from '../env/python.js';
import type { OpenedTau2Domain } from '../port.js';
import type { Tau2Task } from '../tasks.js';
import { evaluateActions, toolTypes } from './action.js';
import { evaluateCommunicate } from './communicate.js';
import { evaluateEnvironment } from './environment.js';
import type { Tau2Message } from './messages.js';
import { evaluateNlAssertions, type Judge } from './nl-assertions.js';
import { type RewardInfo, rewardInfo, type TerminationReason } from './reward-info.js';

/** What {@link evaluateSimulation} scores. */
export interface EvaluateSimulationInput {
  /** The faithful domain the simulation ran in; scoring builds its own fresh environments from it. */
  domain: OpenedTau2Domain;
  task: Tau2Task;
  /** The whole trajectory, the task's message history included (see `messages.ts`). */
  messages: readonly Tau2Message[];
  termination: TerminationReason;
  /** Called at most once, and only for tasks whose reward basis has `NL_ASSERTION` and which have assertions. */
  judge: Judge;
}

/**
 * Where tau2's `evaluate_simulation` raises instead of scoring (a judge answer that is not the expected JSON,
 * an environment assertion whose method raises, a replay whose tool output differs from the recorded one).
 * `pyType` and `message` are the Python exception's class name and `str()`. tau2's runner then re-runs the
 * whole simulation (up to `max_retries`, default 3) and, when every attempt fails, records it with termination
 * `infrastructure_error` (reward 0).
 */
export class Tau2EvaluationError extends Error {
  override readonly name = 'Tau2EvaluationError';
  constructor(
    readonly pyType: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const ENV_BASES: readonly RewardType[] = ['DB', 'ENV_ASSERTION'];

/** Scores a simulation as tau2 does; throws {@link Tau2EvaluationError} where tau2 raises. */
export async function evaluateSimulation(input: EvaluateSimulationInput): Promise<RewardInfo> {
  try {
    return await evaluate(input);
  } catch (err) {
    if (err instanceof PyError) throw new Tau2EvaluationError(err.pyType, err.message, { cause: err });
    throw err;
  }
}

async function evaluate({
  domain,
  task,
  messages,
  termination,
  judge,
}: EvaluateSimulationInput): Promise<RewardInfo> {
  if (termination !== 'agent_stop' && termination !== 'user_stop') {
    return rewardInfo({
      reward: 0.0,
      reward_basis: null,
      info: { note: `Simulation terminated prematurely. Termination reason: ${termination}` },
    });
  }
  const criteria = task.evaluationCriteria;
  if (criteria === null) {
    return rewardInfo({ reward: 1.0, reward_basis: null, info: { note: 'No evaluation criteria' } });
  }
  const basis = criteria.reward_basis;
  const env = evaluateEnvironment(domain, task, criteria, messages);
  const action = evaluateActions(criteria, messages, toolTypes(domain));
  const communicate = evaluateCommunicate(criteria, messages);
  // The judge runs only when it counts; every basis of ALL is then evaluated, so tau2's "not evaluated" check
  // cannot fail here.
  const nl = basis.includes('NL_ASSERTION') ? await evaluateNlAssertions(criteria, messages, judge) : null;

  let reward = 1.0;
  const breakdown: Partial<Record<RewardType, number>> = {};
  const count = (part: RewardInfo | null, bases: readonly RewardType[]): void => {
    if (part === null || !bases.some((b) => basis.includes(b))) return;
    Object.assign(breakdown, part.reward_breakdown ?? {});
    reward *= part.reward;
  };
  count(env, ENV_BASES);
  count(action, ['ACTION']);
  count(nl, ['NL_ASSERTION']);
  count(communicate, ['COMMUNICATE']);

  return rewardInfo({
    reward,
    db_check: env.db_check,
    env_assertions: env.env_assertions,
    action_checks: action.action_checks,
    nl_assertions: nl === null ? null : nl.nl_assertions,
    communicate_checks: communicate.communicate_checks,
    reward_basis: basis,
    reward_breakdown: breakdown,
    info: {
      env: env.info,
      nl: nl === null ? null : nl.info,
      communicate: communicate.info,
      action: action.info,
    },
  });
}
