/**
 * Scores a finished conversation as tau2 does: the DB check (the final database equals the one the expected
 * actions produce), the action check (every expected action was called with matching arguments), and the
 * natural-language assertions, judged by an LLM. The reward is the product of the parts the task's
 * `rewardBasis` names.
 */
import type { Context, Span } from '@opentelemetry/api';
import { canonicalJson } from '../domains/kit.js';
import type { AssertionVerdict } from '../domains/protocol.js';
import type { DomainEnvironment, ExpectedAction, Task } from '../domains/types.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { Attr, EventName, Kind } from '../telemetry/names.js';
import { judgePrompt } from './prompts.js';

/** One part of the reward. */
export interface EvaluationPart {
  name: 'db' | 'env_assertion' | 'action' | 'communicate' | 'nl_assertion';
  score: number;
  explanation: string;
}

/** What the evaluator concluded. */
export interface Evaluation {
  reward: number;
  parts: EvaluationPart[];
}

/**
 * A judge answer that cannot be read as one verdict per assertion. Scoring it 0 would record a verdict nobody
 * gave, so the trial ends as `evaluator_error` instead.
 */
export class JudgeFormatError extends Error {
  override readonly name = 'JudgeFormatError';
}

/** A tool call the agent made. */
export interface MadeCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Everything the evaluator needs from the conversation. */
export interface EvaluationInput {
  task: Task;
  env: DomainEnvironment;
  /** A fresh environment for replaying the expected actions. */
  freshEnv: DomainEnvironment;
  calls: MadeCall[];
  transcript: string;
  judgeModel: string;
  chat(request: ChatRequest, parent: Context): Promise<ChatResult>;
  parent: Context;
}

function matches(expected: ExpectedAction, call: MadeCall): boolean {
  if (expected.name !== call.name) return false;
  const keys = expected.compareArgs ?? Object.keys(expected.arguments);
  return keys.every((k) => canonicalJson(expected.arguments[k]) === canonicalJson(call.arguments[k]));
}

function dbCheck(input: EvaluationInput): EvaluationPart {
  for (const action of input.task.expectedActions) {
    input.freshEnv.execute(action.name, action.arguments, action.requestor);
  }
  const ok = input.freshEnv.dbHash() === input.env.dbHash();
  return {
    name: 'db',
    score: ok ? 1 : 0,
    explanation: ok
      ? 'final database matches the expected one'
      : 'final database differs from the expected one',
  };
}

function actionCheck(input: EvaluationInput): EvaluationPart {
  const missing = input.task.expectedActions.filter((a) => !input.calls.some((c) => matches(a, c)));
  return {
    name: 'action',
    score: missing.length === 0 ? 1 : 0,
    explanation:
      missing.length === 0
        ? `all ${input.task.expectedActions.length} expected actions were taken`
        : `missing: ${missing.map((a) => a.name).join(', ')}`,
  };
}

function parseVerdicts(text: string): AssertionVerdict[] | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as { results?: AssertionVerdict[] };
    return Array.isArray(parsed.results) ? parsed.results : undefined;
  } catch {
    return undefined;
  }
}

async function nlCheck(input: EvaluationInput): Promise<EvaluationPart> {
  const assertions = input.task.nlAssertions;
  const result = await input.chat(
    {
      kind: Kind.evaluator,
      model: input.judgeModel,
      messages: [{ role: 'user', content: judgePrompt(input.transcript, assertions) }],
      stream: false,
      temperature: 0,
    },
    input.parent,
  );
  const verdicts = parseVerdicts(result.content);
  if (!verdicts || verdicts.length !== assertions.length) {
    const answer = result.content.length > 200 ? `${result.content.slice(0, 200)}…` : result.content;
    throw new JudgeFormatError(
      `the judge ${input.judgeModel} did not answer one verdict per assertion (${assertions.length} asked` +
        `${verdicts ? `, ${verdicts.length} given` : ', no {"results": [...]} object'}): ${JSON.stringify(answer)}`,
    );
  }
  const failed = verdicts.filter((v) => v.metExpectation !== true);
  return {
    name: 'nl_assertion',
    score: failed.length === 0 ? 1 : 0,
    explanation:
      failed.length === 0
        ? `all ${assertions.length} assertions met`
        : `not met: ${failed.map((v) => v.expectedOutcome).join('; ')}`,
  };
}

/** Runs the checks the task asks for and returns the reward. */
export async function evaluate(input: EvaluationInput): Promise<Evaluation> {
  const parts: EvaluationPart[] = [];
  const basis = new Set(input.task.rewardBasis);
  if (basis.has('DB')) parts.push(dbCheck(input));
  if (basis.has('ACTION') && input.task.expectedActions.length > 0) parts.push(actionCheck(input));
  if (basis.has('NL_ASSERTION') && input.task.nlAssertions.length > 0) parts.push(await nlCheck(input));
  return { reward: parts.reduce((r, p) => r * p.score, 1), parts };
}

/** Records an evaluation as `gen_ai.evaluation.result` events on the task span. */
export function recordEvaluation(span: Span, evaluation: Evaluation): void {
  for (const part of [...evaluation.parts, { name: 'reward', score: evaluation.reward, explanation: '' }]) {
    span.addEvent(EventName.evaluationResult, {
      [Attr.evalName]: part.name,
      [Attr.evalScoreValue]: part.score,
      [Attr.evalScoreLabel]: part.score === 1 ? 'pass' : 'fail',
      ...(part.explanation ? { [Attr.evalExplanation]: part.explanation } : {}),
    });
  }
}
