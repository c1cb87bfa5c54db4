/**
 * One trial's spans in the compact, columnar form the report's flame graph draws (report/page/flame.ts):
 * one row per span, nested by depth as in the trace, times in milliseconds from the trial's start rounded to
 * 0.01 ms. What is left out, to keep a 300,000-span report small: the client's `prefill`/`decode` children of a
 * call that has the server's `llm_request` span (the server span shows the same wait, split into queue,
 * prefill and decode: `split` holds those three per server row). Without a server span they are kept, so a
 * server without tracing still shows its client-side split.
 */

import type { SpanNode } from '../analyze/trials.js';
import type { SpoolSpan } from '../export/spool-reader.js';
import { Attr, SpanName } from '../telemetry/names.js';

/** Columns of a trial's flame rows (same length each), plus the server rows' queue/prefill/decode. */
export interface FlameData {
  /** Start, ms from the trial's start. */
  start: number[];
  /** Duration, ms. */
  dur: number[];
  depth: number[];
  /** Index into the report's shared string table: the span's name. */
  name: number[];
  /** Index into the report's shared string table: the span's `tau2.kind` (or its name for unkinded spans). */
  kind: number[];
  /** Flat triples `[row, queue ms, prefill ms, decode ms]…` for server spans with vLLM's latency attributes. */
  split: number[];
}

/** Interns strings into one table shared by every trial of a report. */
export class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  /** The index of `s`, added when new. */
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** Rounds to 0.01 (what a flame graph can show). */
export const r2 = (x: number): number => Math.round(x * 100) / 100;

const hasServer = (node: SpanNode) => node.children.some((c) => c.span.name === SpanName.llmRequest);

/** Seconds attribute `key` of `s` in ms, or undefined. */
function ms(s: SpoolSpan, key: string): number | undefined {
  const v = s.attributes[key];
  return typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined;
}

/** The flame rows of the trial whose task span is `root`. */
export function flameOf(root: SpanNode, strings: StringTable): FlameData {
  const out: FlameData = { start: [], dur: [], depth: [], name: [], kind: [], split: [] };
  const origin = root.span.startNs;
  const stack: { node: SpanNode; depth: number }[] = [{ node: root, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth } = top;
    const s = node.span;
    const row = out.start.length;
    out.start.push(r2(Number(s.startNs - origin) / 1e6));
    out.dur.push(r2(Number(s.endNs - s.startNs) / 1e6));
    out.depth.push(depth);
    out.name.push(strings.id(s.name));
    const kind = s.attributes[Attr.kind];
    out.kind.push(strings.id(typeof kind === 'string' ? kind : s.name));
    if (s.name === SpanName.llmRequest) {
      const q = ms(s, Attr.latencyTimeInQueue);
      const p = ms(s, Attr.latencyPrefill);
      const d = ms(s, Attr.latencyDecode);
      if (q !== undefined && p !== undefined && d !== undefined) out.split.push(row, r2(q), r2(p), r2(d));
    }
    // Only a call has prefill/decode children; most spans are leaves.
    const skipClient = node.children.length > 1 && hasServer(node);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const c = node.children[i]!;
      if (skipClient && (c.span.name === SpanName.prefill || c.span.name === SpanName.decode)) continue;
      stack.push({ node: c, depth: depth + 1 });
    }
  }
  return out;
}
