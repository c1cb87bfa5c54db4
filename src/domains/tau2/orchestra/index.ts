/**
 * The ToolOrchestra fork's expert routing (`--use_model_tool`), byte for byte: the `call_expert` tool, the
 * system prompt rewrite, the wire messages, the orchestrator's and experts' requests and how their replies
 * become the agent's message. See docs/tau2-fidelity.md, "ToolOrchestra expert routing".
 */
export {
  DEFAULT_EXPERT_MODELS,
  type ExpertBackend,
  type ExpertMapping,
  expertBackend,
  expertModel,
} from './experts.js';
export { EXPERT_POLICY, POLICY_STRINGS, rewritesSystemPrompt, systemContent } from './prompt.js';
export {
  type AgentMessage,
  type ExpertRequest,
  expertAnswer,
  expertRequest,
  FILLER,
  isContextLengthError,
  isMainOrchestrator,
  type LlmFailure,
  llmFailure,
  type ModelReply,
  type OpenAiBody,
  type OrchestraSettings,
  type OrchestratorOutcome,
  orchestratorRequest,
  readOrchestratorReply,
  type StreamDelta,
  streamedReply,
  type VllmBody,
} from './route.js';
export { CALL_EXPERT, CALL_EXPERT_TOOL, orchestratorTools, TRANSFER_TOOL } from './tools.js';
export {
  GPT5_NOTE,
  type Tau2Message,
  type Tau2ToolCall,
  toWireMessages,
  type WireMessage,
  type WireOptions,
} from './wire.js';
