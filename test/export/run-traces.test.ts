/** Which traces of a run count (src/export/run-traces.ts), on spans as the spool reader returns them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leftOutText, pickRunTraces } from '../../src/export/run-traces.js';
import { type SpoolSpan, spansOfRequest } from '../../src/export/spool-reader.js';
import { Attr, Kind } from '../../src/telemetry/names.js';
import { fakeTrial, otlpLine, type TrialSpec } from './spool-fixture.js';

const T0 = Date.UTC(2026, 0, 1);

function spansOf(trials: TrialSpec[]): SpoolSpan[] {
  return trials.flatMap((t) => spansOfRequest(JSON.parse(otlpLine(fakeTrial(t)))));
}

/** The counted trials as `label` (via their task id and tool count, which the specs make unique). */
function counted(spans: SpoolSpan[]): string[] {
  const picked = pickRunTraces(spans);
  return [...picked.roots.values()]
    .map((root) => {
      const tools = picked.spans.filter(
        (s) => s.traceId === root.traceId && s.attributes[Attr.kind] === Kind.toolCall,
      ).length;
      return `${root.attributes[Attr.taskId]}#${root.attributes[Attr.trial]}:${tools} tools`;
    })
    .sort();
}

const trial = (over: Partial<TrialSpec> & { label: string }): TrialSpec => ({
  domain: 'retail',
  taskId: 'a',
  trial: 0,
  endMs: T0,
  tools: [5],
  ...over,
});

describe('pickRunTraces', () => {
  it('a trace without its task span (a trial cut off by a crash) does not count', () => {
    const picked = pickRunTraces(
      spansOf([trial({ label: 'whole' }), trial({ label: 'cut', taskId: 'b', noTask: true, tools: [1, 2] })]),
    );
    assert.deepEqual(
      [...picked.roots.values()].map((r) => r.attributes[Attr.taskId]),
      ['a'],
    );
    assert.ok(picked.spans.every((s) => s.traceId === [...picked.roots.keys()][0]));
    assert.deepEqual(picked.left, { partial: 1, cancelled: 0, superseded: 0 });
  });

  it('a cancelled trial does not count; its rerun by run --resume does, even though it ended earlier', () => {
    const spans = spansOf([
      trial({ label: 'rerun', tools: [1, 2], endMs: T0 }),
      trial({ label: 'cancelled', tools: [1, 2, 3], endMs: T0 + 60_000, termination: 'cancelled' }),
    ]);
    assert.deepEqual(counted(spans), ['a#0:2 tools']);
    assert.deepEqual(pickRunTraces(spans).left, { partial: 0, cancelled: 1, superseded: 0 });
  });

  it('of two finished traces of one trial, only the one whose task span ended last counts, in any input order', () => {
    const failed = trial({ label: 'failed', tools: [1, 2, 3, 4], endMs: T0, termination: 'agent_error' });
    const rerun = trial({ label: 'rerun', tools: [1], endMs: T0 + 1 });
    for (const order of [
      [failed, rerun],
      [rerun, failed],
    ]) {
      const spans = spansOf(order);
      assert.deepEqual(counted(spans), ['a#0:1 tools']);
      assert.deepEqual(pickRunTraces(spans).left, { partial: 0, cancelled: 0, superseded: 1 });
    }
  });

  it('trials differ by domain, task id and trial number', () => {
    const spans = spansOf([
      trial({ label: '1' }),
      trial({ label: '2', domain: 'airline' }),
      trial({ label: '3', taskId: 'b' }),
      trial({ label: '4', trial: 1 }),
    ]);
    assert.equal(pickRunTraces(spans).roots.size, 4);
    assert.equal(leftOutText(pickRunTraces(spans).left), undefined);
  });

  it('a span that appears twice (logs imported twice into one Tempo) counts once', () => {
    const once = spansOf([trial({ label: 'x', tools: [1, 2] })]);
    const picked = pickRunTraces([...once, ...once.map((s) => ({ ...s }))]);
    assert.equal(picked.spans.length, once.length);
    assert.equal(picked.roots.size, 1);
  });

  it('says on one line what it left out and why', () => {
    assert.equal(
      leftOutText({ partial: 1, cancelled: 3, superseded: 0 }),
      'left out 4 traces: 1 without their task span (interrupted), 3 cancelled',
    );
    assert.equal(
      leftOutText({ partial: 0, cancelled: 0, superseded: 1 }),
      'left out 1 trace: 1 superseded by a later run of the same trial',
    );
  });
});
