/**
 * Where a task trial's wall time went: its task span's duration cut into {@link Component}s along the trace's
 * critical path, so that the parts sum to the wall time exactly.
 *
 * The rule, applied from the task span down:
 * - **Critical path.** Within a span, the cursor starts at the span's end and walks backwards. Of the children
 *   that started before the cursor, the one that ends last is on the critical path: from its end (clamped to
 *   the cursor) to the cursor is the parent's own time, the child's own rule takes its interval (clamped to
 *   the parent's), and the cursor moves to the child's start. When no child is left, the rest down to the
 *   parent's start is the parent's own time. Concurrent children therefore never count twice: the one that
 *   finished last (the one the parent waited for) takes the overlap, the others only what sticks out before
 *   it. This is the rule of Jaeger's critical-path view.
 * - **Own time** of the task span, of steps and of any span not named below is `harness`: the harness working
 *   between calls (building prompts, scoring, scheduling), or waiting for the event loop.
 * - **Whole spans**: a tool span is `tool`, an expert call `expert`, a user-simulator call `user`, a judge
 *   call `judge`, a failed attempt of any call (`attempt` span, with what is under it) `retry`.
 * - **The agent's LLM calls** (`tau2.kind=llm_call`) are split by their children: the server's `llm_request`
 *   span that served the call is laid out from its start as `queue` (`gen_ai.latency.time_in_queue`), then
 *   `prefill` (`…time_in_model_prefill`), then `decode` (`…time_in_model_decode`); whatever of the server span
 *   those three do not cover, and all of the call not covered by the server span, is `overhead` (network,
 *   client, server work outside the model). Other `llm_request` children (of attempts that failed) are
 *   `retry`, and so is the call's own time before the request that succeeded started (its server span, or
 *   without one its client `prefill` span) when the call had failed attempts (the backoff between them). A call without a server span (a server that does not trace) has its client `prefill` child as
 *   `wait` (queue and prefill, which only the server can tell apart) and its client `decode` child as
 *   `decode`. Which server span served the call is metrics.ts's `servedBy` (by request id, else the last
 *   one with timings); a served span without the latency attributes is `wait` over its interval.
 *
 * Times are integers of nanoseconds from the task span's start while cutting (exact sums), milliseconds in
 * the result.
 */
import type { SpoolSpan } from '../export/spool-reader.js';
import { Attr, Kind, SpanName } from '../telemetry/names.js';
import { servedBy } from './metrics.js';
import type { SpanNode } from './trials.js';

/** The parts a trial's wall time is cut into, in report order. */
export const COMPONENTS = [
  'queue',
  'prefill',
  'decode',
  'wait',
  'overhead',
  'retry',
  'expert',
  'tool',
  'user',
  'judge',
  'harness',
] as const;
/** One part of a trial's wall time. */
export type Component = (typeof COMPONENTS)[number];

/** What each component means, for a report's legend. */
export const COMPONENT_LABELS: Record<Component, string> = {
  queue: 'queue (server)',
  prefill: 'prefill (server)',
  decode: 'decode',
  wait: 'queue + prefill (server untraced)',
  overhead: 'network / client overhead',
  retry: 'retries (failed attempts, backoff)',
  expert: 'expert calls',
  tool: 'tools',
  user: 'user simulator',
  judge: 'judge',
  harness: 'harness between calls',
};

/** Milliseconds per component; every component is present (0 when unused). */
export type Breakdown = Record<Component, number>;

/** A trial's wall time cut into components, in total and per model (LLM components only). */
export interface Attribution {
  total: Breakdown;
  /** Per `gen_ai.request.model`, the components that LLM calls of that model took. */
  byModel: Map<string, Breakdown>;
}

/** A breakdown of zeros. */
export function emptyBreakdown(): Breakdown {
  return Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Breakdown;
}

/** Adds `b` into `into` (component by component). */
export function addBreakdown(into: Breakdown, b: Breakdown): void {
  for (const c of COMPONENTS) into[c] += b[c];
}

type Add = (component: Component, ns: number, model?: string) => void;

/** Cuts the wall time of the trial whose task span is `root`. */
export function attribute(root: SpanNode): Attribution {
  const origin = root.span.startNs;
  const rel = (t: bigint) => Number(t - origin);
  const totalNs = emptyBreakdown();
  const modelNs = new Map<string, Breakdown>();
  const add: Add = (component, ns, model) => {
    if (ns <= 0) return;
    totalNs[component] += ns;
    if (model === undefined) return;
    let m = modelNs.get(model);
    if (!m) {
      m = emptyBreakdown();
      modelNs.set(model, m);
    }
    m[component] += ns;
  };
  const ctx: Walk = { rel, add };
  spanRule(ctx, root, 0, rel(root.span.endNs));
  const toMs = (b: Breakdown) => {
    for (const c of COMPONENTS) b[c] /= 1e6;
    return b;
  };
  for (const b of modelNs.values()) toMs(b);
  return { total: toMs(totalNs), byModel: modelNs };
}

interface Walk {
  rel: (t: bigint) => number;
  add: Add;
}

const WHOLE: Partial<Record<string, Component>> = {
  [Kind.toolCall]: 'tool',
  [Kind.expertCall]: 'expert',
  [Kind.userSim]: 'user',
  [Kind.evaluator]: 'judge',
  [Kind.attempt]: 'retry',
};

const modelOf = (s: SpoolSpan): string | undefined => {
  const m = s.attributes[Attr.genAiRequestModel];
  return typeof m === 'string' ? m : undefined;
};

/** Applies the rule of `node`'s kind to its interval [lo, hi] (ns from the trial's start). */
function spanRule(ctx: Walk, node: SpanNode, lo: number, hi: number): void {
  const kind = node.span.attributes[Attr.kind];
  const whole = typeof kind === 'string' ? WHOLE[kind] : undefined;
  if (whole) ctx.add(whole, hi - lo, modelOf(node.span));
  else if (kind === Kind.llmCall) agentCall(ctx, node, lo, hi);
  else criticalPath(ctx, node.children, lo, hi, (a, b) => ctx.add('harness', b - a), spanRule);
}

/**
 * The critical-path walk over `children` within [lo, hi]: `own(a, b)` takes the parent's own time, `child`
 * the part of a child on the path.
 */
function criticalPath(
  ctx: Walk,
  children: readonly SpanNode[],
  lo: number,
  hi: number,
  own: (a: number, b: number) => void,
  child: (ctx: Walk, node: SpanNode, lo: number, hi: number) => void,
): void {
  const byEnd = [...children].sort((a, b) =>
    a.span.endNs > b.span.endNs ? -1 : a.span.endNs < b.span.endNs ? 1 : 0,
  );
  let cursor = hi;
  for (const c of byEnd) {
    if (cursor <= lo) break;
    const start = Math.max(ctx.rel(c.span.startNs), lo);
    if (start >= cursor) continue;
    const end = Math.min(ctx.rel(c.span.endNs), cursor);
    if (end <= lo) break;
    own(end, cursor);
    child(ctx, c, start, end);
    cursor = start;
  }
  own(lo, cursor);
}

/** The agent's LLM call: the server's queue/prefill/decode, retries, and the rest as overhead. */
function agentCall(ctx: Walk, node: SpanNode, lo: number, hi: number): void {
  const model = modelOf(node.span);
  const servedSpan = servedBy(node.children, node.span);
  const served = node.children.find((c) => c.span === servedSpan);
  const hasServer = served !== undefined;
  const parts = node.children.filter((c) => {
    const name = c.span.name;
    if (name === SpanName.attempt) return true;
    // Server spans without timings say nothing metrics.ts can use either: then the client's view stands.
    if (name === SpanName.llmRequest) return hasServer;
    // The client's prefill/decode children are the same wait seen from the client: used only without a server span.
    return !hasServer && (name === SpanName.prefill || name === SpanName.decode);
  });
  // Before the served request started, a call that had failed attempts was retrying (backing off included).
  const retried = node.children.some((c) => c.span.name === SpanName.attempt);
  // Without a server span, the request that succeeded started with the client's prefill (request sent).
  const succeeded = served ?? node.children.find((c) => c.span.name === SpanName.prefill);
  const retryUntil = retried && succeeded ? ctx.rel(succeeded.span.startNs) : Number.NEGATIVE_INFINITY;
  criticalPath(
    ctx,
    parts,
    lo,
    hi,
    (a, b) => {
      const cut = Math.min(Math.max(retryUntil, a), b);
      ctx.add('retry', cut - a, model);
      ctx.add('overhead', b - cut, model);
    },
    (_ctx, c, a, b) => {
      const name = c.span.name;
      if (c === served) serverSplit(ctx, c.span, a, b, model);
      else if (name === SpanName.prefill) ctx.add('wait', b - a, model);
      else if (name === SpanName.decode) ctx.add('decode', b - a, model);
      else ctx.add('retry', b - a, model);
    },
  );
}

const seconds = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/** Lays queue, prefill and decode out from the server span's start and keeps what falls in [lo, hi]. */
function serverSplit(ctx: Walk, span: SpoolSpan, lo: number, hi: number, model: string | undefined): void {
  const a = span.attributes;
  const q = seconds(a[Attr.latencyTimeInQueue]);
  const p = seconds(a[Attr.latencyPrefill]);
  const d = seconds(a[Attr.latencyDecode]);
  if (q === undefined || p === undefined || d === undefined) {
    ctx.add('wait', hi - lo, model);
    return;
  }
  const start = ctx.rel(span.startNs);
  const cuts = [start, start + q * 1e9, start + (q + p) * 1e9, start + (q + p + d) * 1e9].map(Math.round);
  const overlap = (x: number, y: number) => Math.max(0, Math.min(y, hi) - Math.max(x, lo));
  const queue = overlap(cuts[0]!, cuts[1]!);
  const prefill = overlap(cuts[1]!, cuts[2]!);
  const decode = overlap(cuts[2]!, cuts[3]!);
  ctx.add('queue', queue, model);
  ctx.add('prefill', prefill, model);
  ctx.add('decode', decode, model);
  ctx.add('overhead', hi - lo - queue - prefill - decode, model);
}
