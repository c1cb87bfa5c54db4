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
 * Text values are escaped ({@link escapeLogValue}) so that one event is always one line of `key=value` fields.
 */

import { createHash } from 'node:crypto';
import { Attr, Kind, SpanName } from '../../telemetry/names.js';
import { durationMs, type SpoolSpan } from '../spool-reader.js';
import { pyFixed } from './console.js';
import { VLLM_FIGURES } from './names.js';

type Field = [string, string | number | boolean | undefined];

// What a value must not contain. Whitespace ends a field for the import's reader, and any line break (the
// legacy analyzer's Python also splits at a lone `\r`, `\x85` and the Unicode separators are breaks to other
// tools) would start a line of the writer's choosing. `=` would let a value spell a key: the legacy analyzer
// takes the first `duration_ms=` or `type=tool_call` anywhere in a line. `%` is the escape itself.
const UNSAFE = /[\s\x00-\x1f\x7f-\x9f=%]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/**
 * A text value as a log field: whitespace, control characters, `=` and `%` become `%XX` escapes of their
 * UTF-8 bytes (URL style), everything else stays as it is, so the ids and names of real runs (telecom's
 * `[mobile_data_issue]…|…[PERSONA:None]` included) are written exactly as before. `tau2-trace import` undoes
 * the escapes.
 */
export function escapeLogValue(v: string): string {
  if (!UNSAFE.test(v)) return v;
  return v.replace(UNSAFE_ALL, (c) =>
    Array.from(Buffer.from(c, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

function value(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFixed(v, 2);
  return escapeLogValue(v);
}

/** Newest instant a `Date` holds (±8.64e15 ms), in epoch nanoseconds. */
const MAX_DATE_NS = 8_640_000_000_000_000n * 1_000_000n;

function stamp(endNs: bigint): string {
  const ms = Number(endNs / 1_000_000n);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The `thread=` of a trace: its id's first 48 bits, or a hash of an id that is not hex (a foreign spool). */
function threadOf(traceId: string): string {
  const hex = /^[0-9a-fA-F]{12}/.test(traceId)
    ? traceId.slice(0, 12)
    : createHash('sha256').update(traceId).digest('hex').slice(0, 12);
  return String(BigInt(`0x${hex}`));
}

/**
 * A domain name that can be part of a file name (`tau2_<domain>.log`): letters, digits, `_`, `.` and `-`,
 * starting with a letter or digit, at most 100 characters. No separator, no `..` path of its own.
 */
export const SAFE_DOMAIN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A trace `legacyLogLines` did not write, and why. */
export interface SkippedTrace {
  traceId: string;
  taskId: string;
  why: string;
}

/** What {@link legacyLogLines} produced. */
export interface LegacyLogs {
  /** Lines per domain, each domain's lines in the order they would have been written. */
  byDomain: Map<string, string[]>;
  /** Traces left out: a domain that cannot name a file, or times no log line can carry. */
  skipped: SkippedTrace[];
}

function line(level: 'PROFILE' | 'USER_JUDGE', endNs: bigint, fields: Field[]): string {
  const parts = fields.flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${value(v)}`]));
  return `[${level}] ${stamp(endNs)} ${parts.join(' ')}`;
}

/** A float field: always two decimals, even when the value happens to be whole. */
const ms = (x: unknown): string | undefined => (typeof x === 'number' ? pyFixed(x, 2) : undefined);
const int = (x: unknown): number | undefined => (typeof x === 'number' ? Math.round(x) : undefined);

/**
 * Legacy log lines per domain of the task traces in `spans` (picked by `pickRunTraces`). A trace whose
 * `tau2.domain` is not a {@link SAFE_DOMAIN} name (it becomes a file name), or whose spans end outside the
 * range of a date, is skipped and reported.
 */
export function legacyLogLines(spans: SpoolSpan[]): LegacyLogs {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = new Map(
    spans.filter((s) => s.name === SpanName.task && !s.parentSpanId).map((s) => [s.traceId, s]),
  );
  const skipped = skippedTraces(spans, roots);
  const events: LogEvent[] = [];
  for (const s of spans) {
    const root = roots.get(s.traceId);
    if (!root || skipped.has(s.traceId)) continue;
    const text = logLineOf(s, root, s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    if (text !== undefined) {
      events.push({ domain: root.attributes[Attr.domain] as string, endNs: s.endNs, text });
    }
  }
  return { byDomain: inWriteOrder(events), skipped: [...skipped.values()] };
}

/** One log line to be: its file's domain, and when the legacy logger would have written it. */
interface LogEvent {
  domain: string;
  endNs: bigint;
  text: string;
}

/** The traces (by trace id, `roots` their task spans) that no log line can carry, each with the first reason. */
function skippedTraces(spans: SpoolSpan[], roots: Map<string, SpoolSpan>): Map<string, SkippedTrace> {
  const skipped = new Map<string, SkippedTrace>();
  const skip = (root: SpoolSpan, why: string) => {
    if (!skipped.has(root.traceId))
      skipped.set(root.traceId, { traceId: root.traceId, taskId: String(root.attributes[Attr.taskId]), why });
  };
  for (const root of roots.values()) {
    const domain = root.attributes[Attr.domain];
    if (typeof domain !== 'string' || !SAFE_DOMAIN.test(domain)) {
      skip(root, `tau2.domain ${JSON.stringify(domain)} cannot name a file (letters, digits, _ . - only)`);
    }
  }
  for (const s of spans) {
    const root = roots.get(s.traceId);
    if (root && (s.endNs < 0n || s.endNs > MAX_DATE_NS)) skip(root, `span ${s.spanId} ends at ${s.endNs} ns`);
  }
  return skipped;
}

/** The line of span `s` of the task trace `root` (`step` its parent), or undefined for a span with none. */
function logLineOf(s: SpoolSpan, root: SpoolSpan, step: SpoolSpan | undefined): string | undefined {
  const kind = s.attributes[Attr.kind];
  const head: Field[] = [
    ['task', String(root.attributes[Attr.taskId])],
    ['thread', threadOf(s.traceId)],
    ['type', String(kind)],
  ];
  if (kind === Kind.step) {
    return line('PROFILE', s.endNs, [
      ...head.slice(0, 2),
      ['type', 'step_complete'],
      ['step', s.attributes[Attr.stepIndex] as number],
      ['total_duration_ms', ms(durationMs(s))],
      ['from_role', s.attributes[Attr.stepFrom] as string],
      ['to_role', s.attributes[Attr.stepTo] as string],
    ]);
  }
  const call = callFields(s, kind, step?.attributes[Attr.stepIndex] as number | undefined);
  return call && line(call.level, s.endNs, [...head, ...call.fields]);
}

/** The fields after `type=` of a tool or LLM call's line, by kind; undefined for other spans. */
function callFields(
  s: SpoolSpan,
  kind: unknown,
  stepIndex: number | undefined,
): { level: 'PROFILE' | 'USER_JUDGE'; fields: Field[] } | undefined {
  const isChat = s.name.startsWith(SpanName.chatPrefix);
  const model = s.attributes[Attr.genAiRequestModel] as string | undefined;
  const duration: Field = ['duration_ms', ms(durationMs(s))];
  if (kind === Kind.toolCall) {
    const error = s.attributes[Attr.toolError] === true ? true : undefined;
    const fn = s.attributes[Attr.toolName] as string;
    const fields: Field[] = [
      ['step', stepIndex],
      ['function', fn],
      ['call_type', 'local_function'],
      duration,
    ];
    return { level: 'PROFILE', fields: [...fields, ['error', error]] };
  }
  if (!isChat) return undefined;
  if (kind === Kind.llmCall) {
    const figures = VLLM_FIGURES.map(
      (f): Field => [f.key, (f.unit === 'ms' ? ms : int)(s.attributes[f.attr])],
    );
    const fields: Field[] = [['step', stepIndex], ['model', model], ['call_type', 'vllm'], duration];
    return {
      level: 'PROFILE',
      fields: [...fields, ...figures, ['has_tool_calls', s.attributes[Attr.hasToolCalls] === true]],
    };
  }
  if (kind === Kind.expertCall) {
    return {
      level: 'PROFILE',
      fields: [['step', stepIndex], ['model', model], ['call_type', 'expert'], duration],
    };
  }
  if (kind === Kind.userSim || kind === Kind.evaluator) {
    return { level: 'USER_JUDGE', fields: [['model', model], ['call_type', 'llm'], duration] };
  }
  return undefined;
}

/** Lines per domain, each domain's in the order they were written: by end time, ties in span order. */
function inWriteOrder(events: LogEvent[]): Map<string, string[]> {
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
