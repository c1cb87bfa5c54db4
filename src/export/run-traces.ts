/**
 * Which traces of a run count, for every reader of spans (`stats --spans`, `stats --tempo`, stats_ext, `logs`):
 * - a trace counts only if it has its task span (the root `task` span); an interrupted trial's partial trace
 *   does not;
 * - a trace whose task span says `tau2.task.termination_reason = "cancelled"` does not count: Ctrl-C cut it
 *   short, and `run --resume` runs that trial again;
 * - of several counted traces of one trial (same `tau2.domain`, `tau2.task.id` and `tau2.trial`), only the one
 *   whose task span ended last counts (a resumed run may rerun a trial that failed);
 * - a span that appears twice in a trace (the same span id, e.g. logs imported twice into one Tempo) counts
 *   once. Such a trace shows by its task span appearing twice; the spans of other traces are not compared.
 */
import { Attr, SpanName } from '../telemetry/names.js';
import type { SpoolSpan } from './spool-reader.js';

/** The counted traces of a run, and how many were left out and why. */
export interface RunTraces {
  /** Spans of the counted traces, in input order. */
  spans: SpoolSpan[];
  /** The task span of each counted trace, by trace id. */
  roots: Map<string, SpoolSpan>;
  /** Traces left out: without their task span, cancelled, or superseded by a later trace of the same trial. */
  left: { partial: number; cancelled: number; superseded: number };
}

const isTaskRoot = (s: SpoolSpan) => s.name === SpanName.task && !s.parentSpanId;

/** Orders task spans by end, then by trace id, so the pick is the same whatever order the input came in. */
function endsLater(a: SpoolSpan, b: SpoolSpan): boolean {
  return a.endNs !== b.endNs ? a.endNs > b.endNs : a.traceId > b.traceId;
}

/**
 * The trial a task span belongs to; a task span that lacks one of the three attributes is a trial of its own,
 * since nothing says which other trace it would replace.
 */
function trialKey(root: SpoolSpan): string {
  const a = root.attributes;
  const parts = [a[Attr.domain], a[Attr.taskId], a[Attr.trial]];
  return parts.some((p) => p === undefined) ? `trace ${root.traceId}` : JSON.stringify(parts);
}

/** Applies the rules above to the spans of a spool or of a Tempo search. */
export function pickRunTraces(spans: readonly SpoolSpan[]): RunTraces {
  const traces = new Set<string>();
  const rootOf = new Map<string, SpoolSpan>();
  // Traces whose task span came twice: stored twice (an import sent twice), so each of their spans may be.
  // Only these are checked span by span; a set of every span id would cost more than reading the spool.
  const doubled = new Set<string>();
  for (const s of spans) {
    traces.add(s.traceId);
    if (!isTaskRoot(s)) continue;
    const seen = rootOf.get(s.traceId);
    if (seen?.spanId === s.spanId) doubled.add(s.traceId);
    if (!seen || endsLater(s, seen)) rootOf.set(s.traceId, s);
  }
  const left = { partial: traces.size - rootOf.size, cancelled: 0, superseded: 0 };
  const byTrial = new Map<string, SpoolSpan>();
  for (const root of rootOf.values()) {
    if (root.attributes[Attr.taskTermination] === 'cancelled') {
      left.cancelled++;
      continue;
    }
    const key = trialKey(root);
    const other = byTrial.get(key);
    if (other) left.superseded++;
    if (!other || endsLater(root, other)) byTrial.set(key, root);
  }
  const roots = new Map([...byTrial.values()].map((r) => [r.traceId, r]));
  const seen = new Set<string>();
  const kept: SpoolSpan[] = [];
  for (const s of spans) {
    const root = roots.get(s.traceId);
    // A trace carries one task span; should it hold another, the picked one stands for the trace.
    if (!root || (isTaskRoot(s) && s.spanId !== root.spanId)) continue;
    if (doubled.has(s.traceId)) {
      const id = `${s.traceId}/${s.spanId}`;
      if (seen.has(id)) continue;
      seen.add(id);
    }
    kept.push(s);
  }
  return { spans: kept, roots, left };
}

/** One line for stderr about the traces {@link pickRunTraces} left out, or undefined when it left out none. */
export function leftOutText(left: RunTraces['left']): string | undefined {
  const parts = [
    left.partial && `${left.partial} without their task span (interrupted)`,
    left.cancelled && `${left.cancelled} cancelled`,
    left.superseded && `${left.superseded} superseded by a later run of the same trial`,
  ].filter(Boolean);
  const n = left.partial + left.cancelled + left.superseded;
  return n === 0 ? undefined : `left out ${n} trace${n === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
