/**
 * tau2's `NLAssertionsEvaluator` (evaluator/evaluator_nl_assertions.py): one request to an LLM judge with the
 * whole trajectory and the task's assertions, and tau2's reading of the answer. The answer is trusted as it
 * comes: `json.loads` of the text, then one check per entry of its `results`, whether or not they match the
 * assertions (no `results` at all means no checks, hence a reward of 1.0). Anything unreadable raises, which
 * ends the evaluation.
 */
import type { PyValue } from '../../../util/pyjson.js';
import type { EvaluationCriteria } from '../criteria.js';
import { defineModel, t, validateModel } from '../env/model.js';
import { type PyDict, PyError, pyRepr, pyTypeName, typeError } from '../env/python.js';
import { jsonLoads } from './json-loads.js';
import type { Tau2Message } from './messages.js';
import { type NlAssertionCheck, type RewardInfo, rewardInfo } from './reward-info.js';

/** A chat message as tau2's `generate` hands it to litellm. */
export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** What tau2 sends to its judge: `DEFAULT_LLM_NL_ASSERTIONS` at temperature 0.0, no tools. */
export interface JudgeRequest {
  model: string;
  messages: JudgeMessage[];
  temperature: number;
}

/**
 * Asks the judge model; resolves to the text of its answer (`message.content`, null when it has none). Errors
 * of the call itself are the caller's (tau2's `generate` retries, then raises).
 */
export type Judge = (request: JudgeRequest) => Promise<string | null>;

/** tau2's `DEFAULT_LLM_NL_ASSERTIONS` (config.py). */
export const TAU2_JUDGE_MODEL = 'gpt-4.1-2025-04-14';

// tau2's prompts are Python triple-quoted strings indented in its source: they start with a newline, every line
// carries the source's 8 spaces (blank lines too, except the one after TASK's list) and the last line is just
// the indent.
const SYSTEM_PROMPT = [
  '',
  '        TASK',
  '        - You will be given a list of expected outcomes and a conversation that was collected during a test case run.',
  '        - The conversation is between an agent and a customer.',
  '        - Your job is to evaluate whether the agent satisfies each of the expected outcomes.',
  '        - Grade each expected outcome individually.',
  '',
  '        FORMAT',
  '        - Your response should be a JSON object with the following fields:',
  '        - `reasoning`: a short explanation for your classification',
  '        - `metExpectation`: `true` if the agent satisfies the expected outcomes, `false` otherwise',
  '        - `expectedOutcome`: repeat the expectation from the input that you are grading',
  '        ',
  '        Example response structure:',
  '        {',
  '            "results": [',
  '                {',
  '                    "expectedOutcome": "<one of the expected outcomes from the input>",',
  '                    "reasoning": "<reasoning trace>",',
  '                    "metExpectation": <false or true>,',
  '                }',
  '            ]',
  '        }',
  '        ',
].join('\n');

/** The two messages tau2 builds for the judge from the trajectory and the assertions. */
export function judgeMessages(
  messages: readonly Tau2Message[],
  assertions: readonly string[],
): JudgeMessage[] {
  // f"{message.role}: {message.content}": None prints as None, every message counts (tool results too).
  const conversation = messages.map((m) => `${m.role}: ${m.content == null ? 'None' : m.content}`).join('\n');
  const user = [
    '',
    '        conversation:',
    `        ${conversation}`,
    '        ',
    '        expectedOutcomes:',
    `        ${pyRepr([...assertions])}`,
    '        ',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

const NLAssertionCheck = defineModel('NLAssertionCheck', {
  nl_assertion: t.str,
  met: t.bool,
  justification: t.str,
});

// Python's `obj[key]` for a str key on whatever json.loads gave.
function subscript(obj: PyValue, key: string): PyValue {
  if (Array.isArray(obj)) throw typeError('list indices must be integers or slices, not str');
  if (typeof obj === 'string') throw typeError("string indices must be integers, not 'str'");
  if (obj === null || typeof obj !== 'object')
    throw typeError(`'${pyTypeName(obj)}' object is not subscriptable`);
  if (!Object.hasOwn(obj, key)) throw new PyError('KeyError', pyRepr(key));
  return obj[key]!;
}

// Python's `for x in obj` over a json.loads value: a dict yields its keys, a str its characters.
function iterate(obj: PyValue): PyValue[] {
  if (Array.isArray(obj)) return obj;
  if (typeof obj === 'string') return Array.from(obj);
  if (obj !== null && typeof obj === 'object') return Object.keys(obj);
  throw typeError(`'${pyTypeName(obj)}' object is not iterable`);
}

/** tau2's reading of the judge's answer: one check per entry of `results`; throws what Python raises. */
export function parseJudgeAnswer(answer: string | null): NlAssertionCheck[] {
  const data = jsonLoads(answer);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PyError('AttributeError', `'${pyTypeName(data)}' object has no attribute 'get'`);
  }
  const results = Object.hasOwn(data, 'results') ? (data as PyDict)['results']! : [];
  return iterate(results).map((result) => {
    // Keyword arguments are evaluated in order, so the first missing key is the one reported.
    const fields = {
      nl_assertion: subscript(result, 'expectedOutcome'),
      met: subscript(result, 'metExpectation'),
      justification: subscript(result, 'reasoning'),
    };
    return validateModel(NLAssertionCheck, fields) as unknown as NlAssertionCheck;
  });
}

/** The NL-assertion share of the reward; asks `judge` only when the task has assertions. */
export async function evaluateNlAssertions(
  criteria: EvaluationCriteria,
  messages: readonly Tau2Message[],
  judge: Judge,
): Promise<RewardInfo> {
  const assertions = criteria.nl_assertions;
  if (!assertions?.length) {
    return rewardInfo({
      reward: 1.0,
      nl_assertions: [],
      info: { note: 'No nl_assertions to evaluate' },
      reward_breakdown: { NL_ASSERTION: 1.0 },
    });
  }
  const answer = await judge({
    model: TAU2_JUDGE_MODEL,
    messages: judgeMessages(messages, assertions),
    temperature: 0.0,
  });
  const checks = parseJudgeAnswer(answer);
  const reward = checks.every((c) => c.met) ? 1.0 : 0.0;
  return rewardInfo({ reward, nl_assertions: checks, reward_breakdown: { NL_ASSERTION: reward } });
}
