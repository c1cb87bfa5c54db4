/**
 * tau2's `CommunicateEvaluator` (evaluator/evaluator_communicate.py): each `communicate_info` string must occur,
 * case-insensitively, in some assistant message's text once its commas are removed (so a string that itself
 * holds a comma can never be found).
 */
import type { EvaluationCriteria } from '../criteria.js';
import type { Tau2Message } from './messages.js';
import { type CommunicateCheck, type RewardInfo, rewardInfo } from './reward-info.js';

// Python's str.isspace() set, which str.strip() removes (JS's \s differs: it has U+FEFF, lacks U+001C-U+001F
// and U+0085).
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** `has_text_content()`: content that is not None and not blank by Python's `strip()`. */
export function hasTextContent(content: string | null | undefined): content is string {
  return content != null && !PY_SPACE.test(content);
}

/** The communicate share of the reward. */
export function evaluateCommunicate(
  criteria: EvaluationCriteria,
  messages: readonly Tau2Message[],
): RewardInfo {
  const infos = criteria.communicate_info;
  if (!infos?.length) {
    return rewardInfo({
      reward: 1.0,
      info: { note: 'No communicate_info to evaluate' },
      reward_breakdown: { COMMUNICATE: 1.0 },
    });
  }
  const texts = messages.flatMap((m) =>
    m.role === 'assistant' && hasTextContent(m.content) ? [m.content] : [],
  );
  const checks = infos.map((info): CommunicateCheck => {
    const said = texts.find((text) => text.toLowerCase().replaceAll(',', '').includes(info.toLowerCase()));
    return said === undefined
      ? { info, met: false, justification: `Information '${info}' not communicated.` }
      : { info, met: true, justification: `Information '${info}' communicated in the message:\n '${said}'` };
  });
  const reward = checks.every((c) => c.met) ? 1.0 : 0.0;
  return rewardInfo({ reward, communicate_checks: checks, reward_breakdown: { COMMUNICATE: reward } });
}
