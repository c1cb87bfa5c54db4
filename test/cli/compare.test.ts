/**
 * `tau2-trace compare`: argument parsing in-process, and the acceptance cases on real runs of the simulator:
 * the same seed and settings twice compare equal (exit 0, nothing significant); with the simulator's prefill
 * time per token doubled, `--fail-on 'llm_call.ttft.p95 > +10%'` exits 1 naming the metric and its interval.
 * The runs go at real time (--time-scale 1): compressed ten times, the simulator's milliseconds are small
 * enough for a busy machine's scheduling to shift them between two runs of the same seed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CommandHandlers, main } from '../../src/cli/program.js';
import { runCli, runDirOf, tempDir } from '../helpers.js';

describe('compare arguments', () => {
  async function parse(argv: string[]) {
    const calls: unknown[][] = [];
    const handlers = {
      compare: async (...a: unknown[]) => {
        calls.push(a);
        return 0;
      },
    } as unknown as CommandHandlers;
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return { code: await main(['node', 'tau2-trace', 'compare', ...argv], handlers), calls };
    } finally {
      process.stderr.write = write;
    }
  }

  it('takes two runs, repeated rules and defaults', async () => {
    const { code, calls } = await parse(['a', 'b', '--fail-on', 'x.y.p95 > 1', '--fail-on', 'z.w.mean < -1']);
    assert.equal(code, 0);
    assert.deepEqual(calls, [
      ['a', 'b', { format: 'text', failOn: ['x.y.p95 > 1', 'z.w.mean < -1'], resamples: 2000, seed: 1 }],
    ]);
  });

  it('refuses a bad format or split, and a missing candidate, with exit 2', async () => {
    for (const argv of [['a', 'b', '--format', 'html'], ['a', 'b', '--by', 'task'], ['a']]) {
      assert.equal((await parse(argv)).code, 2, argv.join(' '));
    }
  });
});

describe('compare on simulator runs', () => {
  const tmp = tempDir('tau2-compare-cli-');
  const dirs = { baseline: '', same: '', doubled: '' };
  before(async () => {
    // One output directory each: run directories are named by the second they start in.
    // Prefix caching off: with the simulator's cache on, most of a step's prompt is cached and the doubled
    // per-token prefill barely moves TTFT (seen in CI: p95 +233% with an interval across 0).
    const start = (name: string, extra: string[] = []) =>
      runCli([
        'run',
        '--quiet',
        '--seed',
        '7',
        '--no-enable-prefix-caching',
        '--output-dir',
        join(tmp.path, name),
        ...extra,
      ]);
    const [b, s, d] = await Promise.all([
      start('baseline'),
      start('same'),
      start('doubled', ['--prefill-ms-per-token', '0.08']),
    ]);
    for (const r of [b, s, d]) assert.equal(r!.code, 0, r!.stderr);
    dirs.baseline = runDirOf(b!.stdout);
    dirs.same = runDirOf(s!.stdout);
    dirs.doubled = runDirOf(d!.stdout);
  });
  after(() => tmp.cleanup());

  const RULE = 'llm_call.ttft.p95 > +10%';

  it('finds nothing significant between two runs of the same seed and settings, and exits 0', async () => {
    const r = await runCli(['compare', dirs.baseline, dirs.same, '--fail-on', RULE, '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    const significant = out.metrics.filter((m: { significant: boolean }) => m.significant);
    assert.deepEqual(
      significant.map((m: { name: string }) => m.name),
      [],
    );
    assert.equal(out.failOn[0].failed, false);
    assert.ok(out.metrics.length > 20);
    assert.equal(out.baseline.server.state, 'present');
  });

  it('fails the TTFT rule when prefill per token doubles, naming the metric and its interval', async () => {
    const r = await runCli(['compare', dirs.baseline, dirs.doubled, '--fail-on', RULE]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /FAIL --fail-on 'llm_call\.ttft\.p95 > \+10%': llm_call\.ttft\.p95 [\d.]+ → [\d.]+ ms, \+[\d.]+% \(\+[\d.]+% … \+[\d.]+%\): significant, and past the threshold/,
    );
    assert.match(r.stdout, /^significant: .*llm_call\.prefill/m);
    const md = await runCli(['compare', dirs.baseline, dirs.doubled, '--fail-on', RULE, '--format', 'md']);
    assert.equal(md.code, 1);
    assert.match(md.stdout, /^### tau2-trace compare\n\n\*\*1 of 1 rules failed\*\*/);
    assert.match(md.stdout, /^\| `llm_call\.ttft \(ms\)` \| \d+\/\d+ \|/m);
  });

  it('reads legacy logs as report does, and says which run lacks the server spans', async () => {
    const logs = join(tmp.path, 'logs');
    const l = await runCli(['logs', dirs.baseline, '--out-dir', logs]);
    assert.equal(l.code, 0, l.stderr);
    const r = await runCli(['compare', logs, dirs.same, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.baseline.source, logs);
    assert.equal(out.baseline.server.state, 'absent');
    assert.ok(
      out.metrics.some((m: { name: string; baseline?: object }) => m.name === 'llm_call.ttft' && m.baseline),
    );
  });

  it('names the argument that is wrong, with exit 2', async () => {
    const missing = join(tmp.path, 'nope');
    const r = await runCli(['compare', missing, dirs.same]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`error: baseline ${missing}: no such file or run directory`));
    const bad = await runCli(['compare', dirs.baseline, dirs.same, '--fail-on', 'llm_call.ttft.p95 >= 10']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on "llm_call\.ttft\.p95 >= 10": a rule reads/);
  });
});
