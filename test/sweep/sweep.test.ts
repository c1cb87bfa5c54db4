/**
 * `tau2-trace sweep` on the demo domain against the embedded simulator: the summary's figures checked against
 * the level run directories read independently (read-level.ts), the knee recomputed from those figures, and
 * an interrupted sweep resumed to the end with every level run once.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runSettings } from '../../src/harness/run-settings.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { startSweep } from '../../src/sweep/sweep.js';
import type { SweepFile } from '../../src/sweep/sweep-file.js';
import { near } from '../analyze/sim-run.js';
import { FAST, runCli, tempDir } from '../helpers.js';
import { levelPath, q, readLevel } from './read-level.js';

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The knee by the rule as the README states it, from independently read figures. */
function expectedKnee(levels: { c: number; tpm: number; p95: number }[]): number | null {
  for (let i = 1; i < levels.length; i++) {
    const a = levels[i - 1]!;
    const b = levels[i]!;
    if (b.p95 / a.p95 - 1 > b.tpm / a.tpm - 1) return a.c;
  }
  return null;
}

describe('sweep', () => {
  const tmp = tempDir('tau2-sweep-');
  after(() => tmp.cleanup());

  it('summarises three levels as their run directories say, and names the knee by its rule', async () => {
    const levels = [1, 2, 4];
    const out = join(tmp.path, 'cli');
    const r = await runCli(
      ['sweep', ...FAST, '--max-concurrency', '4,1,2', '--output-dir', out, '--seed', '7'],
      {},
      300_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const dir = /sweep directory: (.+)/.exec(r.stdout)![1]!.trim();
    const summary = json<SweepSummary>(join(dir, 'summary.json'));
    const file = json<SweepFile>(join(dir, 'sweep.json'));
    assert.deepEqual(
      file.levels.map((l) => [l.concurrency, l.state]),
      levels.map((c) => [c, 'done']),
    );
    assert.deepEqual(
      summary.levels.map((l) => l.concurrency),
      levels,
    );
    const read = levels.map((c) => ({ c, ...readLevel(levelPath(dir, c)) }));
    for (const [i, got] of summary.levels.entries()) {
      const want = read[i]!;
      const config = json<{ run_id: string; parameters: { maxConcurrency: number } }>(
        join(levelPath(dir, want.c), 'config.json'),
      );
      assert.equal(config.parameters.maxConcurrency, want.c);
      assert.equal(config.run_id, `${file.sweep_id}_c${want.c}`);
      assert.equal(got.trials, want.trials);
      assert.equal(want.trials, 14);
      near(got.tasksPerMinute, want.tasksPerMinute, 1e-6);
      near(got.ttft?.p50, q(want.ttft, 0.5), 1e-9);
      near(got.ttft?.p95, q(want.ttft, 0.95), 1e-9);
      near(got.queue?.p50, q(want.queue, 0.5), 1e-9);
      near(got.queue?.p95, q(want.queue, 0.95), 1e-9);
      near(got.taskDuration?.p50, q(want.taskDuration, 0.5), 1e-6);
      near(got.taskDuration?.p95, q(want.taskDuration, 0.95), 1e-6);
    }
    const knee = expectedKnee(read.map((l) => ({ c: l.c, tpm: l.tasksPerMinute, p95: q(l.ttft, 0.95) })));
    assert.equal(summary.knee.concurrency, knee);
    assert.match(
      summary.knee.verdict,
      knee === null ? /^no knee up to c=4/ : new RegExp(`^knee at c=${knee}:`),
    );
    // The console table says the same.
    assert.doesNotMatch(r.stderr, /\(knee\)/, 'quiet prints no table');
    for (const png of ['sweep_throughput.png', 'sweep_latency.png', 'sweep_task_duration.png']) {
      assert.deepEqual([...readFileSync(join(dir, png)).subarray(1, 4)], [0x50, 0x4e, 0x47], png);
    }
  });

  it('an interrupted sweep keeps its finished level and, resumed, runs each level once', async () => {
    const outputDir = join(tmp.path, 'lib');
    const settings = runSettings({ numTasks: 6, timeScale: 0.1, seed: 7, outputDir });
    const controller = new AbortController();
    let level = 0;
    let done = 0;
    const first = await startSweep(settings, [3, 1, 2], {
      env: {},
      signal: controller.signal,
      onLevelStart: (l) => {
        level = l.concurrency;
        done = 0;
      },
      onTrialDone: () => {
        if (level === 2 && ++done === 2) controller.abort();
      },
    });
    assert.equal(first.stopped, true);
    assert.deepEqual(
      first.levels.map((l) => [l.concurrency, l.state]),
      [
        [1, 'done'],
        [2, 'running'],
        [3, 'pending'],
      ],
    );
    assert.deepEqual(
      first.summary.levels.map((l) => l.trials),
      [6, undefined, undefined],
    );
    assert.equal(first.summary.knee.kind, 'undetermined');
    const c1Spool = sha(join(levelPath(first.sweepDir, 1), 'spans.otlp.jsonl'));

    const second = await startSweep(runSettings({ resume: first.sweepDir }), [], { env: {} });
    assert.equal(second.stopped, false);
    assert.deepEqual(
      second.levels.map((l) => l.state),
      ['done', 'done', 'done'],
    );
    assert.deepEqual(
      readdirSync(first.sweepDir)
        .filter((f) => f.startsWith('c'))
        .sort(),
      ['c1', 'c2', 'c3'],
    );
    assert.equal(sha(join(levelPath(first.sweepDir, 1), 'spans.otlp.jsonl')), c1Spool, 'c1 untouched');
    for (const c of [1, 2, 3]) {
      const results = json<{ results: { domain: string; task_id: string; trial: number }[] }>(
        join(levelPath(first.sweepDir, c), 'results.json'),
      ).results;
      const keys = results.map((r) => `${r.domain}/${r.task_id}/${r.trial}`);
      assert.equal(new Set(keys).size, 6, `c${c}: ${keys.join(' ')}`);
      assert.equal(keys.length, 6);
      assert.equal(readLevel(levelPath(first.sweepDir, c)).trials, 6);
    }
    const c2 = json<{ resumed_at: string[] }>(join(levelPath(first.sweepDir, 2), 'config.json'));
    assert.equal(c2.resumed_at.length, 1, 'c2 finished by its own resume');
    assert.deepEqual(
      second.summary.levels.map((l) => l.trials),
      [6, 6, 6],
    );
  });

  it('Ctrl-C stops the CLI with 130 and says how to resume; --resume finishes it', async () => {
    const out = join(tmp.path, 'sigint');
    const args = [
      'sweep',
      '--time-scale',
      '0.1',
      '--num-tasks',
      '4',
      '--max-concurrency',
      '1,2',
      '--output-dir',
      out,
    ];
    const { code, stdout, stderr } = await runCli(args, {}, 120_000, (err, child) => {
      // The second level has started: interrupt it.
      if (/c=2: /.test(err) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    assert.equal(code, 130, stderr);
    const dir = /sweep directory: (.+)/.exec(stdout)![1]!.trim();
    assert.match(stdout, new RegExp(`finish with: tau2-trace sweep --resume ${dir}`));
    assert.deepEqual(
      json<SweepFile>(join(dir, 'sweep.json')).levels.map((l) => l.state),
      ['done', 'running'],
    );
    const resumed = await runCli(['sweep', '--resume', dir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      json<SweepFile>(join(dir, 'sweep.json')).levels.map((l) => l.state),
      ['done', 'done'],
    );
    assert.deepEqual(
      json<SweepSummary>(join(dir, 'summary.json')).levels.map((l) => l.trials),
      [4, 4],
    );
  });
});
