/** `tau2-trace stats` and `logs`: which traces of a spool count (cancelled and superseded trials left out). */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spoolText, type TrialSpec } from '../export/spool-fixture.js';
import { runCli, tempDir } from '../helpers.js';

const statsOf = (dir: string, prefix = 'timing') =>
  JSON.parse(readFileSync(join(dir, `${prefix}_stats.json`), 'utf8')) as Record<
    string,
    { stats: { n: number } | null }
  >;

describe('stats --spans and logs: which trials count', () => {
  const tmp = tempDir();
  const T0 = Date.UTC(2026, 0, 1, 12);
  // A resumed run: a/0 was cancelled by Ctrl-C and rerun; b/0 failed and was rerun; c/0 ran once; d/0's trace
  // was cut off by a crash before its task span ended. The finished trials hold 2 + 1 + 2 = 5 tool calls.
  const trials: TrialSpec[] = [
    {
      label: 'a-cancelled',
      domain: 'retail',
      taskId: 'a',
      trial: 0,
      endMs: T0,
      termination: 'cancelled',
      tools: [3, 4, 5],
    },
    {
      label: 'b-failed',
      domain: 'retail',
      taskId: 'b',
      trial: 0,
      endMs: T0 + 10,
      termination: 'agent_error',
      tools: [1, 1, 1, 1],
    },
    { label: 'd-cut', domain: 'retail', taskId: 'd', trial: 0, endMs: T0 + 20, noTask: true, tools: [9, 9] },
    { label: 'a-rerun', domain: 'retail', taskId: 'a', trial: 0, endMs: T0 + 60_000, tools: [2, 6] },
    { label: 'b-rerun', domain: 'retail', taskId: 'b', trial: 0, endMs: T0 + 61_000, tools: [8] },
    { label: 'c', domain: 'airline', taskId: 'c', trial: 0, endMs: T0 + 62_000, tools: [4, 4] },
  ];
  const spool = join(tmp.path, 'run', 'spans.otlp.jsonl');
  before(() => {
    mkdirSync(join(tmp.path, 'run'));
    writeFileSync(spool, spoolText(trials));
  });
  after(() => tmp.cleanup());

  it('stats --spans: cancelled and superseded trials are left out, so tool_call n is what the finished trials hold', async () => {
    const r = await runCli(['stats', '--spans', spool, '--out-dir', join(tmp.path, 'spans')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /left out 3 traces: 1 without their task span \(interrupted\), 1 cancelled, 1 superseded by a later run/,
    );
    const stats = statsOf(join(tmp.path, 'spans'));
    assert.equal(stats.tool_call?.stats?.n, 5);
    assert.equal(stats.toolorchestra_vllm_infer?.stats?.n, 3);
    // stats_ext applies the same rule: three tasks, five tool calls.
    const ext = JSON.parse(readFileSync(join(tmp.path, 'spans', 'timing_stats_ext.json'), 'utf8'));
    assert.equal(ext.kinds.task.all.n, 3);
    assert.equal(ext.kinds.tool_call.all.n, 5);
  });

  it('logs: writes only the counted trials, so stats --log-dir of its logs says the same', async () => {
    const logs = join(tmp.path, 'logs');
    const l = await runCli(['logs', spool, '--out-dir', logs]);
    assert.equal(l.code, 0, l.stderr);
    assert.deepEqual(readdirSync(logs).sort(), ['tau2_airline.log', 'tau2_retail.log']);
    const r = await runCli(['stats', '--log-dir', logs, '--out-dir', join(tmp.path, 'from-logs')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readFileSync(join(tmp.path, 'from-logs', 'timing_stats.json'), 'utf8'),
      readFileSync(join(tmp.path, 'spans', 'timing_stats.json'), 'utf8'),
    );
  });

  it('stats --spans: a spool in which no trace counts is refused, naming what was left out', async () => {
    const dir = join(tmp.path, 'all-cancelled');
    mkdirSync(dir);
    writeFileSync(join(dir, 'spans.otlp.jsonl'), spoolText(trials.slice(0, 1)));
    const r = await runCli(['stats', '--spans', dir]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--spans .*spans\.otlp\.jsonl: no finished task trace in 6 spans \(left out 1 trace: 1 cancelled\)/,
    );
    assert.deepEqual(readdirSync(dir), ['spans.otlp.jsonl']);
  });
});
