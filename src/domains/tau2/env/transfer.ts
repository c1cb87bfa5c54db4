/**
 * The `transfer_to_human_agents` tool that all four of tau2's toolkits define identically (same docstring,
 * same `GENERIC` type, same answer): the agent hands the user over, the environment only acknowledges it.
 */
import { t } from './model.js';
import type { MethodSpec } from './toolkit.js';

export const transferToHumanAgents: MethodSpec = {
  name: 'transfer_to_human_agents',
  description:
    "Transfer the user to a human agent, with a summary of the user's issue.\n\nOnly transfer if\n -  the user explicitly asks for a human agent\n -  given the policy and the available tools, you cannot solve the user's issue.",
  toolType: 'generic',
  params: [{ name: 'summary', type: t.str, description: "A summary of the user's issue." }],
  run: () => 'Transfer successful',
};
