/**
 * The legacy metrics from spans (DESIGN.md, "Legacy mapping"): tool spans' durations, expert spans'
 * durations, and the agent's `llm_call` spans' infer/TTFT/decode times and token counts. Values are taken
 * as the legacy logger would have printed them (two decimals, Python rounding), in the order the logger
 * would have written them (by end time), so stats from spans and from their logs agree to the byte.
 */

import { Attr, Kind, SpanName } from '../../telemetry/names.js';
import { durationMs, type SpoolSpan } from '../spool-reader.js';
import { pyFixed } from './console.js';
import { Float64Buffer, LEGACY_METRICS, type LegacyParseResult } from './parse.js';

/** A value as the legacy logger's `%.2f` writes it and its reader parses it back. */
const logged = (x: number) => Number(pyFixed(x, 2));

/** Collects the legacy metric values of `spans` (of complete task traces). */
export function legacyValuesFromSpans(spans: SpoolSpan[], source: string): LegacyParseResult {
  const values = new Map(LEGACY_METRICS.map((m) => [m.name, new Float64Buffer()]));
  const push = (name: string, v: unknown) => {
    // The legacy reader skips what its regex cannot match: negatives, NaN, missing values.
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) values.get(name)!.push(logged(v));
  };
  const ordered = [...spans].sort((a, b) => (a.endNs < b.endNs ? -1 : a.endNs > b.endNs ? 1 : 0));
  for (const s of ordered) {
    const kind = s.attributes[Attr.kind];
    if (kind === Kind.toolCall) push('tool_call', durationMs(s));
    else if (kind === Kind.expertCall && s.name.startsWith(SpanName.chatPrefix))
      push('expert_call', durationMs(s));
    else if (kind === Kind.llmCall && s.name.startsWith(SpanName.chatPrefix)) {
      // The legacy logger wrote vLLM figures only for streamed agent calls that had them.
      if (typeof s.attributes[Attr.inferMs] !== 'number' || typeof s.attributes[Attr.ttftMs] !== 'number')
        continue;
      push('toolorchestra_vllm_infer', s.attributes[Attr.inferMs]);
      push('toolorchestra_vllm_prefill', s.attributes[Attr.ttftMs]);
      push('toolorchestra_vllm_decode', s.attributes[Attr.decodeMs]);
      push('toolorchestra_vllm_prefill_len', s.attributes[Attr.genAiInputTokens]);
      push('toolorchestra_vllm_decode_len', s.attributes[Attr.genAiOutputTokens]);
    }
  }
  return {
    values,
    files: [source],
    lines: spans.length,
    unusable: 0,
    unusableSamples: [],
    ignoredLlmCalls: 0,
  };
}
