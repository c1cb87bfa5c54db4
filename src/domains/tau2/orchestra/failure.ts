/**
 * A model call of the agent's turn that fails for good (LLM_CALL.py's exception classes, and what
 * tau2/utils/llm_utils.py `generate` then does with them).
 */
import { validationError } from '../env/model.js';
import type { PyError } from '../env/python.js';

/** The fork's classes for a model call that failed for good (LLM_CALL.py). */
export type LlmFailure = 'ContextLengthExceededError' | 'MaxRetriesExceededError' | 'LLMTimeoutError';

/**
 * LLM_CALL's test for a context-length failure, on the error's text (`str(error)`, e.g. `Error code: 400 -
 * {...}`): the fork raises `ContextLengthExceededError` for it, `LLMTimeoutError` when its wall-time budget
 * (600 s per call, retries included) runs out, and `MaxRetriesExceededError` for every other final failure
 * (401/403, other 400s, retries exhausted).
 */
export function isContextLengthError(errorText: string): boolean {
  const t = errorText.toLowerCase();
  return (
    t.includes('context_length_exceeded') ||
    t.includes('maximum context length') ||
    t.includes('context length') ||
    t.includes('input tokens exceed')
  );
}

/**
 * What the fork does when the expert (or orchestrator) call fails for good: it means to end the task with
 * `###STOP### (LLM_ERROR: <class>)`, but builds that AssistantMessage without its required `role`, so pydantic
 * raises instead; the task fails and `run_tasks` drops it (no simulation, no reward). The error to raise.
 */
export function llmFailure(failure: LlmFailure): PyError {
  return validationError('AssistantMessage', [
    {
      loc: ['role'],
      type: 'missing',
      msg: 'Field required',
      input: { content: `###STOP### (LLM_ERROR: ${failure})`, tool_calls: null },
    },
  ]);
}
