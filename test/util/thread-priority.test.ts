/**
 * The stamping threads' priority: each level is asked for on a thread of its own, and what the function says
 * the thread got is checked against what the kernel says it has (/proc/<pid>/task/<tid>/stat: policy and
 * nice), so a claim of real-time is never only a claim. Which level a machine grants depends on its
 * rights (CAP_SYS_NICE, RLIMIT_RTPRIO); every outcome is checked, none is skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  type PriorityOutcome,
  requestedPriority,
  STAMPING_NICENESS,
  type StampPriority,
} from '../../src/util/thread-priority.js';

/** What the kernel says of a thread: its scheduling policy (0 normal, 2 round-robin) and niceness. */
interface Kernel {
  policy: number;
  nice: number;
}

/** Raises a fresh thread's priority to `wanted`; returns the outcome and the kernel's view of that thread. */
function onThread(
  wanted: StampPriority,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ outcome: PriorityOutcome; kernel: Kernel | undefined }> {
  const module = new URL('../../src/util/thread-priority.js', import.meta.url).href;
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync, readlinkSync } = require('node:fs');
    import(workerData.module).then((m) => {
      const outcome = m.raiseThreadPriority(workerData.wanted);
      let stat;
      try { stat = readFileSync('/proc/thread-self/stat', 'utf8'); } catch {}
      parentPort.postMessage({ outcome, stat });
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { module, wanted }, env });
    w.once('message', (m: { outcome: PriorityOutcome; stat?: string }) => {
      void w.terminate();
      resolve({ outcome: m.outcome, kernel: m.stat ? kernelView(m.stat) : undefined });
    });
    w.once('error', reject);
  });
}

/** Policy and nice from a stat line (fields after the command name, which is in parentheses). */
function kernelView(stat: string): Kernel {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 19 (nice) and 41 (policy), counting from 1 with pid; f[0] is field 3.
  return { nice: Number(f[16]), policy: Number(f[38]) };
}

const SCHED_OTHER = 0;
const SCHED_RR = 2;
const ownNice = () => {
  try {
    return kernelView(readFileSync('/proc/thread-self/stat', 'utf8')).nice;
  } catch {
    return 0;
  }
};

describe('raiseThreadPriority', () => {
  it('realtime: what it reports is what the kernel has, and each refusal says why', async () => {
    const { outcome, kernel } = await onThread('realtime');
    if (process.platform !== 'linux') {
      assert.equal(outcome.got, 'normal');
      assert.match(outcome.refused[0] ?? '', /Linux only/);
      return;
    }
    assert.ok(kernel);
    if (outcome.got === 'realtime') {
      assert.equal(kernel.policy, SCHED_RR);
      assert.deepEqual(outcome.refused, []);
    } else {
      assert.equal(kernel.policy, SCHED_OTHER);
      assert.match(outcome.refused[0] ?? '', /^realtime: \S/);
      if (outcome.got === 'nice') assert.equal(kernel.nice, STAMPING_NICENESS);
      else assert.match(outcome.refused[1] ?? '', /^nice: \S/);
    }
  });

  it('realtime without chrt on the PATH falls back to nice, saying chrt is missing', async () => {
    if (process.platform !== 'linux') return;
    const { outcome, kernel } = await onThread('realtime', { ...process.env, PATH: '/nonexistent' });
    assert.equal(kernel?.policy, SCHED_OTHER);
    assert.equal(outcome.refused[0], 'realtime: chrt (util-linux) is not installed');
    if (outcome.got === 'nice') assert.equal(kernel?.nice, STAMPING_NICENESS);
    else assert.deepEqual([outcome.got, outcome.refused.length], ['normal', 2]);
  });

  it('nice: never real-time; niceness −10 when granted', async () => {
    const { outcome, kernel } = await onThread('nice');
    if (process.platform !== 'linux') return assert.equal(outcome.got, 'normal');
    assert.ok(kernel);
    assert.equal(kernel.policy, SCHED_OTHER);
    assert.notEqual(outcome.got, 'realtime');
    if (outcome.got === 'nice') assert.equal(kernel.nice, STAMPING_NICENESS);
    else assert.match(outcome.refused[0] ?? '', /^nice: \S/);
  });

  it('normal: the thread is left as the process made it', async () => {
    const { outcome, kernel } = await onThread('normal');
    assert.deepEqual(outcome, { got: 'normal', refused: [] });
    if (kernel) assert.deepEqual(kernel, { policy: SCHED_OTHER, nice: ownNice() });
  });

  it('TAU2_TRACE_STAMP_PRIORITY picks the level (nice when unset) and a wrong value is named', () => {
    assert.equal(requestedPriority({}), 'nice');
    assert.equal(requestedPriority({ TAU2_TRACE_STAMP_PRIORITY: '' }), 'nice');
    assert.equal(requestedPriority({ TAU2_TRACE_STAMP_PRIORITY: 'realtime' }), 'realtime');
    assert.equal(requestedPriority({ TAU2_TRACE_STAMP_PRIORITY: 'normal' }), 'normal');
    assert.throws(
      () => requestedPriority({ TAU2_TRACE_STAMP_PRIORITY: 'max' }),
      /TAU2_TRACE_STAMP_PRIORITY must be one of realtime, nice, normal, not 'max'/,
    );
  });
});
