/** Named metrics of a run and their summaries, checked against numbers computed from the raw spool. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  LLM_KINDS,
  METRICS,
  type Metric,
  runMetrics,
  splitMetrics,
  summarize,
  unitOf,
  valuesOf,
} from '../../src/analyze/metrics.js';
import { runTrials } from '../../src/analyze/trials.js';
import { openRun } from '../../src/export/sources.js';
import { spoolText } from '../export/spool-fixture.js';
import { tempDir } from '../helpers.js';
import { median, near, rawSpans, simRun } from './sim-run.js';

const tmp = tempDir('tau2-metrics-');
after(() => tmp.cleanup());

const get = (ms: Metric[], name: string) => ms.find((m) => m.name === name)!;

/**
 * Durations within 1 µs: this test's raw reading turns epoch nanoseconds into milliseconds as one double
 * (Number(ns) / 1e6, steps of 256 ns at today's epoch), the reader otherwise, so their differences of two
 * timestamps may part by a few tenths of a microsecond (seen in CI: 29.697492 vs 29.697527 ms).
 */
function nearMs(a: number | undefined, b: number): void {
  assert.ok(a !== undefined && Math.abs(a - b) <= 1e-3, `${a} ≠ ${b} (ms)`);
}

describe('summarize', () => {
  it('gives numpy-style quantiles, count, mean, min and max; nothing for no values', () => {
    // numpy.percentile([1, 2, 3, 4], [50, 90, 95, 99]) = [2.5, 3.7, 3.85, 3.97]
    const s = summarize([4, 1, 3, 2])!;
    assert.deepEqual([s.count, s.mean, s.median, s.p50, s.min, s.max], [4, 2.5, 2.5, 2.5, 1, 4]);
    near(s.p90, 3.7);
    near(s.p95, 3.85);
    near(s.p99, 3.97);
    assert.equal(summarize([]), undefined);
  });

  it('names every metric once, with a unit', () => {
    assert.equal(new Set(METRICS.map((m) => m.name)).size, METRICS.length);
    assert.equal(unitOf('llm_call.ttft{model=gpt-4.1}'), 'ms');
    assert.equal(unitOf('expert_call.output_tokens'), 'tok');
    assert.equal(unitOf('nonsense.metric'), undefined);
  });
});

describe('runMetrics on a real run', () => {
  let runDir = '';
  before(async () => {
    runDir = await simRun(tmp.path);
  });

  it('matches per-call numbers computed from the raw spool, queue and prefill from the server spans', async () => {
    const run = await openRun({ kind: 'spool', path: runDir });
    const { metrics, server } = runMetrics(runTrials(run.spans!));
    const raw = rawSpans(runDir);
    const calls = raw.filter((s) => s.name.startsWith('chat '));
    assert.deepEqual([server.state, server.calls, server.served], ['present', calls.length, calls.length]);
    for (const kind of LLM_KINDS) {
      const mine = calls.filter((s) => s.attrs['tau2.kind'] === kind);
      const ids = new Set(mine.map((s) => s.spanId));
      const requests = raw.filter((s) => s.name === 'llm_request' && ids.has(s.parent!));
      const queue = requests.map((s) => (s.attrs['gen_ai.latency.time_in_queue'] as number) * 1000);
      const prefill = requests.map((s) => (s.attrs['gen_ai.latency.time_in_model_prefill'] as number) * 1000);
      const e2e = mine.map((s) => s.endMs - s.startMs);
      const tokens = mine.map((s) => s.attrs['gen_ai.usage.input_tokens'] as number);
      const q = summarize(valuesOf(get(metrics, `${kind}.queue`)));
      assert.equal(q?.count, mine.length, kind);
      near(q?.median, median(queue));
      near(summarize(valuesOf(get(metrics, `${kind}.prefill`)))?.max, Math.max(...prefill));
      nearMs(
        summarize(valuesOf(get(metrics, `${kind}.e2e`)))?.mean,
        e2e.reduce((a, b) => a + b) / e2e.length,
      );
      near(summarize(valuesOf(get(metrics, `${kind}.input_tokens`)))?.median, median(tokens));
    }
    const ttft = calls
      .filter((s) => s.attrs['tau2.kind'] === 'llm_call')
      .map((s) => s.attrs['tau2.llm.ttft_ms']);
    near(summarize(valuesOf(get(metrics, 'llm_call.ttft')))?.median, median(ttft as number[]));
    const tasks = raw.filter((s) => s.name === 'task');
    const rewards = tasks.map((s) => s.attrs['tau2.task.reward'] as number);
    near(
      summarize(valuesOf(get(metrics, 'task.reward')))?.mean,
      rewards.reduce((a, b) => a + b) / rewards.length,
    );
    nearMs(
      summarize(valuesOf(get(metrics, 'task.duration')))?.median,
      median(tasks.map((s) => s.endMs - s.startMs)),
    );
    const tools = raw.filter((s) => s.attrs['tau2.kind'] === 'tool_call').length;
    assert.equal(get(metrics, 'tool_call.duration').samples.length, tools);
    assert.equal(get(metrics, 'task.cost').samples.length, 0, 'no cost without prices');
  });

  it('splits per model and per domain without losing a sample', async () => {
    const run = await openRun({ kind: 'spool', path: runDir });
    const { metrics } = runMetrics(runTrials(run.spans!));
    const byModel = splitMetrics(metrics, 'model').filter((m) => m.name.startsWith('expert_call.e2e{'));
    assert.ok(byModel.length >= 2, byModel.map((m) => m.name).join());
    const all = get(metrics, 'expert_call.e2e').samples.length;
    assert.equal(
      byModel.reduce((a, m) => a + m.samples.length, 0),
      all,
    );
    assert.ok(byModel.every((m) => m.samples.every((s) => m.name === `expert_call.e2e{model=${s.model}}`)));
    const byDomain = splitMetrics(metrics, 'domain').map((m) => m.name);
    assert.ok(byDomain.includes('task.duration{domain=demo}'));
  });
});

describe('runMetrics without the server spans', () => {
  it('says queue and prefill are unknown instead of showing zeros', async () => {
    const file = join(tmp.path, 'no-server.jsonl');
    writeFileSync(
      file,
      spoolText([{ label: 'a', domain: 'retail', taskId: 't', trial: 1, endMs: 5_000, tools: [20, 40] }]),
    );
    const run = await openRun({ kind: 'spool', path: file });
    const { metrics, server } = runMetrics(runTrials(run.spans!));
    assert.equal(server.state, 'absent');
    assert.match(server.note, /without tracing/);
    assert.equal(get(metrics, 'llm_call.queue').samples.length, 0);
    assert.deepEqual(valuesOf(get(metrics, 'llm_call.ttft')), [40.25]);
    assert.deepEqual(
      valuesOf(get(metrics, 'tool_call.duration')).map((v) => Math.round(v)),
      [20, 40],
    );
  });
});
