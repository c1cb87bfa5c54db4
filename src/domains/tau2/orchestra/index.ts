/**
 * The ToolOrchestra fork's expert routing (`--use_model_tool`), byte for byte: the `call_expert` tool, the
 * system prompt rewrite, the wire messages, the orchestrator's and experts' requests and how their replies
 * become the agent's message. See docs/tau2-fidelity.md, "ToolOrchestra expert routing".
 *
 * There is no tool message for `call_expert`: when the orchestrator's reply calls it, the same conversation goes
 * to the expert and the expert's reply BECOMES the agent's message, whatever else the orchestrator said or
 * called. The caller does the I/O: {@link orchestratorRequest} → send → {@link readOrchestratorReply}; when that
 * names an expert, {@link expertRequest} → send → {@link expertAnswer}, or {@link llmFailure} when a call fails
 * for good. Everything here is pure.
 */
export {
  DEFAULT_EXPERT_MODELS,
  type ExpertBackend,
  type ExpertMapping,
  expertBackend,
  expertModel,
} from './experts.js';
export { isContextLengthError, type LlmFailure, llmFailure } from './failure.js';
export { EXPERT_POLICY, POLICY_STRINGS, rewritesSystemPrompt, systemContent } from './prompt.js';
export {
  type AgentMessage,
  expertAnswer,
  FILLER,
  type ModelReply,
  type OrchestratorOutcome,
  readOrchestratorReply,
  type StreamDelta,
  streamedReply,
} from './replies.js';
export {
  type ExpertRequest,
  expertRequest,
  isMainOrchestrator,
  type OpenAiBody,
  type OrchestraSettings,
  orchestratorRequest,
  type VllmBody,
} from './requests.js';
export { CALL_EXPERT, CALL_EXPERT_TOOL, forkDomainTools, orchestratorTools, TRANSFER_TOOL } from './tools.js';
export {
  GPT5_NOTE,
  type Tau2Message,
  type Tau2ToolCall,
  toWireMessages,
  type WireMessage,
  type WireOptions,
} from './wire.js';
