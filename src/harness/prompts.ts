/**
 * The prompts of the agent, the user simulator, the experts and the judge. The markers in them (scenario,
 * assertions, STOP/TRANSFER) are the protocol of ../domains/protocol.ts.
 */
import {
  ASSERTIONS_CLOSE,
  ASSERTIONS_OPEN,
  CALL_EXPERT,
  SCENARIO_CLOSE,
  SCENARIO_OPEN,
  STOP,
  TRANSFER,
} from '../domains/protocol.js';
import type { Domain, Task } from '../domains/types.js';

export function agentSystemPrompt(domain: Domain, useModelTool: boolean): string {
  const experts = useModelTool
    ? `\nWhen a step is hard, you may consult an expert model with the ${CALL_EXPERT} tool.`
    : '';
  return (
    `You are a customer service agent for the "${domain.name}" domain. Help the user with their request, ` +
    `following the policy below exactly. Use the tools to look up and change data; make one tool call at a ` +
    `time; ask the user for confirmation before an action that changes data.${experts}\n\n<policy>\n${domain.policy}\n</policy>`
  );
}

export function userSystemPrompt(task: Task): string {
  return (
    'You are playing a customer talking to a customer service agent. Follow the scenario below. Start by ' +
    "stating your request; answer the agent's questions truthfully from the scenario; do not invent facts. " +
    `When your request is fully handled, end with ${STOP}. If you are transferred to a human agent, reply ` +
    `${TRANSFER} only.\n\n${SCENARIO_OPEN}\n${task.userInstructions}\n${SCENARIO_CLOSE}`
  );
}

export function expertSystemPrompt(domain: Domain): string {
  return (
    `You are an expert advising a customer service agent of the "${domain.name}" domain. Answer the ` +
    `question briefly and concretely, consistent with this policy:\n${domain.policy}`
  );
}

/** The judge gets the transcript and the assertions, and answers JSON `{"results": [...]}`. */
export function judgePrompt(transcript: string, assertions: string[]): string {
  const numbered = assertions.map((a, i) => `${i + 1}. ${a}`).join('\n');
  return (
    'You judge a customer service conversation. For each assertion, decide whether the conversation meets ' +
    'it. Answer with JSON only: {"results": [{"expectedOutcome": <assertion>, "reasoning": <one sentence>, ' +
    '"metExpectation": true|false}, ...]} in the order given.\n\n' +
    `<transcript>\n${transcript}\n</transcript>\n\n${ASSERTIONS_OPEN}\n${numbered}\n${ASSERTIONS_CLOSE}`
  );
}
