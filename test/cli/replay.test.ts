/** `tau2-trace replay` against a real OTLP/HTTP listener: counts, idempotence, retries and resuming. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSpool, spansOfRequest } from '../../src/export/spool-reader.js';
import { closedPort, FAST, runCli, runDirOf, tempDir } from '../helpers.js';

describe('tau2-trace replay', () => {
  const tmp = tempDir();
  let runDir = '';
  let spoolSpans = 0;
  let received: string[] = [];
  /** Status of the next responses; 200 once the list is used up. */
  let script: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const status = script.shift() ?? 200;
      if (status === 200) received.push(...spansOfRequest(JSON.parse(body)).map((s) => s.spanId));
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  let url = '';
  before(async () => {
    const run = await runCli(['run', ...FAST, '--num-tasks', '6', '--output-dir', join(tmp.path, 'runs')]);
    assert.equal(run.code, 0, run.stderr);
    runDir = runDirOf(run.stdout);
    spoolSpans = (await readSpool(join(runDir, 'spans.otlp.jsonl'))).spans.length;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.close();
    tmp.cleanup();
  });

  it('sends every span once, retries 503s, and a second replay sends nothing', async () => {
    script = [503, 503];
    const r = await runCli(['replay', runDir, '--endpoint', url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`sent ${spoolSpans} spans to ${url}/v1/traces`));
    assert.equal(received.length, spoolSpans);
    assert.equal(new Set(received).size, spoolSpans);
    const again = await runCli(['replay', runDir, '--endpoint', url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`already replayed to .*: ${spoolSpans} spans`));
    assert.equal(received.length, spoolSpans);
  });

  it('a collector that refuses stops it with exit 2; the next replay resumes where it stopped', async () => {
    received = [];
    script = [200, 400];
    // --force: send again what the first test delivered.
    const cut = await runCli(['replay', runDir, '--endpoint', url, '--force']);
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /HTTP 400; progress is saved, run replay again to resume/);
    const first = received.length;
    assert.ok(first > 0 && first < spoolSpans, `${first} of ${spoolSpans} before the refusal`);
    const rest = await runCli(['replay', runDir, '--endpoint', url]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, new RegExp(`sent ${spoolSpans - first} spans .*\\(${spoolSpans} in all`));
    assert.equal(new Set(received).size, spoolSpans);
  });

  it('bad input: a missing run, or no collector, exit 2 naming the culprit', async () => {
    const missing = await runCli(['replay', join(tmp.path, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /replay .*nope: no such run directory/);
    const port = await closedPort();
    const down = await runCli(['replay', runDir, '--endpoint', `http://127.0.0.1:${port}`], {}, 60_000);
    assert.equal(down.code, 2);
    assert.match(down.stderr, new RegExp(`127\\.0\\.0\\.1:${port}/v1/traces: .*after 5 retries`));
  });
});
