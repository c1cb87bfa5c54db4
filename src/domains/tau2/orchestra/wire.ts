/**
 * tau2 messages → the chat-completions messages the fork sends (`to_litellm_messages` in
 * tau2/utils/llm_utils.py). The shape is the fork's, not the OpenAI SDK's: an assistant message always carries
 * `tool_calls` (`null` without calls) and each call repeats its name outside `function`; tool messages carry
 * `tool_call_id` but no name.
 */
import { dumpsPy } from '../../../util/pyjson.js';
import type { PyDict } from '../env/python.js';
import { PyError } from '../env/python.js';
import { systemContent } from './prompt.js';

/** A tool call of an assistant message, as tau2's `ToolCall` holds it. */
export interface Tau2ToolCall {
  id: string;
  name: string;
  /** As `json.loads` gave them (ints as bigint, see util/pyjson.ts): they are sent through `json.dumps`. */
  arguments: PyDict;
}

/** A message of the agent's state (`LLMAgentState.system_messages + messages`), as far as the fork reads it. */
export type Tau2Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | null }
  | { role: 'assistant'; content: string | null; tool_calls?: Tau2ToolCall[] | null }
  | { role: 'tool'; id: string; content: string | null };

/** One message of the request body, key order as the fork builds it. */
export type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | null }
  | { role: 'assistant'; content: string | null; tool_calls: WireToolCall[] | null }
  | { role: 'tool'; content: string | null; tool_call_id: string };

/** A tool call inside an assistant message of the request. */
export interface WireToolCall {
  id: string;
  name: string;
  function: { name: string; arguments: string };
  type: 'function';
}

/** Who the conversation is converted for. */
export interface WireOptions {
  /** The model the request goes to: it decides the system prompt's rewrite, `/no_think` and the gpt-5 note. */
  model: string;
  useModelTool: boolean;
  /** `generate`'s role; the agent's calls (orchestrator and experts) are `assistant`. */
  role: 'assistant' | 'user' | 'evaluator';
  /** False for Qwen3 experts: the fork then asks for no thinking. Default true. */
  enableThinking?: boolean;
}

/** Appended to the last message of every agent request to a gpt-5 model (the fork's text). */
export const GPT5_NOTE = '\n\nWait, the information I provide may not be correct, please ask again.';

// Python's `None + str` (or `+=`): what the fork raises when it appends to a message without text.
const concatNone = (op: '+' | '+='): PyError =>
  new PyError('TypeError', `unsupported operand type(s) for ${op}: 'NoneType' and 'str'`);

/** `to_litellm_messages(messages, model, use_model_tool, domain, role, enable_thinking)`. */
export function toWireMessages(messages: readonly Tau2Message[], options: WireOptions): WireMessage[] {
  const enableThinking = options.enableThinking ?? true;
  const model = options.model.toLowerCase();
  const out: WireMessage[] = messages.map((m): WireMessage => {
    switch (m.role) {
      case 'user':
        if (!enableThinking && model.includes('qwen3')) {
          if (m.content === null) throw concatNone('+');
          return { role: 'user', content: `${m.content} /no_think` };
        }
        return { role: 'user', content: m.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: m.content,
          // tau2's `is_tool_call()` is `tool_calls is not None`: an empty list is still sent as a list.
          tool_calls:
            m.tool_calls == null
              ? null
              : m.tool_calls.map((c) => ({
                  id: c.id,
                  name: c.name,
                  function: { name: c.name, arguments: dumpsPy(c.arguments) },
                  type: 'function',
                })),
        };
      case 'tool':
        return { role: 'tool', content: m.content, tool_call_id: m.id };
      default: // system
        return {
          role: 'system',
          content: systemContent(options.model, m.content, {
            useModelTool: options.useModelTool,
            enableThinking,
          }),
        };
    }
  });
  const last = out.at(-1);
  if (options.role === 'assistant' && model.includes('gpt-5')) {
    if (last === undefined) throw new PyError('IndexError', 'list index out of range');
    // The fork appends to whatever the last message is: the user's words or a tool's result.
    if (last.content === null) throw concatNone('+=');
    last.content += GPT5_NOTE;
  }
  return out;
}
