/**
 * Legacy logs → spans per the span contract: each rebuilt trial ({@link TrialBuilder}) becomes one trace,
 * task → step → call, through a real SDK tracer so the spans reach the same processors (spool, OTLP) as a
 * live run's.
 *
 * - A span ends at its line's timestamp and starts `duration_ms` (`total_duration_ms` for steps) earlier.
 * - Calls hang under the step their `step=` names. A step with calls but no `step_complete` line is
 *   rebuilt from its calls' extent. A call without `step=` (user simulator, judge) hangs under the
 *   smallest step that contains it, else under the task.
 * - The agent's vLLM timings come from either key generation. `prefill`/`decode` children are placed at the
 *   end of the call, the time the legacy logger did not break down (client overhead) first.
 * - Ids are derived from run id, domain, task id and trial index, so importing the same logs twice gives
 *   the same traces (a collector or Tempo sees duplicates, not new trials).
 */
import { createHash } from 'node:crypto';
import {
  type Attributes,
  type Context,
  type HrTime,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { Attr, Kind, ProviderName, SpanName } from '../../telemetry/names.js';
import { numberField, vllmTimings } from './records.js';
import { type Trial, type TrialEvent, trialExtent } from './trials.js';

/** Hands the SDK the ids {@link emitTrial} picked for the span about to start. */
export class PresetIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

/** How far a call may stick out of its step: the timestamp's millisecond plus the duration's rounding. */
const SLACK_NS = 2_000_000n;
const hex = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);
const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
const defined = (a: Record<string, string | number | boolean | undefined>): Attributes =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attributes;

function callSpan(e: TrialEvent): { name: string; kind: SpanKind; attributes: Attributes; error: boolean } {
  const f = e.record.fields;
  if (e.type === 'tool_call') {
    const error = f.get('error') === 'True';
    const tool = f.get('function') ?? 'unknown';
    return {
      name: `${SpanName.executeToolPrefix}${tool}`,
      kind: SpanKind.INTERNAL,
      attributes: { [Attr.kind]: Kind.toolCall, [Attr.toolName]: tool, [Attr.toolError]: error },
      error,
    };
  }
  const model = f.get('model') ?? 'unknown';
  const callType = f.get('call_type');
  const t = e.type === 'llm_call' || e.type === 'expert_call' ? vllmTimings(e.record) : undefined;
  const hasToolCalls = f.get('has_tool_calls');
  return {
    name: `${SpanName.chatPrefix}${model}`,
    kind: SpanKind.CLIENT,
    attributes: defined({
      [Attr.kind]: e.type,
      [Attr.genAiOperation]: 'chat',
      [Attr.genAiRequestModel]: model,
      [Attr.genAiProvider]: callType === 'vllm' ? ProviderName.vllm : ProviderName.openai,
      [Attr.inferMs]: t?.infer,
      [Attr.ttftMs]: t?.ttft,
      [Attr.decodeMs]: t?.decode,
      [Attr.genAiTtfc]: t?.ttft === undefined ? undefined : t.ttft / 1000,
      [Attr.genAiInputTokens]: t?.input,
      [Attr.genAiOutputTokens]: t?.output,
      [Attr.hasToolCalls]: hasToolCalls === undefined ? undefined : hasToolCalls === 'True',
    }),
    error: false,
  };
}

interface StepExtent {
  index: number;
  startNs: bigint;
  endNs: bigint;
  event?: TrialEvent;
  span?: Span;
}

function stepIndex(e: TrialEvent): number | undefined {
  return numberField(e.record, 'step');
}

/** The steps of a trial: one per `step_complete` line, plus steps named only by their calls' `step=`. */
function stepsOf(trial: Trial): StepExtent[] {
  const steps = new Map<number, StepExtent>();
  for (const e of trial.events) {
    const i = stepIndex(e);
    if (e.type === 'step_complete' && i !== undefined && !steps.get(i)?.event) {
      steps.set(i, { index: i, startNs: e.startNs, endNs: e.endNs, event: e });
    }
  }
  for (const e of trial.events) {
    const i = stepIndex(e);
    if (e.type === 'step_complete' || i === undefined || steps.get(i)?.event) continue;
    const s = steps.get(i);
    if (!s) steps.set(i, { index: i, startNs: e.startNs, endNs: e.endNs });
    else {
      if (e.startNs < s.startNs) s.startNs = e.startNs;
      if (e.endNs > s.endNs) s.endNs = e.endNs;
    }
  }
  return [...steps.values()].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}

/** Starts a span of one trace with the id {@link PresetIds} hands the SDK next. */
type StartSpan = (
  name: string,
  startNs: bigint,
  opts: { kind?: SpanKind; attributes?: Attributes },
  parent: Context,
) => Span;

/** A {@link StartSpan} for the trace of `trial`: ids derive from run, domain, task, trial and span order. */
function spanStarter(tracer: Tracer, ids: PresetIds, runId: string, trial: Trial): StartSpan {
  const traceId = hex(`${runId}\n${trial.domain}\n${trial.taskId}\n${trial.index}`, 32);
  let seq = 0;
  return (name, startNs, opts, parent) => {
    ids.traceId = traceId;
    ids.spanId = hex(`${traceId}/${seq++}`, 16);
    return tracer.startSpan(name, { ...opts, startTime: hr(startNs) }, parent);
  };
}

function startTask(start: StartSpan, trial: Trial, startNs: bigint, steps: number): Span {
  const thread = Number(trial.thread);
  const attributes = defined({
    [Attr.kind]: Kind.task,
    [Attr.taskId]: trial.taskId,
    [Attr.domain]: trial.domain,
    [Attr.trial]: trial.index,
    [Attr.taskSteps]: steps,
    [Attr.threadId]: Number.isSafeInteger(thread) ? thread : undefined,
  });
  return start(SpanName.task, startNs, { attributes }, ROOT_CONTEXT);
}

/** Starts a span per step under the task; returns the steps by index. */
function startSteps(start: StartSpan, steps: StepExtent[], taskCtx: Context): Map<number, StepExtent> {
  const byIndex = new Map<number, StepExtent>();
  for (const s of steps) {
    const f = s.event?.record.fields;
    const attributes = defined({
      [Attr.kind]: Kind.step,
      [Attr.stepIndex]: s.index,
      [Attr.stepFrom]: f?.get('from_role'),
      [Attr.stepTo]: f?.get('to_role'),
    });
    s.span = start(SpanName.step, s.startNs, { attributes }, taskCtx);
    byIndex.set(s.index, s);
  }
  return byIndex;
}

/** The parent of a call: the step its `step=` names, else the smallest step around it, else the task. */
function parentFinder(steps: StepExtent[], byIndex: Map<number, StepExtent>, taskCtx: Context) {
  return (e: TrialEvent): Context => {
    const i = stepIndex(e);
    let step = i === undefined ? undefined : byIndex.get(i);
    if (!step) {
      // Both ends are known only to the line's millisecond and the duration's two decimals, so "around"
      // allows that much.
      for (const s of steps) {
        if (s.startNs > e.startNs + SLACK_NS || s.endNs + SLACK_NS < e.endNs) continue;
        if (!step || s.endNs - s.startNs < step.endNs - step.startNs) step = s;
      }
    }
    return step?.span ? trace.setSpan(ROOT_CONTEXT, step.span) : taskCtx;
  };
}

/**
 * The `prefill` and `decode` children of an agent call with both timings, placed at the end of the call
 * (the time the legacy logger did not break down comes first); returns how many spans it made.
 */
function emitPhases(start: StartSpan, e: TrialEvent, call: Span, attributes: Attributes): number {
  const ttft = attributes[Attr.ttftMs];
  const decode = attributes[Attr.decodeMs];
  if (typeof ttft !== 'number' || typeof decode !== 'number') return 0;
  const ctx = trace.setSpan(ROOT_CONTEXT, call);
  const decodeStart = e.endNs - BigInt(Math.round(decode * 1e6));
  let prefillStart = decodeStart - BigInt(Math.round(ttft * 1e6));
  if (prefillStart < e.startNs) prefillStart = e.startNs;
  start(SpanName.prefill, prefillStart, { attributes: { [Attr.kind]: Kind.prefill } }, ctx).end(
    hr(decodeStart < prefillStart ? prefillStart : decodeStart),
  );
  const decodeFrom = decodeStart < e.startNs ? e.startNs : decodeStart;
  start(SpanName.decode, decodeFrom, { attributes: { [Attr.kind]: Kind.decode } }, ctx).end(hr(e.endNs));
  return 2;
}

/** Emits one call line as a span (with its phases); returns how many spans it made. */
function emitCall(start: StartSpan, e: TrialEvent, parent: Context): number {
  const c = callSpan(e);
  const span = start(c.name, e.startNs, { kind: c.kind, attributes: c.attributes }, parent);
  if (c.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool error' });
  const phases = emitPhases(start, e, span, c.attributes);
  span.end(hr(e.endNs));
  return 1 + phases;
}

/**
 * Emits one trial as a trace through `tracer` (whose provider uses `ids`); returns the number of spans. Spans
 * end in the file's line order, the task last.
 */
export function emitTrial(tracer: Tracer, ids: PresetIds, runId: string, trial: Trial): number {
  const start = spanStarter(tracer, ids, runId, trial);
  const { startNs, endNs } = trialExtent(trial);
  const steps = stepsOf(trial);
  const task = startTask(start, trial, startNs, steps.length);
  const taskCtx = trace.setSpan(ROOT_CONTEXT, task);
  const byIndex = startSteps(start, steps, taskCtx);
  const parentOf = parentFinder(steps, byIndex, taskCtx);
  let count = 1 + steps.length;
  for (const e of trial.events) {
    if (e.type !== 'step_complete') count += emitCall(start, e, parentOf(e));
    else {
      const s = byIndex.get(stepIndex(e)!);
      if (s?.event === e) s.span!.end(hr(e.endNs));
    }
  }
  for (const s of steps) if (!s.event) s.span!.end(hr(s.endNs));
  task.end(hr(endNs));
  return count;
}
