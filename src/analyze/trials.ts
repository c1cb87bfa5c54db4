/**
 * A run's task trials, rebuilt from its spans: one {@link Trial} per counted task trace (openRun has already
 * picked them, run-traces.ts), with the trial's identity, outcome and span tree. The server's `llm_request`
 * spans carry the client call's `traceparent`, so they sit under the call they served like any other child.
 */

import type { SpoolSpan } from '../export/spool-reader.js';
import { Attr, SpanName } from '../telemetry/names.js';

/** A span and its children, sorted by start (then end, then span id, so the order never depends on input). */
export interface SpanNode {
  span: SpoolSpan;
  children: SpanNode[];
}

/** One task trial of a run. */
export interface Trial {
  domain: string;
  taskId: string;
  trial: number;
  /** `domain/task/trial`: what pairs a trial with the same trial of another run. */
  key: string;
  traceId: string;
  /** `tau2.task.reward`; undefined when the task span has none (an imported legacy trial). */
  reward: number | undefined;
  termination: string | undefined;
  /** What went wrong, for a trial whose task span has status ERROR (its status message). */
  error: string | undefined;
  startNs: bigint;
  endNs: bigint;
  wallMs: number;
  /** The task span and everything under it. */
  root: SpanNode;
  /** Spans of the trace whose parent is not in it (attached under the root so nothing is lost). */
  orphans: number;
}

const STATUS_ERROR = 2;

/** Sort order of siblings. */
function byStart(a: SpanNode, b: SpanNode): number {
  const x = a.span;
  const y = b.span;
  if (x.startNs !== y.startNs) return x.startNs < y.startNs ? -1 : 1;
  if (x.endNs !== y.endNs) return x.endNs < y.endNs ? -1 : 1;
  return x.spanId < y.spanId ? -1 : x.spanId > y.spanId ? 1 : 0;
}

function sortTree(node: SpanNode): void {
  // Iterative: a 200-step trial nests shallowly, but an imported trace may not.
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    n.children.sort(byStart);
    for (const c of n.children) stack.push(c);
  }
}

/** The trial of one trace, given its task span and all its spans. */
function trialOf(root: SpoolSpan, spans: SpoolSpan[]): Trial {
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) nodes.set(s.spanId, { span: s, children: [] });
  const top = nodes.get(root.spanId)!;
  let orphans = 0;
  for (const node of nodes.values()) {
    if (node === top) continue;
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else {
      orphans++;
      top.children.push(node);
    }
  }
  sortTree(top);
  const a = root.attributes;
  const domain = String(a[Attr.domain] ?? '');
  const taskId = String(a[Attr.taskId] ?? '');
  const trialAttr = a[Attr.trial];
  const trial = typeof trialAttr === 'number' ? trialAttr : 0;
  const reward = a[Attr.taskReward];
  const termination = a[Attr.taskTermination];
  const failed = root.status.code === STATUS_ERROR;
  return {
    domain,
    taskId,
    trial,
    key: `${domain}/${taskId}/${trial}`,
    traceId: root.traceId,
    reward: typeof reward === 'number' ? reward : undefined,
    termination: typeof termination === 'string' ? termination : undefined,
    error: failed ? (root.status.message ?? String(termination ?? 'failed')) : undefined,
    startNs: root.startNs,
    endNs: root.endNs,
    wallMs: Number(root.endNs - root.startNs) / 1e6,
    root: top,
    orphans,
  };
}

const isTaskRoot = (s: SpoolSpan) => s.name === SpanName.task && !s.parentSpanId;

/**
 * The trials of a run's spans (a {@link RunSource}'s `spans`), ordered by domain, task id and trial. A trace
 * without a task span is not a trial and is left out (openRun has already counted such traces).
 */
export function runTrials(spans: readonly SpoolSpan[]): Trial[] {
  const byTrace = new Map<string, SpoolSpan[]>();
  const roots = new Map<string, SpoolSpan>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
    if (isTaskRoot(s)) roots.set(s.traceId, s);
  }
  const trials: Trial[] = [];
  for (const [traceId, root] of roots) trials.push(trialOf(root, byTrace.get(traceId)!));
  return trials.sort(
    (x, y) =>
      cmp(x.domain, y.domain) || cmp(x.taskId, y.taskId) || x.trial - y.trial || cmp(x.traceId, y.traceId),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every node under `node` (itself included), depth first in start order. An array rather than a generator:
 * metrics and cost walk every trial of runs of hundreds of thousands of spans, where a generator's
 * per-step cost shows.
 */
export function walk(node: SpanNode): SpanNode[] {
  const out: SpanNode[] = [];
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}
