/**
 * The report's data (src/report/data.ts) on hand-made trials: failed trials' errors in the overview and left
 * out of the rewards, every trial's parts summing to its wall time, the slow rule applied per domain; the
 * load series' time-weighted means.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMPONENTS } from '../../src/analyze/attribution.js';
import { runTrials } from '../../src/analyze/trials.js';
import { type SpoolSpan, spansOfRequest } from '../../src/export/spool-reader.js';
import { reportData } from '../../src/report/data.js';
import { runInfo } from '../../src/report/overview.js';
import { meanLevel } from '../../src/report/series.js';
import { Attr } from '../../src/telemetry/names.js';
import { fakeTrial, otlpLine, type TrialSpec } from '../export/spool-fixture.js';

/** The spans of `specs`, with reward 1 on every task span, as the spool reader returns them. */
function spansOf(specs: TrialSpec[]): SpoolSpan[] {
  const spans = specs.flatMap((t) => spansOfRequest(JSON.parse(otlpLine(fakeTrial(t)))));
  for (const s of spans) if (s.name === 'task') s.attributes[Attr.taskReward] = 1;
  return spans;
}

const trial = (label: string, taskId: string, tools: number[], domain = 'retail'): TrialSpec => ({
  label,
  domain,
  taskId,
  trial: 1,
  endMs: 1_800_000_000_000,
  tools,
});

describe('report data', () => {
  it("lists a failed trial's error and leaves it out of the rewards", () => {
    const spans = spansOf([trial('a', 't1', [10]), trial('b', 't2', [10]), trial('c', 't3', [10])]);
    const failed = spans.find((s) => s.name === 'task' && s.attributes[Attr.taskId] === 't3')!;
    failed.status = { code: 2, message: 'agent_error: 503 Service Unavailable after 3 attempts' };
    failed.attributes[Attr.taskTermination] = 'agent_error';
    failed.attributes[Attr.taskReward] = 0;
    const trials = runTrials(spans);
    const d = reportData(trials, runInfo('fixture', undefined, trials[0]!.root.span.resource), 'test');
    assert.deepEqual(d.overview.errors, [
      {
        key: 'retail/t3/1',
        termination: 'agent_error',
        error: 'agent_error: 503 Service Unavailable after 3 attempts',
      },
    ]);
    assert.equal(d.overview.failedTrials, 1);
    assert.equal(d.overview.meanReward, 1);
    assert.deepEqual(d.overview.passHatK, { 1: 1 });
    assert.deepEqual(d.overview.parameters, [
      ['service.name', 'tau2-harness'],
      ['tau2.run.id', 'run_fixture'],
    ]);
  });

  it("cuts every trial's wall time into parts that sum to it, and flags the slow trial of a domain", () => {
    const specs = [
      ...[10, 12, 11, 13, 9].map((ms, i) => trial(`r${i}`, `r${i}`, [ms])),
      trial('slow', 'slow', [5000]),
      ...[10, 11].map((ms, i) => trial(`m${i}`, `m${i}`, [ms], 'mock')),
    ];
    const d = reportData(runTrials(spansOf(specs)), runInfo('fixture', undefined, {}), 'test');
    for (const t of d.trials) {
      const sum = t.parts.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - t.wallMs) < 0.01 * COMPONENTS.length, `${t.key}: ${sum} ≠ ${t.wallMs}`);
    }
    const slow = d.trials.filter((t) => t.slow);
    assert.deepEqual(
      slow.map((t) => [t.key, t.slow!.cause]),
      [['retail/slow/1', 'tool']],
    );
    const mock = d.slowRule.domains.find((r) => (r as { domain: string }).domain === 'mock') as {
      thresholdMs: null;
    };
    assert.equal(mock.thresholdMs, null, 'two trials: not judged');
  });
});

describe('load series', () => {
  it('is the time-weighted mean number of open intervals per bucket', () => {
    // Buckets of 1 s over [0, 4): [0, 2) open throughout the first two, [1, 1.5) half of the second, [3, 9) the last.
    const levels = meanLevel(
      [
        [0, 2],
        [1, 1.5],
        [3, 9],
      ],
      0,
      4,
      4,
    );
    assert.deepEqual(levels, [1, 1.5, 0, 1]);
  });
});
