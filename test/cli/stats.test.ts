import assert from 'node:assert/strict';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LEGACY_METRICS } from '../../src/export/legacy/parse.js';
import { pickRunTraces } from '../../src/export/run-traces.js';
import { readSpool, type SpoolSpan } from '../../src/export/spool-reader.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';
import { FAST, repoRoot, runCli, runDirOf, tau2DataDir, tempDir } from '../helpers.js';

const fixtures = join(repoRoot, 'test/fixtures/legacy');

describe('tau2-trace stats', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('--log-dir writes the legacy JSON and prints the console text, byte for byte', async () => {
    const out = join(tmp.path, 'logs');
    const r = await runCli(['stats', '--log-dir', join(fixtures, 'run_basic'), '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readFileSync(join(out, 'timing_stats.json'), 'utf8'),
      readFileSync(join(fixtures, 'run_basic_stats.json'), 'utf8'),
    );
    // The whole console text, `Wrote` lines included; they name the (resolved) output directory.
    assert.equal(
      r.stdout.replaceAll(realpathSync(out), '<OUT>'),
      readFileSync(join(fixtures, 'run_basic_console.txt'), 'utf8'),
    );
    for (const metric of LEGACY_METRICS) {
      const png = readFileSync(join(out, `timing_${metric.name}.png`));
      // PNG signature, then the IHDR chunk's width and height.
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', metric.name);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2000, 800], metric.name);
    }
  });

  it('from logs, stats_ext only with --ext: both key generations, per domain, task durations from rebuilt trials', async () => {
    const plain = join(tmp.path, 'plain');
    assert.equal(
      (await runCli(['stats', '--log-dir', join(fixtures, 'run_basic'), '--out-dir', plain])).code,
      0,
    );
    assert.deepEqual(
      readdirSync(plain).filter((f) => f.includes('_ext') || f.endsWith('_cdf.png')),
      [],
    );
    const out = join(tmp.path, 'ext');
    const r = await runCli(['stats', '--log-dir', join(fixtures, 'run_basic'), '--ext', '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    const ext = JSON.parse(readFileSync(join(out, 'timing_stats_ext.json'), 'utf8'));
    const legacy = JSON.parse(readFileSync(join(out, 'timing_stats.json'), 'utf8'));
    assert.deepEqual(Object.keys(ext.metrics.tool_call.by_domain).sort(), ['airline', 'retail']);
    // The later key generation counts here, so the agent's infer values outnumber the legacy analyzer's.
    assert.ok(ext.metrics.toolorchestra_vllm_infer.all.n > legacy.toolorchestra_vllm_infer.stats.n);
    assert.ok(ext.kinds.task.all.n > 0 && ext.kinds.step.all.n > 0 && ext.kinds.user_sim.all.n > 0);
  });

  it('--log-path reports unusable lines on stderr and still counts the rest', async () => {
    const out = join(tmp.path, 'bad');
    const r = await runCli([
      'stats',
      '--log-path',
      join(fixtures, 'bad_input.log'),
      '--out-dir',
      out,
      '--out-prefix',
      'x',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /6 lines could not be used \(first: .*bad_input\.log:3/);
    assert.equal(
      readFileSync(join(out, 'x_stats.json'), 'utf8'),
      readFileSync(join(fixtures, 'bad_input_stats.json'), 'utf8'),
    );
  });

  it('--spans maps a run to the legacy metrics', async () => {
    const run = await runCli(['run', ...FAST, '--num-tasks', '5', '--output-dir', join(tmp.path, 'runs')]);
    assert.equal(run.code, 0, run.stderr);
    const runDir = runDirOf(run.stdout);
    const r = await runCli(['stats', '--spans', runDir]);
    assert.equal(r.code, 0, r.stderr);
    const stats = JSON.parse(readFileSync(join(runDir, 'timing_stats.json'), 'utf8')) as Record<
      string,
      { stats: { n: number } | null }
    >;
    const { spans } = await readSpool(join(runDir, 'spans.otlp.jsonl'));
    const count = (kind: string) => spans.filter((s) => s.attributes[Attr.kind] === kind).length;
    assert.equal(stats.tool_call?.stats?.n, count(Kind.toolCall));
    assert.equal(stats.expert_call?.stats?.n ?? 0, count(Kind.expertCall));
    assert.equal(stats.toolorchestra_vllm_infer?.stats?.n, count(Kind.llmCall));
    assert.equal(stats.toolorchestra_vllm_decode_len?.stats?.n, count(Kind.llmCall));
    assert.match(r.stdout, /^=== tool_call\.duration_ms ===\nn=\d+ mean=/);

    // stats_ext: every kind's durations, with percentiles, per model and per domain; two charts per metric.
    const ext = JSON.parse(readFileSync(join(runDir, 'timing_stats_ext.json'), 'utf8'));
    for (const kind of [Kind.task, Kind.step, Kind.llmCall, Kind.userSim, Kind.evaluator, Kind.toolCall]) {
      assert.equal(ext.kinds[kind].all.n, count(kind), kind);
    }
    const userSim = ext.kinds[Kind.userSim];
    assert.equal(userSim.by_model['sim-user'].n, count(Kind.userSim));
    assert.equal(userSim.by_domain.demo.n, count(Kind.userSim));
    const all = ext.metrics.toolorchestra_vllm_prefill.all;
    assert.ok(all.min <= all.p50 && all.p50 <= all.p90 && all.p90 <= all.p95 && all.p95 <= all.p99);
    assert.ok(all.p99 <= all.max);
    for (const metric of LEGACY_METRICS) {
      for (const suffix of ['log', 'cdf']) {
        const png = readFileSync(join(runDir, `timing_${metric.name}_${suffix}.png`));
        assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2000, 800]);
      }
    }
    const legacyOnly = join(tmp.path, 'legacy-only');
    assert.equal((await runCli(['stats', '--spans', runDir, '--no-ext', '--out-dir', legacyOnly])).code, 0);
    assert.deepEqual(
      readdirSync(legacyOnly).filter((f) => f.includes('_ext') || f.endsWith('_cdf.png')),
      [],
    );
  });

  it('bad input: a missing path, or two inputs, exit 2 naming the culprit', async () => {
    const missing = await runCli(['stats', '--log-dir', join(tmp.path, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--log-dir .*nope: no such file or directory/);
    const both = await runCli(['stats', '--log-dir', fixtures, '--spans', fixtures]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --log-path, --log-dir, --spans, --tempo and --jaeger/);
  });
});

describe('legacy round trip', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('spans → tau2-trace logs → stats --log-dir equals stats --spans, byte for byte (several domains)', async () => {
    const run = await runCli([
      'run',
      ...FAST,
      '--domains',
      'demo,mock,retail',
      '--data-dir',
      tau2DataDir,
      '--num-tasks',
      '4',
      '--output-dir',
      join(tmp.path, 'runs'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const runDir = runDirOf(run.stdout);
    const logs = await runCli(['logs', runDir, '--out-dir', join(tmp.path, 'logs')]);
    assert.equal(logs.code, 0, logs.stderr);
    const demoLog = readFileSync(join(tmp.path, 'logs', 'tau2_demo.log'), 'utf8');
    assert.match(
      demoLog,
      /^\[PROFILE\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} task=\S+ thread=\d+ type=llm_call step=\d+ model=sim-orchestrator-8b call_type=vllm duration_ms=\d+\.\d\d toolorchestra_vllm_infer_ms=\d+\.\d\d toolorchestra_vllm_prefill_ms=\d+\.\d\d toolorchestra_vllm_decode_ms=\d+\.\d\d toolorchestra_vllm_prefill_len=\d+ toolorchestra_vllm_decode_len=\d+ has_tool_calls=(True|False)$/m,
    );
    assert.match(
      demoLog,
      /^\[PROFILE\] .* type=tool_call step=\d+ function=\w+ call_type=local_function duration_ms=\d+\.\d\d/m,
    );
    assert.match(
      demoLog,
      /^\[USER_JUDGE\] .* type=evaluator model=sim-judge call_type=llm duration_ms=\d+\.\d\d$/m,
    );
    const fromLogs = await runCli([
      'stats',
      '--log-dir',
      join(tmp.path, 'logs'),
      '--out-dir',
      join(tmp.path, 'a'),
    ]);
    const fromSpans = await runCli(['stats', '--spans', runDir, '--out-dir', join(tmp.path, 'b')]);
    assert.equal(fromLogs.code, 0, fromLogs.stderr);
    assert.equal(fromSpans.code, 0, fromSpans.stderr);
    const a = readFileSync(join(tmp.path, 'a', 'timing_stats.json'), 'utf8');
    assert.equal(a, readFileSync(join(tmp.path, 'b', 'timing_stats.json'), 'utf8'));
    const paths = (t: string, dir: string) => t.replaceAll(realpathSync(join(tmp.path, dir)), '<OUT>');
    assert.equal(paths(fromLogs.stdout, 'a'), paths(fromSpans.stdout, 'b'));
    assert.notEqual(JSON.parse(a).tool_call.stats, null, 'the comparison is over real data');

    // … and tau2-trace import of those logs gives spans with the same stats and the same hierarchy.
    const imported = join(tmp.path, 'imported.jsonl');
    const imp = await runCli(['import', '--log-dir', join(tmp.path, 'logs'), '--out', imported]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stderr, /as run logs: \d+ trials/);
    const fromImport = await runCli(['stats', '--spans', imported, '--out-dir', join(tmp.path, 'c')]);
    assert.equal(fromImport.code, 0, fromImport.stderr);
    assert.equal(readFileSync(join(tmp.path, 'c', 'timing_stats.json'), 'utf8'), a);
    const original = pickRunTraces((await readSpool(join(runDir, 'spans.otlp.jsonl'))).spans).spans;
    const rebuilt = (await readSpool(imported)).spans;
    assert.deepEqual(hierarchy(rebuilt), hierarchy(original));
    assert.ok(rebuilt.every((s) => s.resource[Attr.runId] === 'logs'));
  });
});

/**
 * Per task trial (domain, task id, ordinal by start), the sorted list of its steps and calls, each with the
 * step index it hangs under: what a trace view shows, without the spans the logs never carried.
 */
function hierarchy(spans: SpoolSpan[]): Record<string, string[]> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans
    .filter((s) => s.name === SpanName.task && !s.parentSpanId)
    .sort((x, y) => (x.startNs < y.startNs ? -1 : 1));
  const keyOf = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const r of roots) {
    const task = `${r.attributes[Attr.domain]}/${r.attributes[Attr.taskId]}`;
    const n = seen.get(task) ?? 0;
    seen.set(task, n + 1);
    keyOf.set(r.traceId, `${task}#${n}`);
  }
  const kinds = new Set<unknown>([
    Kind.step,
    Kind.llmCall,
    Kind.expertCall,
    Kind.userSim,
    Kind.evaluator,
    Kind.toolCall,
  ]);
  const out: Record<string, string[]> = {};
  for (const s of spans) {
    const kind = s.attributes[Attr.kind];
    if (!kinds.has(kind) || s.name === SpanName.attempt) continue;
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    const under =
      parent?.attributes[Attr.kind] === Kind.step ? `step ${parent.attributes[Attr.stepIndex]}` : 'task';
    const own = kind === Kind.step ? ` ${s.attributes[Attr.stepIndex]}` : '';
    const key = keyOf.get(s.traceId)!;
    out[key] = [...(out[key] ?? []), `${kind}${own} under ${under}`];
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}
