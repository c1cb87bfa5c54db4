/**
 * Cost of one span on the harness's tracing path, in isolation: start, attributes as the LLM client sets
 * them, end, and the spool (OTLP/JSON serialisation and the write), against a no-op tracer. Prints µs per
 * span, the median of several rounds. Usage: `node dist/bench/span-cost.js [--spans 20000] [--rounds 7]`.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { epochMs } from '../src/telemetry/clock.js';
import { Attr, Kind, SpanName } from '../src/telemetry/names.js';
import { startTelemetry } from '../src/telemetry/setup.js';
import { createSpoolWriter } from '../src/telemetry/spool.js';
import { fmt, intFlags, median, printTable } from './lib.js';

/** One task-like trace: a root, and `n` chat spans with prefill/decode children, as the client makes them. */
function trial(tracer: Tracer, n: number): number {
  const root = tracer.startSpan(
    SpanName.task,
    { root: true, startTime: epochMs(), attributes: { [Attr.kind]: Kind.task } },
    ROOT_CONTEXT,
  );
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const span = tracer.startSpan(
      'chat sim-orchestrator-8b',
      {
        kind: SpanKind.CLIENT,
        startTime: epochMs(t0),
        attributes: {
          [Attr.genAiOperation]: 'chat',
          [Attr.genAiProvider]: 'vllm',
          [Attr.genAiRequestModel]: 'sim-orchestrator-8b',
          [Attr.serverAddress]: '127.0.0.1',
          [Attr.serverPort]: 8000,
          [Attr.kind]: Kind.llmCall,
          [Attr.genAiRequestStream]: true,
          [Attr.inflight]: 3,
        },
      },
      ctx,
    );
    const c = trace.setSpan(ctx, span);
    span.setAttributes({
      [Attr.genAiResponseModel]: 'sim-orchestrator-8b',
      [Attr.genAiInputTokens]: 1234,
      [Attr.genAiOutputTokens]: 56,
      [Attr.genAiFinishReasons]: ['tool_calls'],
      [Attr.inferMs]: 12.5,
      [Attr.hasToolCalls]: true,
      [Attr.attempts]: 1,
      [Attr.genAiTtfc]: 0.01,
      [Attr.ttftMs]: 10,
      [Attr.decodeMs]: 2.5,
    });
    tracer
      .startSpan(SpanName.prefill, { startTime: epochMs(t0), attributes: { [Attr.kind]: Kind.prefill } }, c)
      .end(epochMs(t0 + 1));
    tracer
      .startSpan(SpanName.decode, { startTime: epochMs(t0 + 1), attributes: { [Attr.kind]: Kind.decode } }, c)
      .end(epochMs(t0 + 2));
    span.end(epochMs(t0 + 2));
  }
  root.end();
  return 1 + 3 * n;
}

const o = intFlags(process.argv.slice(2), { spans: 20_000, rounds: 7 });
const file = join(tmpdir(), `tau2-span-cost-${process.pid}.jsonl`);
const results: Record<string, number[]> = { off: [], on: [] };
try {
  for (let r = 0; r < o.rounds; r++) {
    for (const mode of ['off', 'on'] as const) {
      const spool = mode === 'on' ? createSpoolWriter(file) : undefined;
      const t = startTelemetry({
        serviceName: 'bench',
        serviceVersion: '0',
        ...(spool ? { spool } : {}),
        disabled: mode === 'off',
        otlp: false,
      });
      let spans = 0;
      const cpu0 = process.cpuUsage();
      while (spans < o.spans) spans += trial(t.tracer, 16);
      await t.shutdown();
      const cpu = process.cpuUsage(cpu0);
      results[mode]!.push((cpu.user + cpu.system) / spans);
      rmSync(file, { force: true });
    }
  }
} finally {
  rmSync(file, { force: true });
}
const off = median(results.off!);
const on = median(results.on!);
printTable(
  ['tracer', 'µs/span (median)', 'min', 'max'],
  [
    ['no-op', fmt(off, 2), fmt(Math.min(...results.off!), 2), fmt(Math.max(...results.off!), 2)],
    ['SDK + spool', fmt(on, 2), fmt(Math.min(...results.on!), 2), fmt(Math.max(...results.on!), 2)],
  ],
);
process.stdout.write(
  `cost per span: ${fmt(on - off, 2)} µs (CPU, ${o.spans} spans per round, ${o.rounds} rounds)\n`,
);
