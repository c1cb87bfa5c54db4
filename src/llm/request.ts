/** What one logical LLM call asks for, and the request body it becomes on the wire. */
import type OpenAI from 'openai';
import type { LlmKind } from '../telemetry/names.js';

/** One logical LLM call. */
export interface ChatRequest {
  kind: LlmKind;
  model: string;
  messages: OpenAI.Chat.ChatCompletionMessageParam[];
  tools?: OpenAI.Chat.ChatCompletionTool[];
  /** Default true: stream with usage. */
  stream?: boolean;
  maxTokens?: number;
  temperature?: number;
  /** `expert-1`… for expert calls. */
  expertName?: string;
  /**
   * What sticky routing keeps on one endpoint (default: the trial, from the parent context's baggage). An
   * orchestrator of its own passes one to keep other calls together.
   */
  routingKey?: string;
  /**
   * The request body exactly as it must go on the wire (the ToolOrchestra fork's requests,
   * domains/tau2/orchestra): sent as is, key order and extra fields (`job_id`) included, streamed when it says
   * `stream: true`. `model` and `messages` above must be its own; `tools`, `stream`, `maxTokens` and
   * `temperature` are ignored.
   */
  body?: WireBody;
}

/** A request body built elsewhere, sent unchanged (see {@link ChatRequest.body}). */
export interface WireBody {
  model: string;
  messages: readonly unknown[];
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

/** Whether a request is streamed: its body's word when it has one, else `stream` (default true). */
export const isStreamed = (request: ChatRequest): boolean =>
  request.body ? request.body.stream === true : (request.stream ?? true);

/** The request's token limit and temperature, whichever way it gives them (for the call's span). */
export function samplingOf(request: ChatRequest): { maxTokens?: number; temperature?: number } {
  const maxTokens = request.body
    ? (request.body.max_tokens ?? request.body.max_completion_tokens)
    : request.maxTokens;
  const temperature = request.body ? request.body.temperature : request.temperature;
  return {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
}

/**
 * The body for the openai client, without `stream` (each way of sending adds its own). A body built
 * elsewhere goes unchanged; `stream` and `stream_options` are already its own.
 */
export function requestParams(request: ChatRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  if (request.body) return request.body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  return {
    model: request.model,
    messages: request.messages,
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}
