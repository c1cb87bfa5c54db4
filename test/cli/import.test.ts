/**
 * `tau2-trace import`: trial reconstruction from hand-written legacy logs (thread reuse, repeated trials,
 * ids repeated across domains, both key generations, bad lines), OTLP/HTTP to a real listener, and bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSpool, type SpoolSpan, spansOfRequest } from '../../src/export/spool-reader.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';
import { closedPort, runCli, tempDir } from '../helpers.js';

const AGENT = 'model=/ckpt/Orchestrator-8B call_type=vllm';
const SEED =
  'toolorchestra_vllm_infer_ms=900.00 toolorchestra_vllm_prefill_ms=100.00 toolorchestra_vllm_decode_ms=800.00 toolorchestra_vllm_prefill_len=1000 toolorchestra_vllm_decode_len=50';
const LATER = 'vllm_infer_ms=450.00 prefill_ms=50.00 decode_ms=400.00 input_tokens=2000 output_tokens=25';

/** Retail: thread 7 runs task_1, then task_2, then task_1 again (after task_2's judge); thread 8 runs task_1. */
const RETAIL = [
  `[PROFILE] 2025-12-24 04:00:01.000 task=task_1 thread=7 type=llm_call step=1 ${AGENT} duration_ms=1000.00 ${SEED} has_tool_calls=True`,
  `[PROFILE] 2025-12-24 04:00:01.010 task=task_1 thread=7 type=step_complete step=1 total_duration_ms=1010.00 from_role=agent to_role=env`,
  'Traceback (most recent call last):\r',
  '  File "x.py", line 1, in <module>',
  `[PROFILE] 2025-12-24 04:00:01.020 task=task_1 thread=7 type=tool_call step=2 function=get_order call_type=local_function duration_ms=5.00 error=True\r`,
  `[PROFILE] 2025-12-24 04:00:01.021 task=task_1 thread=7 type=step_complete step=2 total_duration_ms=6.00 from_role=env to_role=agent`,
  `\x1b[32m[USER_JUDGE] 2025-12-24 04:00:01.500 task=task_1 thread=7 type=user_sim model=gpt-4.1 call_type=openai duration_ms=400.00\x1b[0m`,
  `[PROFILE] 2025-12-24 04:00:01.700 task=task_1 thread=8 type=llm_call step=1 ${AGENT} duration_ms=500.00 ${LATER} has_tool_calls=False`,
  `[USER_JUDGE] 2025-12-24 04:00:02.000 task=task_1 thread=7 type=evaluator model=gpt-4.1 call_type=openai duration_ms=300.00`,
  `[PROFILE] 2025-12-24 04:00:02.100 task=task_2 thread=7 type=expert_call step=1 model=gpt-5 call_type=openai duration_ms=80.00`,
  `[PROFILE] 2025-12-24 04:00:02.150 task=task_2 thread=7 type=tool_call step=1 function=f call_type=local_function duration_ms=nan`,
  `[PROFILE] 2025-12-24 04:00:02.160 task=task_2 thread=7 type=tool_call step=1 function=f call_type=local_fun`,
  `[USER_JUDGE] 2025-12-24 04:00:02.400 task=task_2 thread=7 type=evaluator model=gpt-4.1 call_type=openai duration_ms=200.00`,
  `[USER_JUDGE] 2025-12-24 04:00:02.600 task=task_2 thread=7 type=evaluator model=gpt-4.1 call_type=openai duration_ms=100.00`,
  `[PROFILE] 2025-12-24 04:00:03.000 task=task_1 thread=7 type=tool_call step=1 function=get_order call_type=local_function duration_ms=3.00`,
  `[PROFILE] 2025-12-24 04:00:03.000 task=task_1 thread=7 type=tool_call step=1 function=get_user call_type=local_function duration_ms=2.00`,
  `[PROFILE] 2025-12-24 04:00:03.100 task=task_1 thread=7 type=mystery step=1 duration_ms=1.00`,
  '[PROFILE] 2025-12-24 04:0',
];
/** Airline reuses task_1 and thread 7: another domain, so another trial. */
const AIRLINE = [
  `[PROFILE] 2025-12-24 04:00:01.500 task=task_1 thread=7 type=tool_call step=1 function=book call_type=local_function duration_ms=1.50`,
];

function traces(spans: SpoolSpan[]) {
  const roots = spans.filter((s) => s.name === SpanName.task && !s.parentSpanId);
  return roots.map((root) => {
    const own = spans.filter((s) => s.traceId === root.traceId);
    return {
      root,
      own,
      key: `${root.attributes[Attr.domain]}/${root.attributes[Attr.taskId]}#${root.attributes[Attr.trial]}`,
    };
  });
}

describe('tau2-trace import', () => {
  const tmp = tempDir();
  const logs = join(tmp.path, 'exp_20251224_040000');
  before(async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'tau2_retail.log'), `${RETAIL.join('\n')}\n`);
    writeFileSync(join(logs, 'tau2_airline.log'), `${AIRLINE.join('\n')}\n`);
    writeFileSync(join(logs, 'other.txt'), 'not a log\n');
  });
  after(() => tmp.cleanup());

  it('rebuilds trials: thread reuse, a repeated task after its judge, ids repeated across domains', async () => {
    const r = await runCli(['import', '--log-dir', logs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported 19 lines of 2 files as run exp_20251224_040000: 5 trials/);
    // The nan duration, the truncated line, the unknown type and the torn last line; not the traceback.
    assert.match(
      r.stderr,
      /4 lines could not be used \(first: .*tau2_retail\.log:11 \(no duration\), .*:12 \(no duration\), .*:17 \(unknown type=\), .*:18 \(unreadable timestamp or level\)\)/,
    );
    const spans = (await readSpool(join(logs, 'spans.otlp.jsonl'))).spans;
    const t = traces(spans);
    assert.deepEqual(t.map((x) => x.key).sort(), [
      'airline/task_1#0',
      'retail/task_1#0',
      'retail/task_1#1',
      'retail/task_1#2',
      'retail/task_2#0',
    ]);
    assert.equal(new Set(t.map((x) => x.root.traceId)).size, 5, 'one trace per trial');
    assert.ok(spans.every((s) => s.resource[Attr.runId] === 'exp_20251224_040000'));

    const first = t.find((x) => x.root.attributes[Attr.threadId] === 7 && x.key === 'retail/task_1#0')!;
    const byId = new Map(first.own.map((s) => [s.spanId, s]));
    const parentKind = (s: SpoolSpan) => byId.get(s.parentSpanId!)?.attributes[Attr.kind];
    const llm = first.own.find((s) => s.attributes[Attr.kind] === Kind.llmCall)!;
    assert.equal(llm.name, 'chat /ckpt/Orchestrator-8B');
    assert.equal(parentKind(llm), Kind.step);
    assert.equal(Number(llm.endNs - llm.startNs), 1000e6, 'starts duration_ms before its line');
    assert.equal(llm.endNs, BigInt(Date.UTC(2025, 11, 24, 4, 0, 1)) * 1_000_000n);
    assert.deepEqual(
      [llm.attributes[Attr.inferMs], llm.attributes[Attr.ttftMs], llm.attributes[Attr.decodeMs]],
      [900, 100, 800],
    );
    assert.equal(llm.attributes[Attr.genAiInputTokens], 1000);
    assert.equal(llm.attributes[Attr.hasToolCalls], true);
    const children = first.own.filter((s) => s.parentSpanId === llm.spanId).map((s) => s.name);
    assert.deepEqual(children.sort(), [SpanName.decode, SpanName.prefill]);
    const tool = first.own.find((s) => s.attributes[Attr.kind] === Kind.toolCall)!;
    assert.equal(tool.name, 'execute_tool get_order');
    assert.equal(tool.attributes[Attr.toolError], true);
    assert.equal(tool.status.code, 2);
    // No step= on user and judge lines: they hang under the task when no step surrounds them.
    const user = first.own.find((s) => s.attributes[Attr.kind] === Kind.userSim)!;
    assert.equal(parentKind(user), Kind.task);
    assert.equal(first.root.attributes[Attr.taskSteps], 2);

    // The later key generation feeds the same attributes.
    const later = t.find((x) => x.root.attributes[Attr.threadId] === 8)!;
    const llm2 = later.own.find((s) => s.attributes[Attr.kind] === Kind.llmCall)!;
    assert.deepEqual(
      [llm2.attributes[Attr.inferMs], llm2.attributes[Attr.ttftMs], llm2.attributes[Attr.genAiOutputTokens]],
      [450, 50, 25],
    );
    // Both judge lines of task_2 stay in its trial; a step named only by step= is rebuilt from its calls.
    const task2 = t.find((x) => x.key === 'retail/task_2#0')!;
    assert.equal(task2.own.filter((s) => s.attributes[Attr.kind] === Kind.evaluator).length, 2);
    const third = t.find((x) => x.key === 'retail/task_1#2')!;
    const step = third.own.find((s) => s.attributes[Attr.kind] === Kind.step)!;
    assert.equal(third.own.filter((s) => s.parentSpanId === step.spanId).length, 2);
    // Two lines in one millisecond keep their order.
    const [a, b] = third.own.filter((s) => s.attributes[Attr.kind] === Kind.toolCall);
    assert.ok(a!.endNs < b!.endNs && a!.name === 'execute_tool get_order');
  });

  it('never overwrites spans, and a second import of the same logs gives the same ids', async () => {
    const before = readFileSync(join(logs, 'spans.otlp.jsonl'));
    const again = await runCli(['import', '--log-dir', logs]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /spans\.otlp\.jsonl already exists/);
    assert.deepEqual(readFileSync(join(logs, 'spans.otlp.jsonl')), before);
    const other = join(tmp.path, 'again.jsonl');
    assert.equal((await runCli(['import', '--log-dir', logs, '--out', other])).code, 0);
    const ids = async (f: string) => (await readSpool(f)).spans.map((s) => `${s.traceId}/${s.spanId}`).sort();
    assert.deepEqual(await ids(other), await ids(join(logs, 'spans.otlp.jsonl')));
  });

  it('--otlp sends the spans to a collector over OTLP/HTTP', async () => {
    const received: SpoolSpan[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        assert.equal(req.url, '/v1/traces');
        received.push(...spansOfRequest(JSON.parse(body)));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as { port: number };
      const r = await runCli([
        'import',
        '--log-dir',
        logs,
        '--otlp',
        `http://127.0.0.1:${port}`,
        '--run-id',
        'r1',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const spool = (await readSpool(join(logs, 'spans.otlp.jsonl'))).spans;
      assert.match(r.stderr, new RegExp(`\\(${spool.length} spans sent\\)`));
      assert.equal(received.length, spool.length);
      assert.ok(received.every((s) => s.resource[Attr.runId] === 'r1'));
    } finally {
      server.close();
    }
  });

  it('bad input: a missing path, nothing matching, or an unreachable collector exit 2 naming the culprit', async () => {
    const missing = await runCli(['import', '--log-dir', join(tmp.path, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--log-dir .*nope: no such file or directory/);
    const none = await runCli(['import', '--log-dir', logs, '--log-glob', '*.csv']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no file matches \*\.csv/);
    const port = await closedPort();
    const down = await runCli(['import', '--log-dir', logs, '--otlp', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 2);
    assert.match(down.stderr, new RegExp(`--otlp http://127\\.0\\.0\\.1:${port}/v1/traces: `));
  });
});
