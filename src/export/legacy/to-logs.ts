/**
 * A run's spans as the legacy logger's lines (`tau2_<domain>.log`, seed key generation), so grep-based
 * scripts and the legacy analyzer keep working:
 *
 *   [PROFILE] 2025-12-24 04:28:25.388 task=… thread=… type=llm_call step=1 model=… call_type=vllm duration_ms=…
 *     toolorchestra_vllm_infer_ms=… toolorchestra_vllm_prefill_ms=… toolorchestra_vllm_decode_ms=…
 *     toolorchestra_vllm_prefill_len=… toolorchestra_vllm_decode_len=… has_tool_calls=False
 *
 * One line per call, written at the call's end (its timestamp, in UTC), floats with two decimals, ints as
 * ints, `None` values left out. `thread=` is derived from the trace id: one "thread" per task trial.
 */

import { Attr, Kind, SpanName } from '../../telemetry/names.js';
import { durationMs, type SpoolSpan } from '../spool-reader.js';
import { pyFixed } from './console.js';

type Field = [string, string | number | boolean | undefined];

function value(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFixed(v, 2);
  return v;
}

function stamp(endNs: bigint): string {
  const ms = Number(endNs / 1_000_000n);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function line(level: 'PROFILE' | 'USER_JUDGE', endNs: bigint, fields: Field[]): string {
  const parts = fields.flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${value(v)}`]));
  return `[${level}] ${stamp(endNs)} ${parts.join(' ')}`;
}

/** A float field: always two decimals, even when the value happens to be whole. */
const ms = (x: unknown): string | undefined => (typeof x === 'number' ? pyFixed(x, 2) : undefined);
const int = (x: unknown): number | undefined => (typeof x === 'number' ? Math.round(x) : undefined);

/** Legacy log lines per domain, each domain's lines in the order they would have been written. */
export function legacyLogLines(spans: SpoolSpan[]): Map<string, string[]> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = new Map(
    spans.filter((s) => s.name === SpanName.task && !s.parentSpanId).map((s) => [s.traceId, s]),
  );
  const events: { domain: string; endNs: bigint; text: string }[] = [];
  for (const s of spans) {
    const root = roots.get(s.traceId);
    if (!root) continue;
    const domain = String(root.attributes[Attr.domain]);
    const kind = s.attributes[Attr.kind];
    const step = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    const head: Field[] = [
      ['task', String(root.attributes[Attr.taskId])],
      ['thread', String(BigInt(`0x${s.traceId.slice(0, 12)}`))],
      ['type', String(kind)],
    ];
    const stepIndex = step?.attributes[Attr.stepIndex] as number | undefined;
    const add = (level: 'PROFILE' | 'USER_JUDGE', fields: Field[]) =>
      events.push({ domain, endNs: s.endNs, text: line(level, s.endNs, [...head, ...fields]) });
    const isChat = s.name.startsWith(SpanName.chatPrefix);
    const model = s.attributes[Attr.genAiRequestModel] as string | undefined;
    if (kind === Kind.toolCall) {
      add('PROFILE', [
        ['step', stepIndex],
        ['function', s.attributes[Attr.toolName] as string],
        ['call_type', 'local_function'],
        ['duration_ms', ms(durationMs(s))],
        ['error', s.attributes[Attr.toolError] === true ? true : undefined],
      ]);
    } else if (kind === Kind.llmCall && isChat) {
      add('PROFILE', [
        ['step', stepIndex],
        ['model', model],
        ['call_type', 'vllm'],
        ['duration_ms', ms(durationMs(s))],
        ['toolorchestra_vllm_infer_ms', ms(s.attributes[Attr.inferMs])],
        ['toolorchestra_vllm_prefill_ms', ms(s.attributes[Attr.ttftMs])],
        ['toolorchestra_vllm_decode_ms', ms(s.attributes[Attr.decodeMs])],
        ['toolorchestra_vllm_prefill_len', int(s.attributes[Attr.genAiInputTokens])],
        ['toolorchestra_vllm_decode_len', int(s.attributes[Attr.genAiOutputTokens])],
        ['has_tool_calls', s.attributes[Attr.hasToolCalls] === true],
      ]);
    } else if (kind === Kind.expertCall && isChat) {
      add('PROFILE', [
        ['step', stepIndex],
        ['model', model],
        ['call_type', 'expert'],
        ['duration_ms', ms(durationMs(s))],
      ]);
    } else if ((kind === Kind.userSim || kind === Kind.evaluator) && isChat) {
      add('USER_JUDGE', [
        ['model', model],
        ['call_type', 'llm'],
        ['duration_ms', ms(durationMs(s))],
      ]);
    } else if (kind === Kind.step) {
      events.push({
        domain,
        endNs: s.endNs,
        text: line('PROFILE', s.endNs, [
          ...head.slice(0, 2),
          ['type', 'step_complete'],
          ['step', s.attributes[Attr.stepIndex] as number],
          ['total_duration_ms', ms(durationMs(s))],
          ['from_role', s.attributes[Attr.stepFrom] as string],
          ['to_role', s.attributes[Attr.stepTo] as string],
        ]),
      });
    }
  }
  events.sort((a, b) => (a.endNs < b.endNs ? -1 : a.endNs > b.endNs ? 1 : 0));
  const out = new Map<string, string[]>();
  for (const e of events) {
    let lines = out.get(e.domain);
    if (!lines) {
      lines = [];
      out.set(e.domain, lines);
    }
    lines.push(e.text);
  }
  return out;
}
