/** A run from code: startRun with settings, no CLI, no child process. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrialResult } from '../../src/harness/orchestrator.js';
import { type RunStart, runSettings, startRun } from '../../src/harness/session.js';
import { UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

describe('startRun', () => {
  it('runs the demo domain on the embedded simulator and reports what it recorded', async () => {
    const outputDir = join(tmp.path, 'runs');
    const started: RunStart[] = [];
    const done: TrialResult[] = [];
    const report = await startRun(runSettings({ numTasks: 3, timeScale: 0.1, outputDir, name: 'lib' }), {
      onStart: (run) => started.push(run),
      onTrialDone: (r) => done.push(r),
      env: {},
    });
    assert.equal(report.planned, 3);
    assert.equal(report.results.length, 3);
    assert.deepEqual(report.failed, []);
    assert.equal(report.left, 0);
    assert.match(report.runId, /^lib_\d{8}_\d{6}$/);
    assert.deepEqual(readdirSync(outputDir), [report.runId]);
    assert.equal(started.length, 1);
    assert.equal(started[0]!.planned, 3);
    assert.equal(started[0]!.alreadyDone, 0);
    assert.deepEqual(done.map((r) => r.task_id).sort(), report.results.map((r) => r.task_id).sort());
    const config = JSON.parse(readFileSync(report.files.config, 'utf8'));
    assert.equal(config.run_id, report.runId);
    assert.equal(config.parameters.numTasks, 3);
    assert.ok(!('resume' in config.parameters));
    assert.ok(report.files.spool && existsSync(report.files.spool));
    assert.ok(report.stats.byKind().get('llm_call')!.calls > 0);
  });

  it('bad settings reject naming the setting, before a run directory is created', async () => {
    const outputDir = join(tmp.path, 'never');
    await assert.rejects(
      startRun(runSettings({ llmTimeout: 0, outputDir }), { env: {} }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.field === 'llmTimeout' &&
        err.message === 'llmTimeout 0: must be more than 0 seconds',
    );
    await assert.rejects(
      startRun(runSettings({ taskIds: ['no-such-task'], outputDir }), { env: {} }),
      (err: unknown) => err instanceof UsageError && err.message === 'taskIds / numTasks select no task',
    );
    assert.equal(existsSync(outputDir), false);
  });

  it('an aborted signal stops the run before it creates anything', async () => {
    const outputDir = join(tmp.path, 'aborted');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(startRun(runSettings({ outputDir }), { signal: controller.signal, env: {} }), {
      name: 'AbortError',
    });
    assert.equal(existsSync(outputDir), false);
  });
});
