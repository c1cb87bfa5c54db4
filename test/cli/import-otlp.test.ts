/**
 * `tau2-trace import --otlp` through the run's pipeline: the OTLP protocol variables choose the exporter
 * (gRPC, protobuf), and a log with many more spans than the batch queue holds (OTEL_BSP_MAX_QUEUE_SIZE=8,
 * one trial alone larger than the queue) reaches the collector whole: every spooled span, none dropped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSpool } from '../../src/export/spool-reader.js';
import type { OtlpProtocol } from '../../src/telemetry/env.js';
import { Attr } from '../../src/telemetry/names.js';
import { runCli, tempDir } from '../helpers.js';
import { receiver } from '../telemetry/collectors.js';

const AGENT =
  'model=/ckpt/Orchestrator-8B call_type=vllm duration_ms=900.00 toolorchestra_vllm_infer_ms=900.00 toolorchestra_vllm_prefill_ms=100.00 toolorchestra_vllm_decode_ms=800.00 toolorchestra_vllm_prefill_len=1000 toolorchestra_vllm_decode_len=50';

/** `trials` trials on their own threads, each with `calls` agent calls (3 spans each) in one step. */
function log(trials: number, calls: number): string {
  const lines: string[] = [];
  for (let t = 0; t < trials; t++) {
    for (let c = 0; c < calls; c++) {
      const ms = String(100 + c).padStart(3, '0');
      lines.push(
        `[PROFILE] 2025-12-24 04:${String(t).padStart(2, '0')}:01.${ms} task=task_${t} thread=${t} type=llm_call step=1 ${AGENT}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('import --otlp with the OTLP protocol variables and a small batch queue', () => {
  const tmp = tempDir();
  const logs = join(tmp.path, 'exp_20251224_040000');
  before(() => {
    mkdirSync(logs);
    // 20 trials of 4 calls (14 spans each) and one of 12 calls (38 spans): 318 spans through a queue of 8.
    writeFileSync(join(logs, 'tau2_retail.log'), log(20, 4));
    writeFileSync(join(logs, 'tau2_airline.log'), log(1, 12));
  });
  after(() => tmp.cleanup());

  for (const protocol of ['grpc', 'http/protobuf'] as OtlpProtocol[]) {
    it(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: every spooled span reaches the collector`, async () => {
      const rx = await receiver(protocol);
      const out = join(tmp.path, `${protocol.replace('/', '-')}.jsonl`);
      try {
        const r = await runCli(
          ['import', '--log-dir', logs, '--out', out, '--otlp', rx.url, '--run-id', 'r2'],
          {
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
            OTEL_BSP_MAX_QUEUE_SIZE: '8',
            OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4',
          },
        );
        assert.equal(r.code, 0, r.stderr);
        const spooled = (await readSpool(out)).spans;
        assert.equal(spooled.length, 20 * 14 + 38);
        assert.match(r.stderr, new RegExp(`\\(${spooled.length} spans sent\\)`));
        const ids = (s: { spanId: string; traceId: string }[]) =>
          s.map((x) => `${x.traceId}/${x.spanId}`).sort();
        assert.deepEqual(ids(rx.spans), ids(spooled));
        assert.ok(rx.spans.every((s) => s.resource[Attr.runId] === 'r2'));
      } finally {
        await rx.close();
      }
    });
  }
});
