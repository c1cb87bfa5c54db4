/**
 * Hand-made spool content for reader tests: task trials as OTLP/JSON lines (task → step → tool calls and one
 * agent call), with whatever attributes a test needs, so a test states exactly what the spool holds.
 */
import { createHash } from 'node:crypto';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';

/** One span to write; times in milliseconds since the epoch. */
export interface FakeSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
}

/** `n` hex digits derived from `text`. */
export const hexId = (text: string, n: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, n);

function otlpValue(v: string | number | boolean) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}

/** One spool line (an ExportTraceServiceRequest) holding `spans`, with resource `tau2.run.id = runId`. */
export function otlpLine(spans: FakeSpan[], runId = 'run_fixture'): string {
  const ns = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'tau2-harness' } },
            { key: Attr.runId, value: { stringValue: runId } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'fixture' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: 1,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.endMs),
              attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: otlpValue(v) })),
              status: { code: 0 },
            })),
          },
        ],
      },
    ],
  });
}

/** What {@link fakeTrial} builds. */
export interface TrialSpec {
  /** Distinguishes traces of the same trial (a cancelled one and its rerun). */
  label: string;
  domain: string;
  taskId: string;
  trial: number;
  /** When the task span ends, ms since the epoch. */
  endMs: number;
  termination?: string;
  /** Durations of its tool calls, ms. */
  tools: number[];
  /** Leave out the task span (a trial cut off by a crash). */
  noTask?: boolean;
}

/**
 * The spans of one trial: the task span, one step, its tool calls, and one agent `llm_call` with vLLM timings,
 * laid out backwards from `endMs`.
 */
export function fakeTrial(t: TrialSpec): FakeSpan[] {
  const traceId = hexId(`trace ${t.label}`, 32);
  let n = 0;
  const id = () => hexId(`${t.label} span ${n++}`, 16);
  const taskId = id();
  const stepId = id();
  const total = t.tools.reduce((a, b) => a + b, 0) + 200;
  const startMs = t.endMs - total - 10;
  const spans: FakeSpan[] = [];
  if (!t.noTask) {
    spans.push({
      traceId,
      spanId: taskId,
      name: SpanName.task,
      startMs,
      endMs: t.endMs,
      attributes: {
        [Attr.kind]: Kind.task,
        [Attr.domain]: t.domain,
        [Attr.taskId]: t.taskId,
        [Attr.trial]: t.trial,
        [Attr.taskTermination]: t.termination ?? 'user_stop',
      },
    });
  }
  spans.push({
    traceId,
    spanId: stepId,
    parentSpanId: taskId,
    name: SpanName.step,
    startMs: startMs + 5,
    endMs: t.endMs - 5,
    attributes: {
      [Attr.kind]: Kind.step,
      [Attr.stepIndex]: 1,
      [Attr.stepFrom]: 'agent',
      [Attr.stepTo]: 'env',
    },
  });
  let at = startMs + 5;
  spans.push({
    traceId,
    spanId: id(),
    parentSpanId: stepId,
    name: `${SpanName.chatPrefix}agent-8b`,
    startMs: at,
    endMs: at + 200,
    attributes: {
      [Attr.kind]: Kind.llmCall,
      [Attr.genAiRequestModel]: 'agent-8b',
      [Attr.inferMs]: 190.5,
      [Attr.ttftMs]: 40.25,
      [Attr.decodeMs]: 150.25,
      [Attr.genAiInputTokens]: 800,
      [Attr.genAiOutputTokens]: 60,
    },
  });
  at += 200;
  for (const ms of t.tools) {
    spans.push({
      traceId,
      spanId: id(),
      parentSpanId: stepId,
      name: `${SpanName.executeToolPrefix}get_order`,
      startMs: at,
      endMs: at + ms,
      attributes: { [Attr.kind]: Kind.toolCall, [Attr.toolName]: 'get_order', [Attr.toolError]: false },
    });
    at += ms;
  }
  return spans;
}

/** A spool's text: one line per trial. */
export function spoolText(trials: TrialSpec[], runId?: string): string {
  return trials.map((t) => `${otlpLine(fakeTrial(t), runId)}\n`).join('');
}
