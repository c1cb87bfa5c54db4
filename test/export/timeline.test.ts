/**
 * `tau2-trace export` on a real run (the demo against the simulator): the Perfetto file checked against the
 * trace-event format's rules (events well formed, every span exactly once, each track a proper stack,
 * each child inside its parent, server spans under their call on the trial's track), the speedscope file
 * against speedscope's schema with ajv (test/fixtures/speedscope, fetched by scripts/fetch-speedscope-schema)
 * and its events balanced. Spans are read back by an independent path (test/analyze/sim-run.ts).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { runTrials } from '../../src/analyze/trials.js';
import { writeJsonOutput } from '../../src/cli/atomic-write.js';
import type { SpoolSpan } from '../../src/export/spool-reader.js';
import { layoutTrial, type Slice } from '../../src/export/timeline/lanes.js';
import type { TraceEvent } from '../../src/export/timeline/perfetto.js';
import type { SpeedscopeFile } from '../../src/export/timeline/speedscope.js';
import { rawSpans, simRun } from '../analyze/sim-run.js';
import { repoRoot, runCli, tempDir } from '../helpers.js';

const tmp = tempDir('tau2-export-');
let runDir = '';
before(async () => {
  runDir = await simRun(join(tmp.path, 'runs'));
});
after(() => tmp.cleanup());

const isInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const end = (e: TraceEvent) => e.ts! + e.dur!;
const track = (e: TraceEvent) => `${e.pid}/${e.tid}`;

/** Per track, the enclosing event of each X event (undefined at the top), checking the track is a proper stack. */
function stacks(events: TraceEvent[]): Map<TraceEvent, TraceEvent | undefined> {
  const enclosing = new Map<TraceEvent, TraceEvent | undefined>();
  const byTrack = new Map<string, TraceEvent[]>();
  for (const e of events) byTrack.set(track(e), [...(byTrack.get(track(e)) ?? []), e]);
  for (const [name, list] of byTrack) {
    list.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: TraceEvent[] = [];
    for (const e of list) {
      // Perfetto's rule: a slice has ended for any event that starts at or after its end.
      while (stack.length > 0 && end(stack.at(-1)!) <= e.ts! && !(e.dur === 0 && e.ts === stack.at(-1)!.ts))
        stack.pop();
      const top = stack.at(-1);
      assert.ok(
        !top || end(e) <= end(top),
        `track ${name}: ${e.name} at ${e.ts} overlaps ${top?.name} without nesting`,
      );
      enclosing.set(e, top);
      stack.push(e);
    }
  }
  return enclosing;
}

describe('export --format perfetto', () => {
  test('is well-formed trace-event JSON with every span once, nested as in the trace', async () => {
    const out = join(tmp.path, 'run.perfetto.json');
    const r = await runCli(['export', runDir, '--format', 'perfetto', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: TraceEvent[] };
    const meta = doc.traceEvents.filter((e) => e.ph === 'M');
    const xs = doc.traceEvents.filter((e) => e.ph === 'X');
    assert.equal(meta.length + xs.length, doc.traceEvents.length, 'only M and X events');
    for (const e of xs) {
      assert.ok(
        typeof e.name === 'string' && isInt(e.ts) && isInt(e.dur) && isInt(e.pid) && isInt(e.tid),
        JSON.stringify(e),
      );
    }
    const names = new Map(
      meta.filter((m) => m.name === 'thread_name').map((m) => [`${m.pid}/${m.tid}`, String(m.args.name)]),
    );
    for (const e of xs) assert.ok(names.has(track(e)), `a named track for ${track(e)}`);

    const raw = rawSpans(runDir);
    const spanEvents = xs.filter((e) => e.cat !== 'server phase');
    const ids = spanEvents.map((e) => String(e.args.span_id));
    assert.equal(new Set(ids).size, ids.length, 'no span twice');
    assert.deepEqual(new Set(ids), new Set(raw.map((s) => s.spanId)), 'every span of the run');

    const enclosing = stacks(xs);
    const byId = new Map(spanEvents.map((e) => [String(e.args.span_id), e]));
    let sameTrack = 0;
    for (const e of spanEvents) {
      const parentId = e.args.parent_span_id as string | undefined;
      if (!parentId) {
        assert.equal(enclosing.get(e), undefined, `${e.name}: a task span is at the top of its track`);
        continue;
      }
      const parent = byId.get(parentId)!;
      assert.ok(parent.ts! <= e.ts! && end(e) <= end(parent), `${e.name} inside ${parent.name}`);
      assert.equal(e.pid, parent.pid);
      if (track(e) === track(parent)) {
        sameTrack++;
        assert.equal(enclosing.get(e), parent, `${e.name} drawn under its parent ${parent.name}`);
      } else {
        // Moved to a further track of the same trial (it overlaps a sibling): named after the trial's track.
        assert.ok(names.get(track(e))!.startsWith(`${names.get(track(parent))!.split(' ·')[0]} ·`));
      }
      if (e.name === 'llm_request')
        assert.equal(track(e), track(parent), 'the server span sits under its call');
    }
    assert.ok(sameTrack > spanEvents.length / 2);
    const phases = xs.filter((e) => e.cat === 'server phase');
    assert.ok(phases.length > 0);
    for (const p of phases) assert.equal(enclosing.get(p)?.name, 'llm_request');
    const trials = raw.filter((s) => s.name === 'task').length;
    const trialTracks = [...names.values()].filter((n) => !n.includes(' ·'));
    assert.equal(trialTracks.length, trials, 'one track per task trial');
  });
});

describe('export --format speedscope', () => {
  test('validates against the speedscope schema and opens and closes frames in balance', async () => {
    const out = join(tmp.path, 'run.speedscope.json');
    const r = await runCli(['export', runDir, '--format', 'speedscope', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as SpeedscopeFile;
    const schema = JSON.parse(
      readFileSync(join(repoRoot, 'test/fixtures/speedscope/file-format-schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json'));
    const validate = ajv.compile(schema);
    assert.ok(validate(doc), ajv.errorsText(validate.errors));

    let opened = 0;
    for (const p of doc.profiles) {
      const stack: number[] = [];
      let at = p.startValue;
      for (const e of p.events) {
        assert.ok(e.at >= at && e.at <= p.endValue, `${p.name}: events in time order within the profile`);
        at = e.at;
        if (e.type === 'O') {
          stack.push(e.frame);
          opened++;
        } else assert.equal(stack.pop(), e.frame, `${p.name}: closes the frame on top`);
      }
      assert.equal(stack.length, 0, `${p.name}: every frame closed`);
    }
    const raw = rawSpans(runDir);
    assert.ok(opened >= raw.length, 'every span is a frame (the server phases besides)');
    assert.equal(
      doc.profiles.filter((p) => !p.name.includes(' ·')).length,
      raw.filter((s) => s.name === 'task').length,
    );
  });

  test('refuses legacy logs with the way on, and a missing --format', async () => {
    const logs = join(tmp.path, 'old-run');
    mkdirSync(logs);
    copyFileSync(join(repoRoot, 'test/fixtures/legacy/edge_cases.log'), join(logs, 'tau2_retail.log'));
    const r = await runCli(['export', logs, '--format', 'perfetto']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /legacy logs.*tau2-trace import --log-dir/);
    const f = await runCli(['export', runDir]);
    assert.equal(f.code, 2);
    assert.match(f.stderr, /--format/);
  });
});

describe('writeJsonOutput', () => {
  test('writes the bytes JSON.stringify would', () => {
    const doc = { a: [], b: [1, { c: 'x"' }, null], skip: undefined, d: { e: [2] }, f: 'g' };
    const out = join(tmp.path, 'doc.json');
    writeJsonOutput(out, doc);
    assert.equal(readFileSync(out, 'utf8'), JSON.stringify(doc));
  });
});

describe('lanes', () => {
  const span = (
    id: string,
    parent: string | undefined,
    name: string,
    from: number,
    to: number,
    kind = 1,
  ): SpoolSpan => ({
    traceId: 't1',
    spanId: id,
    parentSpanId: parent,
    name,
    kind,
    startNs: BigInt(from) * 1000n,
    endNs: BigInt(to) * 1000n,
    attributes: name === 'task' ? { 'tau2.domain': 'd', 'tau2.task.id': 'x', 'tau2.trial': 1 } : {},
    events: [],
    status: { code: 0 },
    resource: {},
  });

  test('a sibling that overlaps moves to a further lane; a child outside its parent is clipped to it', () => {
    const spans = [
      span('a', undefined, 'task', 0, 100),
      span('b', 'a', 'chat m', 10, 60, 3),
      span('c', 'b', 'prefill', 12, 30),
      span('d', 'b', 'llm_request', 20, 58, 2),
      span('e', 'b', 'decode', 30, 59),
      span('f', 'a', 'execute_tool x', 90, 130),
    ];
    const [trial] = runTrials(spans);
    const { lanes } = layoutTrial(trial!, 0n);
    const names = (slices: Slice[]): unknown[] =>
      slices.map((s) => [s.name, s.startUs, s.endUs, names(s.children)]);
    assert.deepEqual(names(lanes[0]!), [
      [
        'task',
        0,
        100,
        [
          ['chat m', 10, 60, [['llm_request', 20, 58, []]]],
          ['execute_tool x', 90, 100, []],
        ],
      ],
    ]);
    assert.deepEqual(names(lanes[1]!), [
      ['prefill', 12, 30, []],
      ['decode', 30, 59, []],
    ]);
    assert.equal(lanes.length, 2);
    const tool = lanes[0]![0]!.children[1]!;
    assert.deepEqual(tool.clippedFrom, [90, 130]);
  });
});
