/** compareRuns and --fail-on rules on hand-made runs whose differences are known. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type AnalyzedRun, analyzeRun, compareRuns } from '../../src/analyze/compare.js';
import { compareJson, compareMarkdown, compareText } from '../../src/analyze/compare-format.js';
import { parseFailOn } from '../../src/analyze/fail-on.js';
import { openRun } from '../../src/export/sources.js';
import { DataError, UsageError } from '../../src/util/errors.js';
import { spoolText, type TrialSpec } from '../export/spool-fixture.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('tau2-compare-');
after(() => tmp.cleanup());

/** 30 trials of one task each, tools taking `toolMs(i)`; `missing` trials left out. */
function trials(toolMs: (i: number) => number, missing = new Set<number>()): TrialSpec[] {
  return Array.from({ length: 30 }, (_, i) => i)
    .filter((i) => !missing.has(i))
    .map((i) => ({
      label: `t${i}-${toolMs(i)}`,
      domain: i % 2 ? 'retail' : 'airline',
      taskId: `task${i}`,
      trial: 1,
      endMs: 1_000_000 + i * 1000,
      tools: [toolMs(i), toolMs(i) * 1.1],
    }));
}

async function run(name: string, specs: TrialSpec[]): Promise<AnalyzedRun> {
  const file = join(tmp.path, `${name}.jsonl`);
  writeFileSync(file, spoolText(specs));
  return analyzeRun(await openRun({ kind: 'spool', path: file }));
}

const base = (i: number) => 20 + ((i * 7) % 30);

describe('compareRuns', () => {
  it('finds a tripled tool time significant, pairs trials both runs have, and leaves equal metrics alone', async () => {
    const b = await run('b', trials(base));
    const c = await run(
      'c',
      trials((i) => base(i) * 3, new Set([0, 1])),
    );
    const cmp = compareRuns(b, c, { resamples: 500 });
    const tool = cmp.metrics.find((m) => m.name === 'tool_call.duration')!;
    assert.equal(tool.significant, true);
    const median = tool.diffs.find((d) => d.stat === 'median')!;
    // The tool durations the fixture was given, their medians computed here.
    const med = (specs: TrialSpec[]) => {
      const v = specs.flatMap((t) => t.tools).sort((x, y) => x - y);
      return (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    };
    assert.ok(Math.abs(median.baseline - med(trials(base))) < 1e-6);
    assert.ok(Math.abs(median.candidate - med(trials((i) => base(i) * 3, new Set([0, 1])))) < 1e-6);
    assert.ok(median.ci.lo > 0);
    const task = cmp.metrics.find((m) => m.name === 'task.duration')!;
    assert.deepEqual([task.paired, task.test?.name], [28, 'wilcoxon-signed-rank']);
    const ttft = cmp.metrics.find((m) => m.name === 'llm_call.ttft')!;
    assert.deepEqual([ttft.significant, ttft.diffs.every((d) => d.diff === 0)], [false, true]);
    assert.ok(cmp.empty.includes('llm_call.queue'));
  });

  it('judges rules: fails a significant regression past the threshold only', async () => {
    const b = await run('b2', trials(base));
    const c = await run(
      'c2',
      trials((i) => base(i) * 1.5),
    );
    const rules = [
      'tool_call.duration.median > +10%',
      'tool_call.duration.median > +80%',
      'llm_call.ttft.p95 > 5ms',
    ];
    const cmp = compareRuns(b, c, { resamples: 500, failOn: rules.map(parseFailOn) });
    assert.deepEqual(
      cmp.failOn.map((f) => [f.rule.text, f.failed, f.why]),
      [
        [rules[0], true, 'regression'],
        [rules[1], false, 'within-threshold'],
        [rules[2], false, 'not-significant'],
      ],
    );
    assert.match(
      compareText(cmp),
      /FAIL --fail-on 'tool_call\.duration\.median > \+10%': .*\(\+\d+\.\d% … \+\d+\.\d%\)/,
    );
    assert.match(compareMarkdown(cmp), /❌ `tool_call\.duration\.median > \+10%`/);
    assert.equal(JSON.parse(compareJson(cmp)).failOn[0].failed, true);
  });

  it('judges a statistic the table does not show, and a per-domain metric', async () => {
    const b = await run('b3', trials(base));
    const c = await run(
      'c3',
      trials((i) => (i % 2 ? base(i) * 2 : base(i))),
    );
    const rules = [
      'tool_call.duration{domain=retail}.p90 > +20%',
      'tool_call.duration{domain=airline}.p90 > +20%',
    ];
    const cmp = compareRuns(b, c, { resamples: 500, failOn: rules.map(parseFailOn) });
    assert.deepEqual(
      cmp.failOn.map((f) => f.failed),
      [true, false],
    );
    assert.ok(!cmp.metrics.some((m) => m.name.includes('{')), 'split rows are shown only with --by');
    const by = compareRuns(b, c, { resamples: 200, by: 'domain' });
    assert.ok(by.metrics.some((m) => m.name === 'tool_call.duration{domain=retail}'));
  });

  it('refuses a rule it cannot judge, saying why', async () => {
    const b = await run('b4', trials(base));
    assert.throws(
      () => compareRuns(b, b, { failOn: [parseFailOn('llm_call.queue.p95 > +10%')] }),
      (e) => e instanceof DataError && /no samples in the baseline .*without tracing/.test(e.message),
    );
    assert.throws(
      () => compareRuns(b, b, { failOn: [parseFailOn('llm_call.ttft{model=gpt-9}.p95 > +10%')] }),
      (e) =>
        e instanceof UsageError && /neither run has a metric llm_call\.ttft\{model=gpt-9\}/.test(e.message),
    );
  });
});

describe('parseFailOn', () => {
  it('reads relative and absolute thresholds either way', () => {
    const r = parseFailOn('llm_call.ttft.p95 > +10%');
    assert.deepEqual(
      [r.metric, r.stat, r.op, r.threshold, r.relative, r.unit],
      ['llm_call.ttft', 'p95', '>', 10, true, 'ms'],
    );
    const a = parseFailOn(' task.reward.mean<-0.05 ');
    assert.deepEqual([a.metric, a.op, a.threshold, a.relative], ['task.reward', '<', -0.05, false]);
    const m = parseFailOn('expert_call.e2e{model=Qwen/Qwen3-32B}.median > 250ms');
    assert.deepEqual([m.metric, m.threshold, m.unit], ['expert_call.e2e{model=Qwen/Qwen3-32B}', 250, 'ms']);
  });

  it('names what is wrong with a bad rule', () => {
    const bad = (text: string, why: RegExp) =>
      assert.throws(
        () => parseFailOn(text),
        (e) => e instanceof UsageError && e.field === 'failOn' && why.test(e.message),
      );
    bad('llm_call.ttft.p95 >= 10%', /a rule reads/);
    bad('llm_call.ttfb.p95 > 10%', /no metric llm_call\.ttfb/);
    bad('llm_call.ttft.p42 > 10%', /no statistic p42/);
    bad('llm_call.ttft.p95 > 10tok', /in ms, not tok/);
  });
});
