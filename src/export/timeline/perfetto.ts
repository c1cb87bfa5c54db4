/**
 * A run as Chrome trace-event JSON (the "JSON trace format" Perfetto UI and chrome://tracing open).
 * Track scheme: one process per domain (`pid` 1, 2, … in domain order, named after the domain), one thread
 * per task trial (`tid` counts up within the process, trials in start order, named `<task id> #<trial>`),
 * plus one more thread per further lane of that trial (`<task id> #<trial> ·2`, right below it: see
 * lanes.ts for which spans go there). Each span is one complete (`X`) event with integer microsecond `ts`
 * and `dur` after the run's first instant; `cat` is its `tau2.kind` (`server` for the server's span,
 * `server phase` for the derived queue/prefill/decode slices); `args` carries its ids, status and
 * attributes (strings cut at 2,000 characters).
 */
import type { Trial } from '../../analyze/trials.js';
import { Attr } from '../../telemetry/names.js';
import type { AttrValue } from '../spool-reader.js';
import { firstInstant, layoutTrial, type Slice, type TrialLanes } from './lanes.js';

/** One trace event (the fields this writer uses). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args: Record<string, unknown>;
}

/** The file: `traceEvents` and what it was made from. */
export interface PerfettoTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
}

const MAX_TEXT = 2000;
const STATUS = ['UNSET', 'OK', 'ERROR'];

const cut = (v: AttrValue): AttrValue =>
  typeof v === 'string' && v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}… (${v.length} characters)` : v;

/** What a slice's event says about it. */
function argsOf(slice: Slice): Record<string, unknown> {
  const { span } = slice;
  if (!span) return { derived_from: slice.derivedFrom?.attribute, seconds: slice.derivedFrom?.seconds };
  const args: Record<string, unknown> = { span_id: span.spanId };
  if (span.parentSpanId) args.parent_span_id = span.parentSpanId;
  else args.trace_id = span.traceId;
  if (span.status.code !== 0) args.status = STATUS[span.status.code] ?? span.status.code;
  if (span.status.message) args.status_message = cut(span.status.message);
  if (slice.clippedFrom) args.clipped_from_us = slice.clippedFrom;
  for (const [k, v] of Object.entries(span.attributes)) args[k] = Array.isArray(v) ? v.map(cut) : cut(v);
  return args;
}

function categoryOf(slice: Slice): string {
  if (!slice.span) return 'server phase';
  const kind = slice.span.attributes[Attr.kind];
  if (typeof kind === 'string') return kind;
  return slice.span.kind === 2 ? 'server' : 'span';
}

/** The X events of `slices` and everything under them, parents before children. */
function pushSlices(out: TraceEvent[], slices: Slice[], pid: number, tid: number): void {
  for (const s of slices) {
    const ts = s.startUs;
    out.push({ name: s.name, ph: 'X', pid, tid, ts, dur: s.endUs - ts, cat: categoryOf(s), args: argsOf(s) });
    pushSlices(out, s.children, pid, tid);
  }
}

/** `<task id> #<trial>`, or the trace id for a task span without them. */
export function trialLabel(t: Trial): string {
  return t.taskId ? `${t.taskId} #${t.trial}` : `trace ${t.traceId}`;
}

/** The trials grouped by domain (in name order), each group in start order, laid out after `t0`. */
export function laidOut(trials: readonly Trial[], t0: bigint): Map<string, TrialLanes[]> {
  const byDomain = new Map<string, TrialLanes[]>();
  const sorted = [...trials].sort(
    (a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0) || Number(a.startNs - b.startNs),
  );
  for (const t of sorted) {
    const list = byDomain.get(t.domain) ?? [];
    list.push(layoutTrial(t, t0));
    byDomain.set(t.domain, list);
  }
  return byDomain;
}

/** The run's trials as a Perfetto-ready trace; `info` goes to `otherData`. */
export function perfettoTrace(
  trials: readonly Trial[],
  info: { source: string; generator: string },
): PerfettoTrace {
  const t0 = firstInstant(trials);
  const events: TraceEvent[] = [];
  let pid = 0;
  for (const [domain, group] of laidOut(trials, t0)) {
    pid++;
    events.push({ name: 'process_name', ph: 'M', pid, args: { name: domain || '(no domain)' } });
    events.push({ name: 'process_sort_index', ph: 'M', pid, args: { sort_index: pid } });
    let tid = 0;
    for (const { trial, lanes } of group) {
      for (const [k, lane] of lanes.entries()) {
        tid++;
        const name = k === 0 ? trialLabel(trial) : `${trialLabel(trial)} ·${k + 1}`;
        events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
        events.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
        pushSlices(events, lane, pid, tid);
      }
    }
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      source: info.source,
      generator: info.generator,
      t0_unix_ns: String(t0),
      tracks:
        'one process per domain, one thread per task trial (more when spans overlap), ts/dur in µs after t0',
    },
  };
}
