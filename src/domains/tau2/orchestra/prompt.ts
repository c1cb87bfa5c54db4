/**
 * How the fork rewrites the system prompt on its way to the model (`to_litellm_messages` in
 * tau2/utils/llm_utils.py). The agent's `system_prompt` itself is tau2's (../prompts.ts); only models whose name
 * contains `qwen`, `train` or `huggingface` see it changed: with experts on, every known "transfer to a human"
 * paragraph becomes the expert policy, and a line about the output format is appended. The fork's own
 * Nemotron-Orchestrator-8B checkpoint matches none of the three, so it gets tau2's prompt verbatim.
 */

/** The paragraph that replaces each of {@link POLICY_STRINGS} (the fork calls it `EXPERT_POLICT`). */
export const EXPERT_POLICY =
  'You should transfer the user to an expert if you are not confident about how to reply or which tool to ' +
  'use. To transfer, first make a tool call to call_expert, and then choose an expert based on the task ' +
  'difficulty, i.e. strong expert on tricky task, and weaker expert on simpler task. Think carefully about ' +
  'whether you are confident to meet user expectation, or call an appropriate expert based on both expert ' +
  'cost and performance.';

const TRANSFER_SENTENCE =
  'You should transfer the user to a human agent if and only if the request cannot be handled within the ' +
  'scope of your actions. To transfer, first make a tool call to transfer_to_human_agents, and then send the ' +
  "message 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.' to the user.\n";
const HOLD_ON = 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.';

/**
 * The policy passages the fork replaces, in its order (replacement is sequential, every occurrence). They
 * cover the policies of tau2's domains and of the fork's own (bank, movie, school, ...); the repeated entries
 * are the fork's and change nothing after the first.
 */
export const POLICY_STRINGS: readonly string[] = [
  TRANSFER_SENTENCE,
  'You should escalate to a human agent if and only if the request cannot be handled within the scope of ' +
    'your actions. To escalate, use the tool call transfer_to_human_agents\n\nYou should try your best to ' +
    'resolve the issue before escalating the user to a human agent.\n',
  'You should try your best to resolve the issue for the user before transferring the user to a human agent.',
  "Make sure you try all the possible ways to resolve the user's issue before transferring to a human agent.\n",
  'Make sure you try all the relevant resolution steps before transferring the user to a human agent.\n',
  'Transfer to human agent\n- Transfer to a human agent only if:\n  - the user explicitly asks for a human ' +
    'agent, or\n  - the request cannot be handled within this policy and available tools (for example, ' +
    'authentication cannot be completed because the user cannot provide an email).\n- To transfer: first ' +
    'call transfer_to_human_agents with a concise summary of the user\u2019s issue, then send the message: ' +
    HOLD_ON,
  'Transfer to human agents\n- Transfer only if:\n  - the user explicitly asks for a human agent, or\n  - the ' +
    'request cannot be handled with the available policy and tools.\n- To transfer: first call ' +
    `transfer_to_human_agents with a concise summary; then send the message: ${HOLD_ON}\n`,
  'You should transfer the user to a human agent if and only if the request cannot be handled within the ' +
    'scope of your actions, or if the user explicitly asks for a human agent. To transfer, first make a tool ' +
    `call to transfer_to_human_agents with a brief summary, and then send the message: ${HOLD_ON}\n`,
  '- If the user does not know their booking_id, the agent cannot locate it via tools and should transfer ' +
    'to a human agent.\n',
  '- If the user does not know their booking_id, the agent cannot locate it via tools and should transfer ' +
    'to a human agent.\n',
  '- If the show is completed, do not cancel; transfer to a human agent.\n',
  '## Compensation\n\n- The tools do not support compensation or ex gratia certificates. If the user requests ' +
    'compensation, transfer to a human agent.\n',
  '- If a request cannot be fulfilled with available tools (e.g., locating a booking without booking_id, ' +
    'changing showtime, applying promotions), transfer to a human agent following the transfer procedure.',
  TRANSFER_SENTENCE,
  '## Transfer to Human Agent\n\nTransfer the user to a human agent if:\n- The request cannot be handled ' +
    'within the scope of your actions or tools.\n- The user explicitly asks for a human agent.\n\nTo ' +
    'transfer, first make a tool call to transfer_to_human_agents with a brief summary, and then send: ' +
    `'${HOLD_ON}'`,
  'Transfer the user to a human agent if and only if the request cannot be handled within the scope of ' +
    'your actions. To transfer, first make a tool call to transfer_to_human_agents, and then send the ' +
    `message '${HOLD_ON}' to the user.\n`,
  '## Human agent transfer\n\nTransfer only if:\n- The user explicitly asks for a human agent, or\n- The ' +
    'request cannot be handled within the scope of these tools and policies.\n\nTo transfer:\n- First, call ' +
    `the tool to transfer_to_human_agents with a concise summary.\n- Then send: '${HOLD_ON}'`,
  'You should transfer the user to a human agent if and only if the request cannot be handled within the ' +
    `scope of your actions. If a transfer is needed, inform the user with the message: ${HOLD_ON}\n`,
  'Out-of-scope examples (transfer to a human agent if requested):\n- Changes to student profile data (e.g., ' +
    'editing name, program, or address) beyond what tools support.\n- Advisor assignments or financial aid ' +
    'adjustments beyond what tools support.\n- Any requests requiring procedures or systems not represented ' +
    'by the available tools.',
  TRANSFER_SENTENCE,
  '- If the requested change is not supported by available tools, transfer to a human agent.\n',
  '- If the policy is unclear or the user\u2019s situation is not covered, transfer to a human agent.\n',
  '- If the user requests actions not supported (e.g., changing package on an existing booking, changing ' +
    'the number of travelers), or if package policies are unclear, transfer to a human agent:\n  - First ' +
    `call transfer_to_human_agents with a concise summary.\n  - Then send: '${HOLD_ON}'`,
  TRANSFER_SENTENCE,
  '- If a request is outside the scope of available tools or violates this policy, deny the request or ' +
    'transfer to a human agent if necessary (using the transfer procedure above).',
  '- If a request cannot be handled with the available tools and policies, transfer to a human agent:\n  - ' +
    `First call transfer_to_human_agents with a concise summary.\n  - Then send: ${HOLD_ON}`,
];

// Two spaces first: the fork appends them straight after the prompt's closing </policy>.
const THINK_FORMAT =
  '  You are dedicated to provide the best service. Wrap thinking process between <think> </think>, ' +
  'message between <message> </message> and the tool call between <tool_call> </tool_call> .';
const NO_THINK_FORMAT =
  '  You are dedicated to provide the best service. Wrap message between <message> </message> and the tool ' +
  'call between <tool_call> </tool_call> .';

/** Whether the fork treats `model` as one of its trained Qwen-style checkpoints (and rewrites its prompt). */
export function rewritesSystemPrompt(model: string): boolean {
  const m = model.toLowerCase();
  return m.includes('qwen') || m.includes('train') || m.includes('huggingface');
}

/** The system message's content as the fork sends it to `model`. */
export function systemContent(
  model: string,
  content: string,
  options: { useModelTool: boolean; enableThinking: boolean },
): string {
  if (!rewritesSystemPrompt(model)) return content;
  let text = content;
  // Python's str.replace: literal, every occurrence (split/join keeps `$` in the text literal too).
  if (options.useModelTool) for (const s of POLICY_STRINGS) text = text.split(s).join(EXPERT_POLICY);
  return text + (options.enableThinking ? THINK_FORMAT : NO_THINK_FORMAT);
}
