import { createParser } from 'eventsource-parser';
import type OpenAI from 'openai';
import { LlmError } from './errors.js';
import { arrivalOf, type WireRecord } from './wire.js';

/** A finished LLM call: the assistant message, timing (performance.now() ms) and usage. */
export interface ChatResult {
  content: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
  responseModel: string;
  responseId: string | undefined;
  inputTokens: number;
  outputTokens: number;
  /**
   * Input tokens served from the server's prefix cache, when its usage says so
   * (`usage.prompt_tokens_details.cached_tokens`: OpenAI, and vLLM started with `--enable-prompt-tokens-details`).
   */
  cachedInputTokens: number | undefined;
  /** When the successful attempt's request was sent. */
  sentAt: number;
  /** First chunk carrying content, tool calls or reasoning (streams only). */
  firstChunkAt: number | undefined;
  endedAt: number;
  ttftMs: number | undefined;
  decodeMs: number | undefined;
  /** Request sent → last byte, of the successful attempt (excludes retries). */
  inferMs: number;
  /** Chunks received (streams only). */
  chunks: number;
  /** The assistant message to append to the conversation. */
  message: OpenAI.Chat.ChatCompletionAssistantMessageParam;
}

/** Mutable state while a response arrives. */
export interface Accumulator {
  sentAt: number;
  firstChunkAt: number | undefined;
  chunks: number;
  content: string;
  reasoning: string;
  calls: { id: string; name: string; arguments: string }[];
  finishReason: string | undefined;
  model: string;
  id: string | undefined;
  usage: OpenAI.CompletionUsage | undefined;
}

export function emptyAccumulator(sentAt: number): Accumulator {
  return {
    sentAt,
    firstChunkAt: undefined,
    chunks: 0,
    content: '',
    reasoning: '',
    calls: [],
    finishReason: undefined,
    model: '',
    id: undefined,
    usage: undefined,
  };
}

// vLLM sends `reasoning_content`; some servers send `reasoning`. Neither is in the OpenAI types.
interface ReasoningFields {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** Folds one streamed chunk, or a whole non-streamed completion, into `acc`. */
export function accumulate(
  acc: Accumulator,
  part: OpenAI.Chat.ChatCompletionChunk | OpenAI.Chat.ChatCompletion,
  now: number,
): void {
  acc.chunks++;
  if (part.model) acc.model = part.model;
  acc.id ??= part.id;
  if (part.usage) acc.usage = part.usage;
  const choice = part.choices[0];
  if (!choice) return;
  if (choice.finish_reason) acc.finishReason = choice.finish_reason;
  if ('message' in choice) {
    const m = choice.message as typeof choice.message & ReasoningFields;
    acc.content = m.content ?? '';
    acc.reasoning = m.reasoning_content ?? m.reasoning ?? '';
    for (const c of m.tool_calls ?? []) {
      if (c.type === 'function')
        acc.calls.push({ id: c.id, name: c.function.name, arguments: c.function.arguments });
    }
    return;
  }
  const d = choice.delta as typeof choice.delta & ReasoningFields;
  const reasoning = d.reasoning_content ?? d.reasoning;
  // TTFT is the first chunk that carries anything; a role-only or empty chunk does not count.
  if (acc.firstChunkAt === undefined && (d.content || d.tool_calls?.length || reasoning))
    acc.firstChunkAt = now;
  if (d.content) acc.content += d.content;
  if (reasoning) acc.reasoning += reasoning;
  for (const t of d.tool_calls ?? []) {
    let call = acc.calls[t.index];
    if (!call) {
      call = { id: '', name: '', arguments: '' };
      acc.calls[t.index] = call;
    }
    if (t.id) call.id = t.id;
    if (t.function?.name) call.name += t.function.name;
    if (t.function?.arguments) call.arguments += t.function.arguments;
  }
}

/** The result, or undefined when the response never said why it ended (a truncated stream). */
export function finish(acc: Accumulator, endedAt: number, streamed: boolean): ChatResult | undefined {
  if (acc.finishReason === undefined) return undefined;
  const calls = acc.calls.filter(Boolean);
  const message: OpenAI.Chat.ChatCompletionAssistantMessageParam = {
    role: 'assistant',
    content: acc.content || null,
    ...(calls.length
      ? {
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
  };
  const first = streamed ? (acc.firstChunkAt ?? endedAt) : undefined;
  return {
    content: acc.content,
    reasoning: acc.reasoning,
    toolCalls: calls,
    finishReason: acc.finishReason,
    responseModel: acc.model,
    responseId: acc.id,
    inputTokens: acc.usage?.prompt_tokens ?? 0,
    outputTokens: acc.usage?.completion_tokens ?? 0,
    cachedInputTokens: acc.usage?.prompt_tokens_details?.cached_tokens ?? undefined,
    sentAt: acc.sentAt,
    firstChunkAt: first,
    endedAt,
    ttftMs: first === undefined ? undefined : first - acc.sentAt,
    decodeMs: first === undefined ? undefined : endedAt - first,
    inferMs: endedAt - acc.sentAt,
    chunks: acc.chunks,
    message,
  };
}

/**
 * Reads an OpenAI-style SSE body (bytes → SSE events → chunks) into `acc`. Each chunk is timed by the wire
 * arrival of the bytes that completed it when `wire` saw them, else by when this loop read them.
 * Resolves once the body ends; `[DONE]` is not required (a missing finish reason is caught by `finish`).
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  acc: Accumulator,
  url: string,
  wire: WireRecord | undefined,
  onBytes: () => void,
): Promise<number> {
  const decoder = new TextDecoder();
  let offset = 0;
  let arrival = 0;
  let from = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      // A frame that is not JSON throws SyntaxError, classified as an invalid response.
      const chunk = JSON.parse(event.data) as OpenAI.Chat.ChatCompletionChunk & {
        error?: { message?: string };
      };
      if (chunk.error) {
        throw new LlmError({
          type: 'server_error',
          message: `${url} sent an error mid-stream: ${chunk.error.message ?? 'unknown'}`,
          url,
        });
      }
      accumulate(acc, chunk, arrival);
    },
  });
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    offset += bytes.length;
    const seen = wire && arrivalOf(wire, offset - 1, from);
    if (seen) {
      arrival = seen.at;
      from = seen.index;
    } else {
      arrival = performance.now();
    }
    onBytes();
    parser.feed(decoder.decode(bytes, { stream: true }));
  }
  return arrival;
}
