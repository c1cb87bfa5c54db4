import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoDomain } from '../../src/domains/demo/index.js';
import { readSpool, type SpoolSpan } from '../../src/export/spool-reader.js';
import { Attr, EventName, Kind, ServiceName, SpanName } from '../../src/telemetry/names.js';
import { FAST, runCli, runDirOf, tau2DataDir, tempDir } from '../helpers.js';

const LLM_KINDS: string[] = [Kind.llmCall, Kind.expertCall, Kind.userSim, Kind.evaluator];
const CHAT_ATTRS = [
  Attr.genAiOperation,
  Attr.genAiProvider,
  Attr.genAiRequestModel,
  Attr.genAiResponseModel,
  Attr.genAiRequestStream,
  Attr.genAiInputTokens,
  Attr.genAiOutputTokens,
  Attr.genAiFinishReasons,
  Attr.serverAddress,
  Attr.serverPort,
  Attr.inferMs,
  Attr.hasToolCalls,
  Attr.inflight,
];
const STREAM_ATTRS = [Attr.ttftMs, Attr.decodeMs, Attr.genAiTtfc];

interface Results {
  results: { task_id: string; reward: number; trace_id: string; steps: number; termination_reason: string }[];
}

/** Checks one trace against the span contract; returns the kinds seen. */
function checkTrace(spans: SpoolSpan[], runId: string): Set<string> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = (s: SpoolSpan) => spans.filter((c) => c.parentSpanId === s.spanId);
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  assert.equal(roots.length, 1, 'one root per trace');
  const task = roots[0]!;
  assert.equal(task.name, SpanName.task);
  assert.equal(task.attributes[Attr.kind], Kind.task);
  for (const key of [
    Attr.taskId,
    Attr.domain,
    Attr.trial,
    Attr.taskReward,
    Attr.taskTermination,
    Attr.taskSteps,
  ]) {
    assert.notEqual(task.attributes[key], undefined, `task attribute ${key}`);
  }
  assert.equal(task.resource[Attr.runId], runId);
  assert.equal(task.resource[Attr.serviceName], ServiceName.harness);
  const evals = task.events.filter((e) => e.name === EventName.evaluationResult);
  assert.ok(
    evals.some((e) => e.attributes[Attr.evalName] === 'reward'),
    'a reward evaluation event',
  );
  const steps = children(task);
  assert.ok(steps.every((s) => s.name === SpanName.step && s.attributes[Attr.kind] === Kind.step));
  assert.equal(steps.length, task.attributes[Attr.taskSteps]);
  assert.deepEqual(
    steps.map((s) => s.attributes[Attr.stepIndex]).sort((a, b) => Number(a) - Number(b)),
    steps.map((_, i) => i + 1),
  );
  const kinds = new Set<string>();
  for (const step of steps) {
    assert.ok(step.attributes[Attr.stepFrom] && step.attributes[Attr.stepTo], 'step roles');
    for (const call of children(step)) {
      const kind = String(call.attributes[Attr.kind]);
      kinds.add(kind);
      if (kind === Kind.toolCall) {
        assert.equal(call.name, `${SpanName.executeToolPrefix}${call.attributes[Attr.toolName]}`);
        assert.ok(call.attributes[Attr.toolCallId], 'tool call id');
        assert.equal(typeof call.attributes[Attr.toolError], 'boolean');
        continue;
      }
      assert.ok(LLM_KINDS.includes(kind), `unexpected kind ${kind} under a step`);
      assert.equal(call.name, `${SpanName.chatPrefix}${call.attributes[Attr.genAiRequestModel]}`);
      assert.equal(call.kind, 3, 'chat spans are CLIENT');
      for (const key of CHAT_ATTRS) assert.notEqual(call.attributes[key], undefined, `${kind} ${key}`);
      if (kind === Kind.expertCall) assert.match(String(call.attributes[Attr.expertName]), /^expert-[123]$/);
      const sub = children(call);
      const server = sub.filter((s) => s.name === SpanName.llmRequest);
      assert.ok(server.length >= 1, 'the simulated server span sits under the chat span');
      assert.equal(server[0]!.resource[Attr.serviceName], ServiceName.sim);
      assert.equal(server[0]!.kind, 2, 'llm_request is a SERVER span');
      for (const key of [
        Attr.latencyTimeInQueue,
        Attr.latencyPrefill,
        Attr.latencyDecode,
        Attr.latencyTtft,
      ]) {
        assert.equal(typeof server[0]!.attributes[key], 'number', key);
      }
      if (call.attributes[Attr.genAiRequestStream] === true) {
        for (const key of STREAM_ATTRS) assert.equal(typeof call.attributes[key], 'number', `${kind} ${key}`);
        const phases = sub.filter((s) => s.name === SpanName.prefill || s.name === SpanName.decode);
        assert.deepEqual(phases.map((s) => s.name).sort(), [SpanName.decode, SpanName.prefill]);
        const prefill = phases.find((s) => s.name === SpanName.prefill)!;
        const decode = phases.find((s) => s.name === SpanName.decode)!;
        assert.equal(
          prefill.startNs >= call.startNs && decode.endNs <= call.endNs,
          true,
          'phases inside the call',
        );
        assert.ok(prefill.endNs <= decode.startNs + 1000n, 'decode follows prefill');
      }
    }
  }
  for (const s of spans)
    if (s.parentSpanId) assert.ok(byId.has(s.parentSpanId), `parent of ${s.name} present`);
  return kinds;
}

describe('tau2-trace run on the demo domain (embedded simulator)', () => {
  const tmp = tempDir();
  let runDir: string;
  let stdout: string;
  let code: number | null;
  before(async () => {
    const r = await runCli(['run', ...FAST, '--output-dir', tmp.path, '--name', 'e2e']);
    ({ stdout, code } = r);
    assert.equal(r.code, 0, r.stderr);
    runDir = runDirOf(r.stdout);
  });
  after(() => tmp.cleanup());

  it('finishes every demo task with reward 1 and says where the files are', () => {
    assert.equal(code, 0);
    assert.match(basename(runDir), /^e2e_\d{8}_\d{6}$/);
    assert.match(stdout, /results: .*results\.json \(14\/14 trials\)/);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    assert.equal(results.results.length, demoDomain.tasks.length);
    for (const r of results.results) assert.equal(r.reward, 1, `${r.task_id}: ${r.termination_reason}`);
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((config.parameters as { seed: number }).seed, 42);
    assert.ok(config.versions && config.host);
  });

  it('writes one complete trace per task trial, per the span contract', async () => {
    const { spans, badLines } = await readSpool(join(runDir, 'spans.otlp.jsonl'));
    assert.deepEqual(badLines, []);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    const traces = new Map<string, SpoolSpan[]>();
    for (const s of spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
    assert.deepEqual([...traces.keys()].sort(), results.results.map((r) => r.trace_id).sort());
    const kinds = new Set<string>();
    for (const trace of traces.values()) for (const k of checkTrace(trace, basename(runDir))) kinds.add(k);
    assert.deepEqual([...kinds].sort(), [...LLM_KINDS, Kind.toolCall].sort(), 'every kind of call occurs');
  });
});

describe('tau2-trace run with injected faults', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  it('retries through 5xx, 429, cut streams and garbage frames, each attempt visible', async () => {
    const r = await runCli([
      'run',
      ...FAST,
      '--output-dir',
      tmp.path,
      '--fault-5xx',
      '0.05',
      '--fault-429',
      '0.05',
      '--fault-cut',
      '0.04',
      '--fault-garbage',
      '0.04',
      '--retry-base-ms',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const runDir = runDirOf(r.stdout);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    for (const t of results.results) assert.equal(t.reward, 1, `${t.task_id}: ${t.termination_reason}`);
    const { spans } = await readSpool(join(runDir, 'spans.otlp.jsonl'));
    const types = new Set(
      spans.filter((s) => s.name === SpanName.attempt).map((s) => s.attributes[Attr.errorType]),
    );
    for (const t of ['503', '429', 'invalid_response'])
      assert.ok(types.has(t), `an attempt failed with ${t}`);
    assert.ok(types.has('stream_truncated') || types.has('connection_error'), 'a cut stream was retried');
  });
});

describe('tau2-trace run on tau2-bench data (--data-dir)', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  it('runs the mock domain and the first retail tasks through the same loop', async () => {
    const r = await runCli([
      'run',
      ...FAST,
      '--domains',
      'mock,retail',
      '--num-tasks',
      '3',
      '--data-dir',
      tau2DataDir,
      '--output-dir',
      tmp.path,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // mock is played by its faithful port: no task is skipped any more.
    assert.doesNotMatch(r.stderr, /skipped/);
    const results = JSON.parse(readFileSync(join(runDirOf(r.stdout), 'results.json'), 'utf8')) as Results;
    assert.equal(results.results.length, 6);
    for (const t of results.results) assert.equal(t.reward, 1, `${t.task_id}: ${t.termination_reason}`);
  });
});
