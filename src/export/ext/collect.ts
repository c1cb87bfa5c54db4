/**
 * Fills an {@link ExtCollector} from a run's spans or from legacy logs. Logs are read as their logger wrote
 * them (both key generations, whole keys), not with the legacy analyzer's quirks: these are new numbers.
 */
import { LLM_KINDS } from '../../analyze/metrics.js';
import { runTrials } from '../../analyze/trials.js';
import { Attr, Kind, SpanName } from '../../telemetry/names.js';
import { domainOfLogFile } from '../legacy/files.js';
import { LegacyCallMetric, VLLM_FIGURES } from '../legacy/names.js';
import { numberField, parseRecord, vllmTimings } from '../legacy/records.js';
import { TrialBuilder, trialExtent } from '../legacy/trials.js';
import { readLines } from '../lines.js';
import { durationMs, type SpoolSpan } from '../spool-reader.js';
import { SERVER_PHASES, serverTimings } from './server.js';
import { ExtCollector } from './stats-ext.js';

/** Kinds whose durations stats_ext reports, in its order. */
export const EXT_KINDS = [
  Kind.task,
  Kind.step,
  Kind.llmCall,
  Kind.expertCall,
  Kind.userSim,
  Kind.evaluator,
  Kind.toolCall,
] as const;
const extKinds = new Set<unknown>(EXT_KINDS);
const LLM_KIND_SET = new Set<unknown>(LLM_KINDS);

type Timings = ReturnType<typeof vllmTimings>;

function addVllm(c: ExtCollector, t: Timings, model: string | undefined, domain: string | undefined): void {
  const add = (name: string, unit: 'ms' | 'tok', v: number | undefined) => {
    if (v !== undefined) c.add('metrics', name, unit, v, model, domain);
  };
  for (const f of VLLM_FIGURES) add(f.metric, f.unit, t[f.timing]);
}

/** The server's queue / prefill / decode of each served LLM call, by the call's kind. */
function addServer(c: ExtCollector, spans: SpoolSpan[]): void {
  const { timings, spans: found } = serverTimings(runTrials(spans));
  c.serverSpans = found;
  for (const t of timings) {
    for (const [phase] of SERVER_PHASES) {
      const v = t[phase];
      if (v !== undefined) c.add('server', `${t.kind}.${phase}`, 'ms', v, t.model, t.domain);
    }
  }
}

/** From spans of complete task traces. */
export function extFromSpans(spans: SpoolSpan[]): ExtCollector {
  const c = new ExtCollector();
  const domainOf = new Map(
    spans
      .filter((s) => s.name === SpanName.task && !s.parentSpanId)
      .map((s) => [s.traceId, s.attributes[Attr.domain] as string | undefined]),
  );
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  for (const s of spans) {
    const kind = s.attributes[Attr.kind];
    if (!extKinds.has(kind) || s.name === SpanName.attempt) continue;
    const model = s.attributes[Attr.genAiRequestModel] as string | undefined;
    const domain = domainOf.get(s.traceId);
    const ms = durationMs(s);
    c.add('kinds', kind as string, 'ms', ms, model, domain);
    if (LLM_KIND_SET.has(kind))
      c.cache.add(
        kind as string,
        s.attributes[Attr.genAiInputTokens],
        s.attributes[Attr.genAiCacheReadInputTokens],
      );
    if (kind === Kind.toolCall) c.add('metrics', 'tool_call', 'ms', ms, model, domain);
    else if (kind === Kind.expertCall) c.add('metrics', LegacyCallMetric.expertCall, 'ms', ms, model, domain);
    else if (kind === Kind.llmCall) {
      const a = s.attributes;
      addVllm(
        c,
        {
          infer: num(a[Attr.inferMs]),
          ttft: num(a[Attr.ttftMs]),
          decode: num(a[Attr.decodeMs]),
          input: num(a[Attr.genAiInputTokens]),
          output: num(a[Attr.genAiOutputTokens]),
        },
        model,
        domain,
      );
    }
  }
  addServer(c, spans);
  return c;
}

/** From legacy log files; task durations come from the trials rebuilt as `tau2-trace import` does. */
export async function extFromLogs(files: string[]): Promise<ExtCollector> {
  const c = new ExtCollector();
  for (const file of files) {
    const domain = domainOfLogFile(file);
    const builder = new TrialBuilder(domain, (trial) => {
      const { startNs, endNs } = trialExtent(trial);
      c.add('kinds', Kind.task, 'ms', Number(endNs - startNs) / 1e6, undefined, domain);
    });
    for (const [text, n] of readLines(file)) {
      const r = parseRecord(text, n);
      if (!r) continue;
      builder.add(r);
      const type = r.fields.get('type');
      const kind = type === 'step_complete' ? Kind.step : type;
      if (!extKinds.has(kind)) continue;
      const model = r.fields.get('model');
      const ms = numberField(r, type === 'step_complete' ? 'total_duration_ms' : 'duration_ms');
      if (ms === undefined) continue;
      c.add('kinds', kind!, 'ms', ms, model, domain);
      if (kind === Kind.toolCall) c.add('metrics', 'tool_call', 'ms', ms, model, domain);
      else if (kind === Kind.expertCall)
        c.add('metrics', LegacyCallMetric.expertCall, 'ms', ms, model, domain);
      else if (kind === Kind.llmCall) addVllm(c, vllmTimings(r), model, domain);
    }
    builder.end();
  }
  return c;
}
