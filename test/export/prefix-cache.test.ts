/**
 * Prefix caching end to end: a run against the embedded simulator (prefix cache on by default) puts the
 * server's cached tokens on every call span, and stats_ext, runMetrics and the report's data give the hit
 * rate that the spool, read by an independent path (test/analyze/sim-run.ts), says; with the cache turned off
 * every call reports 0.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runMetrics } from '../../src/analyze/metrics.js';
import { runTrials } from '../../src/analyze/trials.js';
import { openRun } from '../../src/export/sources.js';
import { reportData } from '../../src/report/data.js';
import { runInfo } from '../../src/report/overview.js';
import { type RawSpan, rawSpans, simRun } from '../analyze/sim-run.js';
import { runCli, tempDir } from '../helpers.js';

const tmp = tempDir('tau2-cache-');
let cached = '';
let uncached = '';
before(async () => {
  cached = await simRun(join(tmp.path, 'on'));
  uncached = await simRun(join(tmp.path, 'off'), ['--no-enable-prefix-caching']);
});
after(() => tmp.cleanup());

const CACHED = 'gen_ai.usage.cache_read.input_tokens';
const agentCalls = (raw: RawSpan[]) => raw.filter((s) => s.attrs['tau2.kind'] === 'llm_call');
const sum = (spans: RawSpan[], key: string) => spans.reduce((a, s) => a + (s.attrs[key] as number), 0);

async function statsExt(runDir: string) {
  const r = await runCli(['stats', '--spans', runDir]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(readFileSync(join(runDir, 'timing_stats_ext.json'), 'utf8'));
}

describe('prefix caching in a run', () => {
  test("every agent call span carries the server's cached tokens, and later steps hit", () => {
    const calls = agentCalls(rawSpans(cached));
    assert.ok(calls.length > 0);
    for (const s of calls) assert.equal(typeof s.attrs[CACHED], 'number', `${s.name} ${s.spanId}`);
    // Within a trial, each step re-sends the history of the one before: only the first call of a trial
    // misses.
    const trials = new Set(calls.map((s) => s.traceId));
    const hits = calls.filter((s) => (s.attrs[CACHED] as number) > 0);
    assert.ok(hits.length >= calls.length - trials.size, `${hits.length} hits of ${calls.length} calls`);
  });

  test('stats_ext, runMetrics and the report give the hit rate of the spans', async () => {
    const calls = agentCalls(rawSpans(cached));
    const input = sum(calls, 'gen_ai.usage.input_tokens');
    const hit = sum(calls, CACHED);
    const ext = (await statsExt(cached)).prefix_cache.llm_call;
    assert.deepEqual(ext, {
      calls: calls.length,
      reported: calls.length,
      input_tokens: input,
      cached_tokens: hit,
      hit_rate: hit / input,
    });
    assert.ok(ext.hit_rate > 0.3, `hit rate ${ext.hit_rate}`);

    const trials = runTrials(
      (await openRun({ kind: 'spool', path: join(cached, 'spans.otlp.jsonl') })).spans!,
    );
    const m = runMetrics(trials);
    const use = new Map(m.cache).get('llm_call');
    assert.equal(use?.hitRate, hit / input);
    const samples = m.metrics.find((x) => x.name === 'llm_call.cached_tokens')!.samples;
    assert.equal(samples.length, calls.length);
    assert.equal(
      samples.reduce((a, s) => a + s.value, 0),
      hit,
    );
    const d = reportData(trials, runInfo('run', undefined, {}), 'test');
    assert.equal(d.latency.cache.find((r) => r.kind === 'llm_call')?.hitRate, hit / input);
  });

  test('with the cache off, every call reports 0 cached tokens and the hit rate is 0', async () => {
    const calls = agentCalls(rawSpans(uncached));
    assert.ok(calls.length > 0);
    assert.deepEqual(new Set(calls.map((s) => s.attrs[CACHED])), new Set([0]));
    const ext = (await statsExt(uncached)).prefix_cache.llm_call;
    assert.equal(ext.reported, calls.length);
    assert.equal(ext.hit_rate, 0);
  });
});
