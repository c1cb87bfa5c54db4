/** A run's trials from its spans: identity, outcome, span tree, server spans under the calls they served. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTrials, walk } from '../../src/analyze/trials.js';
import { openRun } from '../../src/export/sources.js';
import { spoolText } from '../export/spool-fixture.js';
import { tempDir } from '../helpers.js';
import { rawSpans, simRun } from './sim-run.js';

const tmp = tempDir('tau2-trials-');
after(() => tmp.cleanup());

async function trialsOf(text: string) {
  const file = join(tmp.path, `spool-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, text);
  const run = await openRun({ kind: 'spool', path: file });
  return runTrials(run.spans!);
}

describe('runTrials on a hand-made spool', () => {
  const spec = [
    { label: 'r', domain: 'retail', taskId: 'a', trial: 1, endMs: 1_000_000, tools: [30, 10] },
    { label: 'x', domain: 'airline', taskId: 'b', trial: 2, endMs: 1_000_500, tools: [5] },
    { label: 'cut', domain: 'airline', taskId: 'c', trial: 1, endMs: 1_000_900, tools: [5], noTask: true },
  ];

  it('gives one trial per task trace, ordered by domain, task and trial, with its wall time', async () => {
    const trials = await trialsOf(spoolText(spec));
    assert.deepEqual(
      trials.map((t) => [t.key, t.domain, t.taskId, t.trial]),
      [
        ['airline/b/2', 'airline', 'b', 2],
        ['retail/a/1', 'retail', 'a', 1],
      ],
    );
    // The fixture lays a trial out as its tools, a 200 ms agent call and 10 ms of margin.
    assert.deepEqual(
      trials.map((t) => Math.round(t.wallMs * 1000) / 1000),
      [5 + 200 + 10, 40 + 200 + 10],
    );
    assert.deepEqual(
      trials.map((t) => [t.reward, t.termination, t.error, t.orphans]),
      [
        [undefined, 'user_stop', undefined, 0],
        [undefined, 'user_stop', undefined, 0],
      ],
    );
  });

  it('nests spans as the trace does, children in start order', async () => {
    const [, retail] = await trialsOf(spoolText(spec));
    const root = retail!.root;
    assert.equal(root.span.name, 'task');
    assert.deepEqual(
      root.children.map((c) => c.span.name),
      ['step'],
    );
    const step = root.children[0]!;
    assert.deepEqual(
      step.children.map((c) => c.span.name),
      ['chat agent-8b', 'execute_tool get_order', 'execute_tool get_order'],
    );
    const starts = step.children.map((c) => c.span.startNs);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.equal([...walk(root)].length, 5);
  });

  it('gives a failed trial its error text (the task span status message)', async () => {
    const line = JSON.parse(spoolText([spec[0]!]));
    const task = line.resourceSpans[0].scopeSpans[0].spans.find((s: { name: string }) => s.name === 'task');
    task.status = { code: 2, message: 'agent_error: 503 from the agent endpoint' };
    for (const a of task.attributes) {
      if (a.key === 'tau2.task.termination_reason') a.value = { stringValue: 'agent_error' };
    }
    const [trial] = await trialsOf(`${JSON.stringify(line)}\n`);
    assert.deepEqual(
      [trial!.termination, trial!.error],
      ['agent_error', 'agent_error: 503 from the agent endpoint'],
    );
  });
});

describe('runTrials on a real run', () => {
  let runDir = '';
  before(async () => {
    runDir = await simRun(tmp.path);
  });

  it('holds every span of every trace once, rewards as the task spans say, llm_request under its call', async () => {
    const run = await openRun({ kind: 'spool', path: runDir });
    const trials = runTrials(run.spans!);
    const raw = rawSpans(runDir);
    const tasks = raw.filter((s) => s.name === 'task');
    assert.equal(trials.length, tasks.length);
    const byId = new Map(raw.map((s) => [s.spanId, s]));
    for (const t of trials) {
      const nodes = [...walk(t.root)];
      assert.equal(nodes.length, raw.filter((s) => s.traceId === t.traceId).length, t.key);
      const task = tasks.find((s) => s.traceId === t.traceId)!;
      assert.equal(t.reward, task.attrs['tau2.task.reward']);
      // The test's ms come from float epoch ms, the trial's from exact ns: equal to well under a microsecond.
      assert.ok(Math.abs(t.wallMs - (task.endMs - task.startMs)) < 1e-3, t.key);
      for (const n of nodes) {
        for (const c of n.children) if (c.span.name === 'llm_request') assert.match(n.span.name, /^chat /);
      }
    }
    const served = raw.filter(
      (s) => s.name === 'llm_request' && byId.get(s.parent!)?.name.startsWith('chat '),
    );
    assert.ok(served.length > 0, 'the simulator traces its requests');
  });
});
