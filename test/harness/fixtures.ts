/** What the harness tests build the same way: trial settings and model answers. */
import type { TrialSettings } from '../../src/harness/orchestrator.js';
import type { ChatResult } from '../../src/llm/client.js';

/** Settings of a trial against models called agent/user/judge, changed by `over`. */
export function trialSettings(over: Partial<TrialSettings> = {}): TrialSettings {
  return {
    agentModel: 'agent',
    userModel: 'user',
    judgeModel: 'judge',
    expertMapping: {},
    useModelTool: false,
    maxSteps: 200,
    maxErrors: 10,
    captureContent: false,
    taskTimeoutMs: 0,
    ...over,
  };
}

/** A model's whole answer, as the LLM client returns it: text and tool calls, one token each way. */
export function chatResult(content: string, toolCalls: ChatResult['toolCalls'] = []): ChatResult {
  const now = performance.now();
  return {
    content,
    reasoning: '',
    toolCalls,
    finishReason: toolCalls.length ? 'tool_calls' : 'stop',
    responseModel: 'm',
    responseId: undefined,
    inputTokens: 1,
    outputTokens: 1,
    cachedInputTokens: undefined,
    sentAt: now,
    firstChunkAt: now,
    endedAt: now,
    ttftMs: 0,
    decodeMs: 0,
    inferMs: 0,
    chunks: 1,
    message: {
      role: 'assistant',
      content,
      ...(toolCalls.length
        ? {
            tool_calls: toolCalls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    },
  };
}
