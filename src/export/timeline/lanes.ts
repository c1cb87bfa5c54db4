/**
 * Lays a trial's spans out on tracks for viewers that draw one call stack per track (Perfetto's trace-event
 * import, speedscope's evented profiles). On a track any two slices must be disjoint or one must hold the
 * other; a trace does not promise that: the server's `llm_request` overlaps the client's own `prefill` and
 * `decode` spans of the same call. The rule:
 * - Lane 0, the trial's track, holds the task span and, depth first, every child that overlaps none of its
 *   siblings already placed there (and does not start where its parent ends, which viewers draw after it). Siblings are placed server spans first (span kind SERVER: the server's
 *   `llm_request` sits under the call it served), then in start order.
 * - A child that overlaps a placed sibling (in practice the client's `prefill` and `decode`) goes, with its
 *   subtree, to the trial's first further lane where it overlaps no slice at that lane's top level.
 * - A child that reaches outside its parent (the clocks of two hosts) is clipped to it; `clippedFrom` keeps
 *   its own times. Every span of the trial becomes exactly one slice.
 * - Under a server span with vLLM's latency attributes, derived slices `server queue`, `server prefill` and
 *   `server decode` are laid end to end from its start (clipped to it; none shorter than 1 µs), so the split
 *   shows in any viewer. They are not spans: `span` is undefined and `derivedFrom` names the attribute.
 * Times are integer microseconds after `t0`, rounded half up: a monotone rounding keeps nesting and
 * disjointness exact, and Perfetto reads integer `ts`/`dur` without float error.
 */
import type { SpanNode, Trial } from '../../analyze/trials.js';
import { SERVER_PHASES } from '../ext/server.js';
import type { SpoolSpan } from '../spool-reader.js';

/** One slice on a lane: a span, or a derived server phase. */
export interface Slice {
  name: string;
  span: SpoolSpan | undefined;
  /** For a derived phase: the attribute it was read from, and its value in seconds. */
  derivedFrom?: { attribute: string; seconds: number };
  startUs: number;
  endUs: number;
  /** The span's own times (µs after t0) when it reached outside its parent and was clipped. */
  clippedFrom?: [number, number];
  children: Slice[];
}

/** A trial laid out: `lanes[k]` holds the top-level slices of lane k, in start order. */
export interface TrialLanes {
  trial: Trial;
  lanes: Slice[][];
}

const SPAN_KIND_SERVER = 2;

const overlaps = (a: Slice, startUs: number, endUs: number) => a.startUs < endUs && startUs < a.endUs;

class Layout {
  readonly lanes: Slice[][] = [[]];
  constructor(readonly t0: bigint) {}

  /** Integer µs after t0, rounded half up (monotone). */
  us(ns: bigint): number {
    return Number((ns - this.t0 + 500n) / 1000n);
  }

  /** A slice for `span` clipped to `[lo, hi]` ns when given, and the clipped interval in ns. */
  slice(span: SpoolSpan, lo?: bigint, hi?: bigint): [Slice, bigint, bigint] {
    let s = span.startNs;
    let e = span.endNs;
    const clip = lo !== undefined && hi !== undefined && (s < lo || e > hi);
    if (clip) {
      s = s < lo ? lo : s > hi ? hi : s;
      e = e > hi ? hi : e < s ? s : e;
    }
    const out: Slice = { name: span.name, span, startUs: this.us(s), endUs: this.us(e), children: [] };
    if (clip) out.clippedFrom = [this.us(span.startNs), this.us(span.endNs)];
    return [out, s, e];
  }

  /** Places `node` under `parent` (on `parent`'s lane) if it fits there, else at the top of another lane. */
  place(node: SpanNode, parent: Slice | undefined, lo?: bigint, hi?: bigint): void {
    const [slice, s, e] = this.slice(node.span, lo, hi);
    const siblings = parent?.children;
    // A viewer has closed a slice for anything that starts at its end: a zero-length child there is not inside.
    const inside = parent !== undefined && (slice.startUs < parent.endUs || parent.startUs === parent.endUs);
    if (inside && !siblings!.some((x) => overlaps(x, slice.startUs, slice.endUs))) siblings!.push(slice);
    else this.topLevel(slice, parent === undefined ? 0 : 1);
    this.phases(slice, node.span, s, e);
    const order = [...node.children].sort(
      (a, b) => Number(b.span.kind === SPAN_KIND_SERVER) - Number(a.span.kind === SPAN_KIND_SERVER),
    );
    for (const child of order) this.place(child, slice, s, e);
  }

  /** Puts `slice` at the top level of the first lane from `from` on where it overlaps nothing. */
  private topLevel(slice: Slice, from: number): void {
    for (let k = from; ; k++) {
      if (this.lanes[k] === undefined) this.lanes[k] = [];
      const lane = this.lanes[k]!;
      if (!lane.some((x) => overlaps(x, slice.startUs, slice.endUs))) {
        lane.push(slice);
        return;
      }
    }
  }

  /** vLLM's queue / prefill / decode under a server span, end to end from its start, clipped to it. */
  private phases(slice: Slice, span: SpoolSpan, start: bigint, end: bigint): void {
    if (span.kind !== SPAN_KIND_SERVER) return;
    let at = start;
    for (const [name, attribute] of SERVER_PHASES) {
      const seconds = span.attributes[attribute];
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) continue;
      const from = at;
      const to = from + BigInt(Math.round(seconds * 1e9));
      at = to > end ? end : to;
      const [startUs, endUs] = [this.us(from), this.us(at)];
      // A phase shorter than the rounding has nothing to show (its value stays in the server span's args).
      if (endUs === startUs) continue;
      // Named apart from the client's own `prefill` / `decode` spans, which speedscope would merge them with.
      slice.children.push({
        name: `server ${name}`,
        span: undefined,
        derivedFrom: { attribute, seconds },
        startUs,
        endUs,
        children: [],
      });
    }
  }
}

/** Sorts every lane and child list by start (then longest first), the order viewers and the writers need. */
function sortSlices(slices: Slice[]): void {
  slices.sort((a, b) => a.startUs - b.startUs || b.endUs - a.endUs);
  for (const s of slices) sortSlices(s.children);
}

/** Lays out one trial; `t0` (epoch ns) is the run's first instant, shared by all its trials. */
export function layoutTrial(trial: Trial, t0: bigint): TrialLanes {
  const layout = new Layout(t0);
  layout.place(trial.root, undefined);
  for (const lane of layout.lanes) sortSlices(lane);
  return { trial, lanes: layout.lanes };
}

/** The first instant of any span of `trials` (epoch ns). */
export function firstInstant(trials: readonly Trial[]): bigint {
  let t0: bigint | undefined;
  const visit = (n: SpanNode) => {
    if (t0 === undefined || n.span.startNs < t0) t0 = n.span.startNs;
    for (const c of n.children) visit(c);
  };
  for (const t of trials) visit(t.root);
  return t0 ?? 0n;
}
