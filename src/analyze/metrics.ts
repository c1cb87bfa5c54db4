/**
 * A run's named metrics as samples, under the one name scheme that `report`, `compare` and `--fail-on` share:
 * `<kind>.<stat>` (`llm_call.ttft`, `tool_call.duration`, `task.reward`), optionally split per model or per
 * domain as `<name>{model=<model>}` / `<name>{domain=<domain>}`. {@link METRICS} is the name table, with units.
 */
import { durationMs, type SpoolSpan } from '../export/spool-reader.js';
import { Attr, Kind, type LlmKind, SpanName } from '../telemetry/names.js';
import { quantileSorted } from '../util/quantile.js';
import { CacheTally, type CacheUse } from './cache.js';
import { type Trial, walk } from './trials.js';

/** Units of metric values: milliseconds, tokens, reward (0…1), US dollars. */
export type Unit = 'ms' | 'tok' | 'reward' | 'USD';

/** One row of the name table. */
export interface MetricDef {
  name: string;
  unit: Unit;
  /** What one sample is, and where it comes from. */
  description: string;
}

/** LLM call kinds, in report order. */
export const LLM_KINDS: readonly LlmKind[] = [Kind.llmCall, Kind.expertCall, Kind.userSim, Kind.evaluator];

/** The per-call statistics of every LLM kind, with units and sources. */
const LLM_STATS: readonly [stat: string, unit: Unit, what: string][] = [
  ['ttft', 'ms', 'time to first chunk, client side (tau2.llm.ttft_ms)'],
  ['queue', 'ms', "time waiting in the server's queue (its llm_request span: gen_ai.latency.time_in_queue)"],
  ['prefill', 'ms', 'server prefill (its llm_request span: gen_ai.latency.time_in_model_prefill)'],
  ['decode', 'ms', 'first chunk to end of stream, client side (tau2.llm.decode_ms)'],
  ['e2e', 'ms', "the call span's duration, retries included"],
  ['input_tokens', 'tok', 'prompt tokens (gen_ai.usage.input_tokens)'],
  ['output_tokens', 'tok', 'completion tokens (gen_ai.usage.output_tokens)'],
  [
    'cached_tokens',
    'tok',
    "prompt tokens served from the server's prefix cache (gen_ai.usage.cache_read.input_tokens), when it reports them",
  ],
];

/** Every metric name, in report order. */
export const METRICS: readonly MetricDef[] = [
  { name: 'task.duration', unit: 'ms', description: 'wall time of a task trial (its task span)' },
  { name: 'task.reward', unit: 'reward', description: 'reward of a task trial (tau2.task.reward)' },
  { name: 'task.cost', unit: 'USD', description: 'cost of a task trial, when every model it used is priced' },
  ...LLM_KINDS.flatMap((kind) =>
    LLM_STATS.map(([stat, unit, what]) => ({
      name: `${kind}.${stat}`,
      unit,
      description: `${kind}: ${what}`,
    })),
  ),
  { name: 'tool_call.duration', unit: 'ms', description: 'duration of a tool call span' },
];

const UNITS = new Map(METRICS.map((m) => [m.name, m.unit]));

/** One value of a metric, with what it can be grouped or paired by. */
export interface Sample {
  value: number;
  /** `gen_ai.request.model` of an LLM call; undefined for task and tool samples. */
  model: string | undefined;
  domain: string;
  /** The trial's key (`domain/task/trial`), which pairs samples of the same trial across runs. */
  trial: string;
}

/** A named metric and its samples. */
export interface Metric {
  name: string;
  unit: Unit;
  samples: Sample[];
}

/** Whether the server's `llm_request` spans were there to tell queueing from prefill. */
export interface ServerSpans {
  /** LLM calls seen, and how many of them have the server's span of the request that served them. */
  calls: number;
  served: number;
  /** `present` when every call has one, `absent` when none does (a server without tracing), else `partial`. */
  state: 'present' | 'partial' | 'absent';
  /** A sentence saying so, for any output that shows queue or prefill. */
  note: string;
}

/** What {@link runMetrics} returns: every metric of {@link METRICS} (possibly without samples), in its order. */
export interface RunMetrics {
  metrics: Metric[];
  server: ServerSpans;
  /** The prefix-cache hit rate of each LLM kind that has calls, in {@link LLM_KINDS} order (cache.ts). */
  cache: [LlmKind, CacheUse][];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The server span of the request that served `call`: the `llm_request` child whose request id is the
 * response id, else the last one with timings (earlier ones are failed attempts).
 */
export function servedBy(children: readonly { span: SpoolSpan }[], call: SpoolSpan): SpoolSpan | undefined {
  const id = call.attributes[Attr.genAiResponseId];
  let last: SpoolSpan | undefined;
  for (const { span } of children) {
    if (span.name !== SpanName.llmRequest) continue;
    if (id !== undefined && span.attributes[Attr.requestId] === id) return span;
    if (num(span.attributes[Attr.latencyTimeInQueue]) !== undefined) last = span;
  }
  return last;
}

/** Collects samples by metric name. */
class Samples {
  readonly byName = new Map<string, Sample[]>(METRICS.map((m) => [m.name, []]));
  add(name: string, value: number | undefined, trial: Trial, model?: string): void {
    if (value === undefined) return;
    this.byName.get(name)!.push({ value, model, domain: trial.domain, trial: trial.key });
  }
}

const LLM_KIND_SET = new Set<unknown>(LLM_KINDS);
const isLlmKind = (k: unknown): k is LlmKind => LLM_KIND_SET.has(k);

/** The samples of one LLM call span; whether the server's span of its request was found. */
function addCall(out: Samples, trial: Trial, call: SpoolSpan, kind: LlmKind, server: SpoolSpan | undefined) {
  const a = call.attributes;
  const requested = a[Attr.genAiRequestModel];
  const model = typeof requested === 'string' ? requested : undefined;
  const add = (stat: string, v: number | undefined) => out.add(`${kind}.${stat}`, v, trial, model);
  add('ttft', num(a[Attr.ttftMs]));
  add('decode', num(a[Attr.decodeMs]));
  add('e2e', durationMs(call));
  add('input_tokens', num(a[Attr.genAiInputTokens]));
  add('output_tokens', num(a[Attr.genAiOutputTokens]));
  add('cached_tokens', num(a[Attr.genAiCacheReadInputTokens]));
  const seconds = (key: string) => {
    const v = server && num(server.attributes[key]);
    return v === undefined ? undefined : v * 1000;
  };
  add('queue', seconds(Attr.latencyTimeInQueue));
  add('prefill', seconds(Attr.latencyPrefill));
}

export function serverNote(calls: number, served: number): ServerSpans {
  const state = served === 0 ? 'absent' : served === calls ? 'present' : 'partial';
  const note =
    state === 'present'
      ? `queue and server prefill from the server's llm_request spans (all ${calls} LLM calls)`
      : state === 'absent'
        ? 'no llm_request spans from the server (a server without tracing): queue and server prefill are unknown; ttft includes both'
        : `queue and server prefill from the server's llm_request spans of ${served} of ${calls} LLM calls (the others have none)`;
  return { calls, served, state, note };
}

/**
 * Every metric of a run's trials. `costs` (by trial key, USD) gives `task.cost`: pass only the trials whose
 * cost is known (cost.ts), so an unpriced model never shows as $0.
 */
export function runMetrics(trials: readonly Trial[], costs?: ReadonlyMap<string, number>): RunMetrics {
  const out = new Samples();
  let calls = 0;
  let served = 0;
  const cache = new CacheTally();
  for (const trial of trials) {
    out.add('task.duration', trial.wallMs, trial);
    out.add('task.reward', trial.reward, trial);
    out.add('task.cost', costs?.get(trial.key), trial);
    for (const node of walk(trial.root)) {
      const { span } = node;
      const kind = span.attributes[Attr.kind];
      if (kind === Kind.toolCall) out.add('tool_call.duration', durationMs(span), trial);
      if (!isLlmKind(kind) || span.name === SpanName.attempt) continue;
      const server = servedBy(node.children, span);
      calls++;
      if (server) served++;
      addCall(out, trial, span, kind, server);
      cache.add(
        kind,
        span.attributes[Attr.genAiInputTokens],
        span.attributes[Attr.genAiCacheReadInputTokens],
      );
    }
  }
  const metrics = METRICS.map((m) => ({ name: m.name, unit: m.unit, samples: out.byName.get(m.name)! }));
  return {
    metrics,
    server: serverNote(calls, served),
    cache: cache.byKind(LLM_KINDS) as [LlmKind, CacheUse][],
  };
}

/** What a split groups samples by. */
export type SplitBy = 'model' | 'domain';

/**
 * The metrics split per model or per domain: `llm_call.ttft{model=gpt-5}`, in the order of `metrics`, then
 * of the group's name. Samples without a model (task and tool metrics) are not split by model.
 */
export function splitMetrics(metrics: readonly Metric[], by: SplitBy): Metric[] {
  const out: Metric[] = [];
  for (const m of metrics) {
    const groups = new Map<string, Sample[]>();
    for (const s of m.samples) {
      const label = s[by];
      if (label === undefined) continue;
      const list = groups.get(label);
      if (list) list.push(s);
      else groups.set(label, [s]);
    }
    for (const label of [...groups.keys()].sort()) {
      out.push({ name: `${m.name}{${by}=${label}}`, unit: m.unit, samples: groups.get(label)! });
    }
  }
  return out;
}

/** The base name of a (possibly split) metric name: `llm_call.ttft{model=x}` → `llm_call.ttft`. */
export const baseName = (name: string): string => name.replace(/\{.*\}$/, '');

/** The unit of a metric name (split or not), or undefined for a name not in {@link METRICS}. */
export const unitOf = (name: string): Unit | undefined => UNITS.get(baseName(name));

/** The statistics of a metric's values. */
export interface Summary {
  count: number;
  mean: number;
  median: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** Names of {@link Summary}'s statistics, as `--fail-on` spells them. */
export const STATS = ['count', 'mean', 'median', 'p50', 'p90', 'p95', 'p99', 'min', 'max'] as const;
export type Stat = (typeof STATS)[number];

/**
 * Count, mean, min, max and quantiles (the project's one quantile, util/quantile.ts) of `values`; undefined
 * when there are none.
 */
export function summarize(values: ArrayLike<number>): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const q = (p: number) => quantileSorted(sorted, p);
  const median = q(0.5);
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    median,
    p50: median,
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** The values of a metric's samples. */
export const valuesOf = (m: Metric): number[] => m.samples.map((s) => s.value);
