/**
 * A real run for analysis tests (the demo domain against the embedded simulator), and its spool read by an
 * independent path: plain JSON.parse of each line, none of the project's readers, so the numbers a test
 * computes from it check the analysis rather than repeat it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAST, runCli, runDirOf } from '../helpers.js';

/** Runs the demo on the simulator into `outDir` with extra flags; resolves with the run directory. */
export async function simRun(outDir: string, extra: string[] = []): Promise<string> {
  const r = await runCli(['run', ...FAST, '--output-dir', outDir, '--seed', '7', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return runDirOf(r.stdout);
}

/** A span as the test reads it: attributes flattened, times in ms. */
export interface RawSpan {
  traceId: string;
  spanId: string;
  parent: string | undefined;
  name: string;
  startMs: number;
  endMs: number;
  attrs: Record<string, unknown>;
  statusCode: number;
  statusMessage: string | undefined;
}

type Any = Record<string, unknown>;
const plain = (v: Any): unknown =>
  'stringValue' in v ? v.stringValue : 'intValue' in v ? Number(v.intValue) : (v.doubleValue ?? v.boolValue);

/** Every span of a run directory's spool. */
export function rawSpans(runDir: string): RawSpan[] {
  const out: RawSpan[] = [];
  for (const line of readFileSync(join(runDir, 'spans.otlp.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    for (const rs of JSON.parse(line).resourceSpans as Any[]) {
      for (const ss of rs.scopeSpans as Any[]) {
        for (const s of ss.spans as Any[]) {
          const attrs: Record<string, unknown> = {};
          for (const kv of (s.attributes ?? []) as { key: string; value: Any }[])
            attrs[kv.key] = plain(kv.value);
          const status = (s.status ?? {}) as { code?: number; message?: string };
          out.push({
            traceId: s.traceId as string,
            spanId: s.spanId as string,
            parent: (s.parentSpanId as string) || undefined,
            name: s.name as string,
            startMs: Number(s.startTimeUnixNano) / 1e6,
            endMs: Number(s.endTimeUnixNano) / 1e6,
            attrs,
            statusCode: status.code ?? 0,
            statusMessage: status.message,
          });
        }
      }
    }
  }
  return out;
}

/** Median by the textbook rule (mean of the two middle values of an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** |a − b| within a relative tolerance (the spool's ns timestamps vs float ms). */
export function near(a: number | undefined, b: number, rel = 1e-9): void {
  assert.ok(a !== undefined && Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
}
