/** tau2-bench domains read from a data directory at run time. */
// The faithful ports (tau2's own behaviour, quirks included; docs/tau2-fidelity.md).
export {
  type ActionSequence,
  type CheckCounts,
  checkExpected,
  checkSequences,
  initializeEnvironment,
} from './check.js';
export type { EvaluationCriteria, RewardType, Tau2Action } from './criteria.js';
export type { Tau2Environment, ToolCall as Tau2ToolCall, ToolResponse } from './env/environment.js';
export { type OpenAiToolSchema, openAiSchema } from './env/schema.js';
// Scoring as tau2's evaluate_simulation scores (docs/tau2-fidelity.md, Scoring).
export {
  type EvaluateSimulationInput,
  evaluateSimulation,
  Tau2EvaluationError,
} from './evaluate/evaluate.js';
export type {
  Tau2Message,
  Tau2ParticipantMessage,
  Tau2SystemMessage,
  Tau2ToolMessage,
} from './evaluate/messages.js';
export {
  type Judge,
  type JudgeMessage,
  type JudgeRequest,
  TAU2_JUDGE_MODEL,
} from './evaluate/nl-assertions.js';
export {
  type ActionCheck,
  type CommunicateCheck,
  type DbCheck,
  type EnvAssertionCheck,
  type NlAssertionCheck,
  type RewardInfo,
  TERMINATION_REASONS,
  type TerminationReason,
} from './evaluate/reward-info.js';
export { FAITHFUL_DOMAINS, faithfulPort, openFaithfulDomain, TAU2_DOMAINS } from './faithful.js';
export { faithfulHarnessDomain } from './harness.js';
export type { ConversationMessage, Tau2ToolResult, Tau2Turn } from './messages.js';
export type { Tau2Play, Tau2TrialStart, Tau2UserSetup } from './play.js';
export type { OpenedTau2Domain, Tau2DomainPort } from './port.js';
export { Tau2DataError } from './port.js';
export { agentSystemPrompt } from './prompts.js';
export { readTasks, type Tau2Task } from './tasks.js';
export { userScenarioText, userSystemPrompt } from './user-prompt.js';
