/**
 * The server's side of each LLM call: time in vLLM's queue, prefill and decode, read from the `llm_request`
 * span that served the call (the one analyze/metrics.ts picks), so stats_ext and the run's closing summary
 * tell queueing from prefill, and say plainly when the server left no spans (a server without tracing, or
 * one that sends its spans elsewhere).
 */
import { type ServerSpans, servedBy, serverNote } from '../../analyze/metrics.js';
import { type Trial, walk } from '../../analyze/trials.js';
import { Attr, Kind, type LlmKind, SpanName } from '../../telemetry/names.js';

/** One served call's server timings (ms; undefined when the server's span lacks the attribute). */
export interface ServerTiming {
  kind: LlmKind;
  model: string | undefined;
  domain: string;
  queue: number | undefined;
  prefill: number | undefined;
  decode: number | undefined;
}

/** The server phases, as stats_ext and the summary name them, with the attribute each is read from. */
export const SERVER_PHASES = [
  ['queue', Attr.latencyTimeInQueue],
  ['prefill', Attr.latencyPrefill],
  ['decode', Attr.latencyDecode],
] as const;

const LLM_KINDS: readonly string[] = [Kind.llmCall, Kind.expertCall, Kind.userSim, Kind.evaluator];

const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v * 1000 : undefined);

/** The server timings of every LLM call of `trials` that has its server span, and how many calls do. */
export function serverTimings(trials: readonly Trial[]): { timings: ServerTiming[]; spans: ServerSpans } {
  const timings: ServerTiming[] = [];
  let calls = 0;
  for (const trial of trials) {
    for (const node of walk(trial.root)) {
      const { span } = node;
      const kind = span.attributes[Attr.kind];
      if (!LLM_KINDS.includes(kind as string) || span.name === SpanName.attempt) continue;
      calls++;
      const server = servedBy(node.children, span);
      if (!server) continue;
      const model = span.attributes[Attr.genAiRequestModel];
      const a = server.attributes;
      timings.push({
        kind: kind as LlmKind,
        model: typeof model === 'string' ? model : undefined,
        domain: trial.domain,
        queue: ms(a[Attr.latencyTimeInQueue]),
        prefill: ms(a[Attr.latencyPrefill]),
        decode: ms(a[Attr.latencyDecode]),
      });
    }
  }
  return { timings, spans: serverNote(calls, timings.length) };
}
