/**
 * Scoring a trial of a faithful tau2 domain with tau2's own rules (`evaluate_simulation`, src/domains/tau2/evaluate/),
 * and turning its RewardInfo into the harness's {@link Evaluation}: one part per entry of `reward_breakdown`
 * (the components the task's `reward_basis` multiplies), each explained by its failed checks.
 */
import type { Context } from '@opentelemetry/api';
import type { RewardType } from '../domains/tau2/criteria.js';
import type { RewardInfo } from '../domains/tau2/evaluate/reward-info.js';
import type { Tau2Play } from '../domains/tau2/play.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { Kind } from '../telemetry/names.js';
import type { Evaluation, EvaluationPart } from './evaluator.js';
import type { Tau2Conversation } from './tau2-conversation.js';

/** What scoring one trial needs. */
export interface Tau2ScoringInput {
  play: Tau2Play;
  taskId: string;
  conversation: Tau2Conversation;
  /** The model that plays tau2's NL-assertion judge (tau2's request names gpt-4.1; ours is the run's). */
  judgeModel: string;
  chat(request: ChatRequest, parent: Context): Promise<ChatResult>;
  parent: Context;
}

const PART_NAME: Record<RewardType, EvaluationPart['name']> = {
  DB: 'db',
  ENV_ASSERTION: 'env_assertion',
  ACTION: 'action',
  COMMUNICATE: 'communicate',
  NL_ASSERTION: 'nl_assertion',
};

/** Why a component scored what it did, from the checks of the RewardInfo. */
function explain(type: RewardType, info: RewardInfo): string {
  const failed = <T>(checks: T[] | null, met: (c: T) => boolean, say: (c: T) => string): string => {
    const bad = (checks ?? []).filter((c) => !met(c));
    const n = checks?.length ?? 0;
    return bad.length === 0 ? `all ${n} met` : `not met: ${bad.map(say).join('; ')}`;
  };
  switch (type) {
    case 'DB':
      return info.db_check?.db_match
        ? 'final database equals the gold one'
        : 'final database differs from the gold one';
    case 'ENV_ASSERTION':
      return failed(
        info.env_assertions,
        (c) => c.met,
        (c) => c.env_assertion.func_name,
      );
    case 'ACTION':
      return failed(
        info.action_checks,
        (c) => c.action_match,
        (c) => c.action.name,
      );
    case 'COMMUNICATE':
      return failed(
        info.communicate_checks,
        (c) => c.met,
        (c) => c.info,
      );
    case 'NL_ASSERTION':
      return failed(
        info.nl_assertions,
        (c) => c.met,
        (c) => c.nl_assertion,
      );
  }
}

/** tau2's RewardInfo as the harness's evaluation, parts in `reward_breakdown` order. */
export function evaluationOf(info: RewardInfo): Evaluation {
  const parts = Object.entries(info.reward_breakdown ?? {}).map(([type, score]) => ({
    name: PART_NAME[type as RewardType],
    score: score as number,
    explanation: explain(type as RewardType, info),
  }));
  return { reward: info.reward, parts };
}

/**
 * Scores the trial as tau2 does. Rejects with `Tau2EvaluationError` where tau2's evaluation raises (tau2's
 * runner then plays the simulation again; here the trial ends as `evaluator_error`, which `--resume` re-runs).
 */
export async function scoreTau2Trial(input: Tau2ScoringInput): Promise<Evaluation> {
  const { conversation } = input;
  const termination = conversation.terminationReason();
  // Only a conversation that ended by itself is scored; a failure has no tau2 termination to score.
  if (termination === undefined) throw new Error('scoring a trial whose conversation has not ended');
  const info = await input.play.score(
    input.taskId,
    conversation.trajectory(),
    termination,
    async (request) => {
      const r = await input.chat(
        {
          kind: Kind.evaluator,
          model: input.judgeModel,
          messages: request.messages,
          stream: false,
          temperature: request.temperature,
        },
        input.parent,
      );
      return r.content;
    },
  );
  return evaluationOf(info);
}
