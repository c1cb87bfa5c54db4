/**
 * What the harness needs to play a faithfully ported tau2 domain as tau2's text simulation does
 * (runner/build.py `build_text_orchestrator`): the agent's system prompt and tools, each task's user simulator
 * prompt and tools, and a fresh environment per trial set up as `Orchestrator.initialize` sets it up.
 */
import type { Tau2Environment } from './env/environment.js';
import type { OpenAiToolSchema } from './env/schema.js';
import type { Judge } from './evaluate/nl-assertions.js';
import type { RewardInfo, TerminationReason } from './evaluate/reward-info.js';
import type { ConversationMessage } from './messages.js';

/** The user simulator of one task: tau2's `UserSimulator(instructions=str(task.user_scenario), tools=...)`. */
export interface Tau2UserSetup {
  systemPrompt: string;
  /** `openai_schema` of the user's tools (`get_user_tools(include=task.user_tools) or None`). */
  tools: OpenAiToolSchema[] | null;
}

/** One trial's starting point: the environment after set-up and the conversation so far. */
export interface Tau2TrialStart {
  env: Tau2Environment;
  /** `initial_state.message_history` ([] for most tasks: the agent's greeting then starts the conversation). */
  history: ConversationMessage[];
}

/** A faithful domain as the orchestrator plays it. */
export interface Tau2Play {
  /** `LLMAgent.system_prompt`: the same for every task of the domain. */
  agentSystemPrompt: string;
  /** The `tools` of every agent request, in tau2's order. */
  agentTools: OpenAiToolSchema[];
  user(taskId: string): Tau2UserSetup;
  /** Throws a `PyError` when the task's set-up raises (tau2's simulation would crash). */
  start(taskId: string): Tau2TrialStart;
  /**
   * tau2's `evaluate_simulation` of a trial of the task (`evaluate/`): its RewardInfo, or a rejection with
   * `Tau2EvaluationError` where tau2 raises.
   */
  score(
    taskId: string,
    messages: readonly ConversationMessage[],
    termination: TerminationReason,
    judge: Judge,
  ): Promise<RewardInfo>;
}
