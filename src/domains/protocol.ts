import type { ToolSchema } from './types.js';

/**
 * The conversation protocol shared by the orchestrator and the models playing in it (tau2-bench's
 * conventions): the markers that end a conversation, how the user simulator is told its scenario, how the
 * judge is asked, and the `call_expert` tool. The simulated server reads the same markers, so it only
 * understands what a real model would be told.
 */

/** The user simulator ends the conversation with this. */
export const STOP = '###STOP###';
/** The user simulator signals it was transferred to a human. */
export const TRANSFER = '###TRANSFER###';
/** The user simulator signals its scenario does not say how to go on (tau2's third stop token). */
export const OUT_OF_SCOPE = '###OUT-OF-SCOPE###';
/** What an agent says when it transfers the user (tau2's wording). */
export const TRANSFER_NOTICE = 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.';
/** The agent's fixed opening line, before the user's first message. */
export const AGENT_GREETING = 'Hi! How can I help you today?';

/**
 * How the simulated agent asks the user to run one of the user's tools (telecom's phone): the call, exactly,
 * between these markers, `<user_action name="toggle_airplane_mode">{"...": ...}</user_action>`. Only the
 * simulated user reads them; a real user simulator reads the prose around them.
 */
export const USER_ACTION_OPEN = '<user_action name="';
export const USER_ACTION_CLOSE = '</user_action>';

export const SCENARIO_OPEN = '<scenario>';
export const SCENARIO_CLOSE = '</scenario>';
export const ASSERTIONS_OPEN = '<assertions>';
export const ASSERTIONS_CLOSE = '</assertions>';

/** Name of the tool through which the agent consults an expert model. */
export const CALL_EXPERT = 'call_expert';
/** The experts an agent can name; `oss_expert_mapping` maps them to models. */
export const EXPERT_NAMES = ['expert-1', 'expert-2', 'expert-3'] as const;

/** The `call_expert` tool as the agent sees it. */
export const callExpertTool: ToolSchema = {
  name: CALL_EXPERT,
  description:
    'Ask a stronger expert model for advice on the current step. expert-1 is the strongest and slowest, ' +
    'expert-3 the fastest. Returns the expert answer as text.',
  parameters: {
    type: 'object',
    properties: {
      expert: { type: 'string', enum: [...EXPERT_NAMES], description: 'Which expert to ask' },
      question: { type: 'string', description: 'The question, with the context the expert needs' },
    },
    required: ['expert', 'question'],
    additionalProperties: false,
  },
};

/** Text between `open` and `close` in `text`, or undefined. */
export function between(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(close, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end).trim();
}

/** The judge's verdict on one natural-language assertion (tau2's field names). */
export interface AssertionVerdict {
  expectedOutcome: string;
  reasoning: string;
  metExpectation: boolean;
}
