/**
 * How the simulator turns words into tokens: prose split into words, a tool call into its id/name delta and
 * four-character argument chunks, and seeded filler for reasoning and advice. Built-in and custom roles both
 * go through here, so an answer's length (and with it its timing) is counted the same way.
 */
import { intBetween, type Rng } from '../util/random.js';

/** One token's worth of output. */
export type Delta =
  | { kind: 'reasoning'; text: string }
  | { kind: 'content'; text: string }
  | { kind: 'tool'; index: number; id?: string; name?: string; args: string };

/** The whole answer, token by token. */
export interface Plan {
  deltas: Delta[];
  finishReason: 'stop' | 'tool_calls';
}

const WORDS = (
  'the order customer account please check policy item payment address shipping refund status details ' +
  'confirm request update book store record total price value option system reply note'
).split(' ');

/** Text of a message's content (string or content parts). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String(p.text) : '')).join('');
  }
  return '';
}

/** Splits prose into word tokens (each keeps its trailing space). */
function tokens(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

/** `n` seeded words, ending with a full stop. */
export function filler(rng: Rng, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rng() * WORDS.length)]!);
  return out.join(' ') + '.';
}

/** Prose as word tokens of one kind. */
export function prose(text: string, kind: 'content' | 'reasoning' = 'content'): Delta[] {
  return tokens(text).map((t) => ({ kind, text: t }));
}

/** A new tool-call id drawn from `rng`. */
export function callId(rng: Rng): string {
  return `call_${Math.floor(rng() * 2 ** 32).toString(16)}`;
}

/** A tool call's deltas: the id and name first, then its arguments' JSON. */
export function toolCall(
  rng: Rng,
  name: string,
  args: Record<string, unknown> | string,
  index = 0,
  id = callId(rng),
): Delta[] {
  const json = typeof args === 'string' ? args : JSON.stringify(args);
  const out: Delta[] = [{ kind: 'tool', index, id, name, args: '' }];
  // Roughly four characters per token, as a BPE tokenizer gives for JSON.
  for (let i = 0; i < json.length; i += 4) out.push({ kind: 'tool', index, args: json.slice(i, i + 4) });
  return out;
}

/** `deltas`, preceded by seeded reasoning with probability `rate`. */
export function withReasoning(rng: Rng, rate: number, deltas: Delta[]): Delta[] {
  if (rng() >= rate) return deltas;
  return [...prose(filler(rng, intBetween(rng, 12, 48)), 'reasoning'), ...deltas];
}
