/**
 * The legacy metrics from spans (DESIGN.md, "Legacy mapping"): tool spans' durations, expert spans'
 * durations, and the agent's `llm_call` spans' infer/TTFT/decode times and token counts. Values are taken
 * as the legacy logger would have printed them (two decimals, Python rounding), in the order the legacy
 * analyzer would read them from `tau2-trace logs` output, so stats from spans and from their logs agree to
 * the byte.
 */

import { Attr, Kind, SpanName } from '../../telemetry/names.js';
import { durationMs, type SpoolSpan } from '../spool-reader.js';
import { pyFixed } from './console.js';
import { LegacyCallMetric, VLLM_FIGURES } from './names.js';
import { Float64Buffer, LEGACY_METRICS, type LegacyParseResult } from './parse.js';

/** Collects the legacy metric values of `spans` (of complete task traces). */
export function legacyValuesFromSpans(spans: SpoolSpan[], source: string): LegacyParseResult {
  const values = new Map(LEGACY_METRICS.map((m) => [m.name, new Float64Buffer()]));
  const push = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    // As printed by the logger (two decimals) and read back by the legacy regex, which skips a minus sign.
    const text = pyFixed(v, 2);
    if (!text.startsWith('-')) values.get(name)!.push(Number(text));
  };
  // The order the legacy analyzer reads them in: file by file (tau2_<domain>.log, sorted), each by time.
  const file = new Map(
    spans
      .filter((s) => s.name === SpanName.task && !s.parentSpanId)
      .map((s) => [s.traceId, `tau2_${s.attributes[Attr.domain]}.log`]),
  );
  const key = (s: SpoolSpan) => file.get(s.traceId) ?? '';
  const ordered = [...spans].sort((a, b) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.endNs < b.endNs ? -1 : a.endNs > b.endNs ? 1 : 0,
  );
  for (const s of ordered) {
    const kind = s.attributes[Attr.kind];
    if (!s.name.startsWith(SpanName.chatPrefix) && kind !== Kind.toolCall) continue;
    if (kind === Kind.toolCall) push(LegacyCallMetric.toolCall, durationMs(s));
    else if (kind === Kind.expertCall) push(LegacyCallMetric.expertCall, durationMs(s));
    else if (kind === Kind.llmCall && typeof s.attributes[Attr.inferMs] === 'number') {
      // Each key is read on its own from the line, so a missing one (no TTFT without streaming) is skipped alone.
      for (const f of VLLM_FIGURES) push(f.metric, s.attributes[f.attr]);
    }
  }
  return {
    values,
    files: [source],
    lines: spans.length,
    unusable: 0,
    unusableSamples: [],
    ignoredLlmCalls: 0,
    unrecognisedFiles: [],
  };
}
