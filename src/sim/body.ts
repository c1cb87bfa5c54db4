/**
 * The bytes of a chat-completions answer, in OpenAI's wire format as vLLM writes it: SSE `data:` frames of
 * `chat.completion.chunk` objects for a stream, one `chat.completion` object otherwise, and the error body.
 */
import type { Delta } from './tokens.js';

/** The identity every chunk of one answer repeats. */
export interface AnswerId {
  id: string;
  created: number;
  model: string;
}

/** Writes the SSE frames of one streamed answer. */
export interface FrameWriter {
  /** The frame of one token; the first one carries `role: assistant`. */
  token(delta: Delta, first: boolean): string;
  /** The frame with the finish reason and an empty delta. */
  finish(reason: string): string;
  /** The usage frame of `stream_options.include_usage` (no choices). */
  usage(usage: Usage): string;
}

/** Token counts of one answer. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The `[DONE]` frame that ends every stream. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** A frame a client cannot parse, for the garbage fault. */
export const GARBAGE_FRAME = 'data: {"id": "broken-frame", choices: [\n\n';

/** A body that is not JSON, for the garbage fault of a non-streamed answer. */
export const GARBAGE_BODY = '{"id": "broken-body", "choices": [';

/** Frames of the answer `a`; the shared head of each frame is built once. */
export function frameWriter(a: AnswerId): FrameWriter {
  const head = `{"id":"${a.id}","object":"chat.completion.chunk","created":${a.created},"model":${JSON.stringify(a.model)}`;
  const choice = (delta: string, finish: string | null) =>
    `data: ${head},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}]}\n\n`;
  return {
    token: (delta, first) => choice(deltaJson(delta, first), null),
    finish: (reason) => choice('{}', reason),
    usage: (usage) => `data: ${head},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`,
  };
}

function deltaJson(d: Delta, first: boolean): string {
  switch (d.kind) {
    case 'content':
      return JSON.stringify(first ? { role: 'assistant', content: d.text } : { content: d.text });
    case 'reasoning':
      return JSON.stringify(
        first ? { role: 'assistant', reasoning_content: d.text } : { reasoning_content: d.text },
      );
    case 'tool': {
      const fn = d.name === undefined ? { arguments: d.args } : { name: d.name, arguments: d.args };
      const call =
        d.id === undefined
          ? { index: d.index, function: fn }
          : { index: d.index, id: d.id, type: 'function', function: fn };
      return JSON.stringify(first ? { role: 'assistant', tool_calls: [call] } : { tool_calls: [call] });
    }
  }
}

/** The `chat.completion` object of a non-streamed answer. */
export function completion(a: AnswerId, deltas: Delta[], finishReason: string, usage: Usage): unknown {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message: message(deltas), logprobs: null, finish_reason: finishReason }],
    usage,
  };
}

/** The assistant message of a non-streamed answer. */
function message(deltas: Delta[]): Record<string, unknown> {
  const content = deltas.flatMap((d) => (d.kind === 'content' ? [d.text] : [])).join('');
  const reasoning = deltas.flatMap((d) => (d.kind === 'reasoning' ? [d.text] : [])).join('');
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const d of deltas) {
    if (d.kind !== 'tool') continue;
    if (d.id !== undefined)
      calls.push({ id: d.id, type: 'function', function: { name: d.name ?? '', arguments: '' } });
    const call = calls[calls.length - 1];
    if (call) call.function.arguments += d.args;
  }
  return {
    role: 'assistant',
    content: content || null,
    ...(reasoning ? { reasoning_content: reasoning } : {}),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

/**
 * vLLM's error body (`{"error": {...}}`, as the OpenAI API writes it), which the openai clients unwrap into
 * their error's `message`, `type` and `code`.
 */
export function errorBody(status: number, type: string, message: string): unknown {
  return { error: { message, type, code: status } };
}
