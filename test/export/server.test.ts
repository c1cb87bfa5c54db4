/**
 * Queue time everywhere: stats_ext's `server` section and the run's closing summary take queue / prefill /
 * decode from the server's llm_request spans when the spool has them (numbers checked against the spool read
 * by an independent path), and say plainly when it has none.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serverSummary } from '../../src/cli/server-summary.js';
import { quantileSorted } from '../../src/util/quantile.js';
import { near, rawSpans, simRun } from '../analyze/sim-run.js';
import { runCli, tempDir } from '../helpers.js';
import { fakeTrial, otlpLine } from './spool-fixture.js';

const tmp = tempDir('tau2-server-');
let runDir = '';
/** A spool whose one trial has an agent call but no server span (a server without tracing). */
const bare = join(tmp.path, 'no-server.otlp.jsonl');
before(async () => {
  runDir = await simRun(join(tmp.path, 'runs'));
  const trial = { label: 'a', domain: 'demo', taskId: 't1', trial: 1, endMs: 1e12, tools: [5] };
  writeFileSync(bare, `${otlpLine(fakeTrial(trial))}\n`);
});
after(() => tmp.cleanup());

/** The agent calls' server queue times (ms), from the spool read without the project's readers. */
function agentQueues(): number[] {
  const raw = rawSpans(runDir);
  const agentCalls = new Set(raw.filter((s) => s.attrs['tau2.kind'] === 'llm_call').map((s) => s.spanId));
  return raw
    .filter((s) => s.name === 'llm_request' && agentCalls.has(s.parent!))
    .map((s) => (s.attrs['gen_ai.latency.time_in_queue'] as number) * 1000)
    .sort((a, b) => a - b);
}

describe('server timings', () => {
  test("stats_ext has the server's queue / prefill / decode per kind when the spool has its spans", async () => {
    const r = await runCli(['stats', '--spans', runDir]);
    assert.equal(r.code, 0, r.stderr);
    const ext = JSON.parse(readFileSync(join(runDir, 'timing_stats_ext.json'), 'utf8'));
    assert.equal(ext.server_spans.state, 'present');
    const queues = agentQueues();
    assert.ok(queues.length > 0);
    assert.equal(ext.server['llm_call.queue'].all.n, queues.length);
    near(ext.server['llm_call.queue'].all.p50, quantileSorted(queues, 0.5));
    near(ext.server['llm_call.queue'].all.max, queues.at(-1)!);
    for (const k of ['llm_call.prefill', 'llm_call.decode', 'user_sim.queue', 'evaluator.decode'])
      assert.ok(ext.server[k].all.n > 0, k);
  });

  test('the closing summary shows them, and says plainly when the server left no spans', async () => {
    const shown = await serverSummary(join(runDir, 'spans.otlp.jsonl'));
    assert.match(shown, /server side, from its llm_request spans \(all \d+ LLM calls\)/);
    assert.match(shown, /queue p50/);
    const unknown = await serverSummary(bare);
    assert.match(unknown, /queue \/ server prefill \/ decode: unknown: none of the 1 LLM calls/);
    assert.match(unknown, /the TTFT above includes the time queued/);
    assert.match(await serverSummary(undefined), /--no-tracing/);
  });

  test('stats_ext from a spool without server spans says so', async () => {
    const out = join(tmp.path, 'bare');
    const r0 = await runCli(['stats', '--spans', bare, '--out-dir', out]);
    assert.equal(r0.code, 0, r0.stderr);
    const ext = JSON.parse(readFileSync(join(out, 'timing_stats_ext.json'), 'utf8'));
    assert.equal(ext.server_spans.state, 'absent');
    assert.match(ext.server_spans.note, /server without tracing/);
    assert.deepEqual(ext.server, {});
  });
});
