import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSpool } from '../../src/export/spool-reader.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { cliPath, runCli, tempDir } from '../helpers.js';

interface Row {
  task_id: string;
  trial: number;
  domain: string;
  trace_id: string;
  steps: number;
}
const readResults = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: Row[] }).results;

/** Starts a run, waits until `minFinished` trials are recorded, then sends `signal`. */
async function interrupted(outputDir: string, signal: NodeJS.Signals, minFinished: number) {
  const child = spawn(
    process.execPath,
    [
      cliPath,
      'run',
      '--quiet',
      '--time-scale',
      '0.3',
      '--max-concurrency',
      '2',
      '--num-trials',
      '2',
      '--output-dir',
      outputDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' } },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig })),
  );
  const deadline = Date.now() + 60_000;
  let runDir: string | undefined;
  for (;;) {
    assert.ok(Date.now() < deadline, 'the run recorded results in time');
    await new Promise((r) => setTimeout(r, 50));
    const entries = existsSync(outputDir) ? readdirSync(outputDir) : [];
    if (entries[0]) runDir = join(outputDir, entries[0]);
    if (runDir && existsSync(join(runDir, 'results.json')) && readResults(runDir).length >= minFinished)
      break;
  }
  child.kill(signal);
  return { runDir: runDir!, ...(await exited), stdout: () => stdout };
}

describe('interrupted runs', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('a run killed mid-way keeps a parseable spool and intact finished tasks; --resume finishes it', async () => {
    const out = join(tmp.path, 'kill');
    const killed = await interrupted(out, 'SIGKILL', 3);
    assert.equal(killed.signal, 'SIGKILL');
    const before = readResults(killed.runDir);
    assert.ok(before.length >= 3 && before.length < 28, `finished before the kill: ${before.length}`);
    const { spans, badLines } = await readSpool(join(killed.runDir, 'spans.otlp.jsonl'));
    assert.deepEqual(badLines, [], 'every spool line parses');
    for (const r of before) {
      const trace = spans.filter((s) => s.traceId === r.trace_id);
      const root = trace.find((s) => s.name === SpanName.task);
      assert.ok(root, `task span of finished trial ${r.task_id}/${r.trial}`);
      assert.equal(trace.filter((s) => s.name === SpanName.step).length, r.steps, 'all its steps');
      assert.equal(root.attributes[Attr.taskId], r.task_id);
    }

    const resumed = await runCli(['run', '--quiet', '--resume', killed.runDir]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const afterRows = readResults(killed.runDir);
    assert.equal(afterRows.length, 28);
    assert.deepEqual(afterRows.slice(0, before.length), before, 'finished trials kept as they were');
    const keys = afterRows.map((r) => `${r.domain}/${r.task_id}/${r.trial}`);
    assert.equal(new Set(keys).size, 28, 'no trial ran twice');
    const config = JSON.parse(readFileSync(join(killed.runDir, 'config.json'), 'utf8')) as {
      resumed_at: string[];
    };
    assert.equal(config.resumed_at.length, 1);
    const spool = await readSpool(join(killed.runDir, 'spans.otlp.jsonl'));
    for (const r of afterRows)
      assert.ok(spool.spans.some((s) => s.traceId === r.trace_id && s.name === SpanName.task));
  });

  it('SIGTERM stops starting tasks, saves results and exits 143', async () => {
    const out = join(tmp.path, 'term');
    const stopped = await interrupted(out, 'SIGTERM', 1);
    assert.equal(stopped.code, 143);
    const rows = readResults(stopped.runDir);
    assert.ok(rows.length >= 1 && rows.length < 28);
    assert.match(stopped.stdout(), /trials left; finish with: tau2-trace run --resume /);
    const { badLines } = await readSpool(join(stopped.runDir, 'spans.otlp.jsonl'));
    assert.deepEqual(badLines, []);
  });
});
