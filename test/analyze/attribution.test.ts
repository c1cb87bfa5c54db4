/** Wall-time attribution along the critical path (src/analyze/attribution.ts) on hand-built trials. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, type Breakdown, COMPONENTS } from '../../src/analyze/attribution.js';
import type { SpanNode } from '../../src/analyze/trials.js';
import type { SpoolSpan } from '../../src/export/spool-reader.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';

let ids = 0;
/** A node of `name` from `startMs` to `endMs` (ms since an arbitrary origin). */
function node(
  name: string,
  kind: string | undefined,
  startMs: number,
  endMs: number,
  attributes: SpoolSpan['attributes'] = {},
  children: SpanNode[] = [],
): SpanNode {
  const ns = (ms: number) => BigInt(Math.round(ms * 1e6)) + 1_700_000_000_000_000_000n;
  const span: SpoolSpan = {
    traceId: 't',
    spanId: String(ids++),
    parentSpanId: undefined,
    name,
    kind: 1,
    startNs: ns(startMs),
    endNs: ns(endMs),
    attributes: { ...(kind ? { [Attr.kind]: kind } : {}), ...attributes },
    events: [],
    status: { code: 0 },
    resource: {},
  };
  return { span, children };
}

const task = (end: number, children: SpanNode[]) => node(SpanName.task, Kind.task, 0, end, {}, children);
const step = (s: number, e: number, children: SpanNode[]) =>
  node(SpanName.step, Kind.step, s, e, {}, children);
const server = (s: number, e: number, q: number, p: number, d: number, id = 'req-1') =>
  node(SpanName.llmRequest, undefined, s, e, {
    [Attr.requestId]: id,
    [Attr.latencyTimeInQueue]: q,
    [Attr.latencyPrefill]: p,
    [Attr.latencyDecode]: d,
  });
const agent = (s: number, e: number, children: SpanNode[], id = 'req-1') =>
  node(
    'chat agent-8b',
    Kind.llmCall,
    s,
    e,
    { [Attr.genAiRequestModel]: 'agent-8b', [Attr.genAiResponseId]: id },
    children,
  );

/** The breakdown with only the non-zero components, rounded to µs. */
function nonZero(b: Breakdown): Partial<Breakdown> {
  return Object.fromEntries(
    COMPONENTS.filter((c) => Math.abs(b[c]) > 1e-9).map((c) => [c, Math.round(b[c] * 1000) / 1000]),
  );
}
const sum = (b: Breakdown) => COMPONENTS.reduce((a, c) => a + b[c], 0);

describe('attribution', () => {
  it("splits the agent's call into queue, prefill, decode and overhead by the server's span", () => {
    const root = task(1000, [
      step(10, 500, [
        agent(20, 400, [
          node(SpanName.prefill, Kind.prefill, 20, 220),
          server(50, 380, 0.1, 0.05, 0.15),
          node(SpanName.decode, Kind.decode, 220, 400),
        ]),
      ]),
      step(500, 610, [node('execute_tool get_order', Kind.toolCall, 500, 600)]),
      step(610, 720, [
        node('chat sim-user', Kind.userSim, 620, 700, { [Attr.genAiRequestModel]: 'sim-user' }),
      ]),
    ]);
    const a = attribute(root);
    // overhead: 20→50 before the server span, 30 ms of it outside queue/prefill/decode, 380→400 after it.
    assert.deepEqual(nonZero(a.total), {
      queue: 100,
      prefill: 50,
      decode: 150,
      overhead: 80,
      tool: 100,
      user: 80,
      harness: 440,
    });
    assert.equal(sum(a.total), 1000);
    assert.deepEqual(nonZero(a.byModel.get('agent-8b')!), {
      queue: 100,
      prefill: 50,
      decode: 150,
      overhead: 80,
    });
    assert.deepEqual(nonZero(a.byModel.get('sim-user')!), { user: 80 });
  });

  it('gives the overlap of concurrent children to the one that ended last, and never counts it twice', () => {
    const both = attribute(
      task(100, [
        step(0, 100, [
          node('chat gpt-5', Kind.expertCall, 0, 90),
          node('execute_tool a', Kind.toolCall, 50, 100),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(both.total), { tool: 50, expert: 50 });
    const nested = attribute(
      task(100, [
        step(0, 100, [
          node('execute_tool a', Kind.toolCall, 0, 80),
          node('execute_tool b', Kind.toolCall, 20, 100),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(nested.total), { tool: 100 });
  });

  it('clamps children that stick out of their parent (clock skew) to it', () => {
    const a = attribute(task(100, [step(10, 90, [node('execute_tool a', Kind.toolCall, 0, 120)])]));
    assert.deepEqual(nonZero(a.total), { tool: 80, harness: 20 });
  });

  it('without a server span, the client prefill is queue + prefill unsplit ("wait")', () => {
    const a = attribute(
      task(200, [
        agent(0, 200, [
          node(SpanName.prefill, Kind.prefill, 10, 60),
          node(SpanName.decode, Kind.decode, 60, 190),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(a.total), { wait: 50, decode: 130, overhead: 20 });
  });

  it('counts failed attempts and the backoff before the served request as retries', () => {
    const a = attribute(
      task(400, [
        agent(0, 400, [
          node(SpanName.attempt, Kind.attempt, 0, 100, {}, [server(5, 95, 0.01, 0.01, 0, 'req-0')]),
          server(200, 390, 0.04, 0.05, 0.1, 'req-1'),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(a.total), { queue: 40, prefill: 50, decode: 100, overhead: 10, retry: 200 });
  });

  it('without a server span, the backoff before the client prefill of the request that succeeded is a retry too', () => {
    const a = attribute(
      task(400, [
        agent(0, 400, [
          node(SpanName.attempt, Kind.attempt, 0, 100),
          node(SpanName.prefill, Kind.prefill, 250, 300),
          node(SpanName.decode, Kind.decode, 300, 390),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(a.total), { wait: 50, decode: 90, overhead: 10, retry: 250 });
  });

  it('the server span that served the call, without latency attributes, is "wait" over its interval', () => {
    const bare = node(SpanName.llmRequest, undefined, 10, 90, { [Attr.requestId]: 'req-1' });
    const a = attribute(
      task(100, [
        agent(0, 100, [
          bare,
          node(SpanName.prefill, Kind.prefill, 5, 45),
          node(SpanName.decode, Kind.decode, 45, 95),
        ]),
      ]),
    );
    assert.deepEqual(nonZero(a.total), { wait: 80, overhead: 20 });
  });
});
