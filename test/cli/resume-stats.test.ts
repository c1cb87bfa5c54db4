/**
 * The case end to end: a run interrupted with Ctrl-C leaves cancelled trials in its spool, `run
 * --resume` runs them again, and the statistics must count each trial of results.json once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSpool } from '../../src/export/spool-reader.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';
import { cliPath, runCli, tempDir } from '../helpers.js';

const results = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: { trace_id: string }[] })
    .results;

/** Starts a run of 28 trials, 4 at a time; sends SIGINT once `minFinished` are recorded. */
async function interruptedRun(outputDir: string, minFinished: number): Promise<string> {
  const child = spawn(
    process.execPath,
    [cliPath, 'run', '--quiet', '--time-scale', '0.3', '--max-concurrency', '4', '--num-trials', '2'],
    {
      cwd: outputDir,
      stdio: 'ignore',
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    },
  );
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const runs = join(outputDir, 'runs');
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.ok(Date.now() < deadline, 'the run recorded results in time');
    await new Promise((r) => setTimeout(r, 50));
    const dir = existsSync(runs) ? readdirSync(runs)[0] : undefined;
    if (
      dir &&
      existsSync(join(runs, dir, 'results.json')) &&
      results(join(runs, dir)).length >= minFinished
    ) {
      child.kill('SIGINT');
      await exited;
      return join(runs, dir);
    }
  }
}

describe('stats after an interrupted and resumed run', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it("stats --spans and logs: after Ctrl-C and run --resume, tool_call n is what results.json's trials hold", async () => {
    const runDir = await interruptedRun(tmp.path, 2);
    const cancelled = (await readSpool(join(runDir, 'spans.otlp.jsonl'))).spans.filter(
      (s) => s.name === SpanName.task && s.attributes[Attr.taskTermination] === 'cancelled',
    );
    assert.ok(cancelled.length > 0, 'Ctrl-C cancelled running trials, which left task spans in the spool');

    const resumed = await runCli(['run', '--quiet', '--resume', runDir]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const finished = new Set(results(runDir).map((r) => r.trace_id));
    assert.equal(finished.size, 28);
    const spans = (await readSpool(join(runDir, 'spans.otlp.jsonl'))).spans;
    const toolsOf = (keep: (traceId: string) => boolean) =>
      spans.filter((s) => s.attributes[Attr.kind] === Kind.toolCall && keep(s.traceId)).length;
    const expected = toolsOf((t) => finished.has(t));
    assert.ok(expected > 0);

    const r = await runCli(['stats', '--spans', runDir, '--out-dir', join(tmp.path, 'spans')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${cancelled.length} cancelled`));
    const n = (dir: string) =>
      JSON.parse(readFileSync(join(tmp.path, dir, 'timing_stats.json'), 'utf8')).tool_call.stats.n as number;
    assert.equal(n('spans'), expected, `the spool holds ${toolsOf(() => true)} tool spans in all`);

    assert.equal((await runCli(['logs', runDir, '--out-dir', join(tmp.path, 'logs')])).code, 0);
    const l = await runCli([
      'stats',
      '--log-dir',
      join(tmp.path, 'logs'),
      '--out-dir',
      join(tmp.path, 'logs'),
    ]);
    assert.equal(l.code, 0, l.stderr);
    assert.equal(n('logs'), expected);
  });
});
