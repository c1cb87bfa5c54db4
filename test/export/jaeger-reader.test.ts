/**
 * The Jaeger reader against answers RECORDED from a real Jaeger v2.12.0 (test/fixtures/jaeger/, recorded by
 * scripts/record-jaeger-fixtures: two demo runs sent through otelcol-tau2 to the Jaeger of
 * scripts/build-jaeger). A stand-in serves those bytes as Jaeger's /api/v3 served them; the pipeline test
 * checks the same against a running Jaeger.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findTasksUrl, readJaegerRun } from '../../src/export/jaeger-reader.js';
import { readSpool } from '../../src/export/spool-reader.js';
import { closedPort, repoRoot, runCli, tempDir } from '../helpers.js';
import { assertStoreStatsEqualSpool } from '../store-stats.js';

const fixtures = join(repoRoot, 'test/fixtures/jaeger');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const recorded = JSON.parse(fixture('recorded.json')) as { runIds: [string, string]; traceId: string };
const [runId, otherRunId] = recorded.runIds;
const spool = join(fixtures, 'jaeger_fixture.spans.otlp.jsonl');

/** Serves the recorded answers: the search for task traces, a trace by id, Jaeger's 404 for anything else. */
function jaegerStandIn() {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    requests.push(u);
    const json = { 'content-type': 'application/json' };
    if (u.pathname === '/api/v3/traces') res.writeHead(200, json).end(fixture('find-tasks.json'));
    else if (u.pathname === `/api/v3/traces/${recorded.traceId}`)
      res.writeHead(200, json).end(fixture('trace.json'));
    else res.writeHead(Number(fixture('find-nothing.status')), json).end(fixture('find-nothing.json'));
  });
  return {
    requests,
    async start(): Promise<string> {
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    },
    close: () => server.close(),
  };
}

describe('stats --jaeger, against recorded Jaeger answers', () => {
  const tmp = tempDir();
  const jaeger = jaegerStandIn();
  let url = '';
  before(async () => {
    url = await jaeger.start();
  });
  after(() => {
    jaeger.close();
    tmp.cleanup();
  });

  it('the recorded search holds both runs; the reader keeps the asked one, every span of it', async () => {
    const spans = await readJaegerRun(url, runId);
    const want = (await readSpool(spool)).spans;
    assert.deepEqual(new Set(spans.map((s) => s.spanId)), new Set(want.map((s) => s.spanId)));
    const other = await readJaegerRun(url, otherRunId);
    assert.ok(other.length > 0);
    assert.ok(other.every((s) => !want.some((w) => w.traceId === s.traceId)));
    // The request is the documented v3 search: service, root operation, RFC 3339 window, depth, raw.
    const q = jaeger.requests.at(-1)!.searchParams;
    assert.equal(q.get('query.service_name'), 'tau2-harness');
    assert.equal(q.get('query.operation_name'), 'task');
    assert.equal(q.get('query.raw_traces'), 'true');
    assert.equal(q.get('query.num_traces'), '10000');
    assert.match(q.get('query.start_time_min')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('spans read from Jaeger equal the spool: ids, parents, kinds, times, status, attributes, resource', async () => {
    const key = (s: { traceId: string; spanId: string }) => `${s.traceId}/${s.spanId}`;
    const got = new Map((await readJaegerRun(url, runId)).map((s) => [key(s), s]));
    for (const s of (await readSpool(spool)).spans) {
      const g = got.get(key(s));
      assert.ok(g, key(s));
      assert.equal(g.parentSpanId, s.parentSpanId, s.name);
      assert.equal(g.kind, s.kind, s.name);
      assert.equal(g.startNs, s.startNs, s.name);
      assert.equal(g.endNs, s.endNs, s.name);
      assert.equal(g.status.code, s.status.code, s.name);
      assert.deepEqual(g.attributes, s.attributes, s.name);
      // Every resource attribute the spool has; the exported copy may have more (the fixture was recorded
      // before the spool waited for the detected host.id, which only the OTLP export carried then).
      for (const [k, v] of Object.entries(s.resource)) assert.deepEqual(g.resource[k], v, `${s.name} ${k}`);
    }
  });

  it('equals stats --spans of the same run, byte for byte', async () => {
    await assertStoreStatsEqualSpool(tmp.path, ['--jaeger', url, '--run-id', runId], spool);
  });

  it('export --jaeger writes what export of the spool writes (the source aside)', async () => {
    const read = async (args: string[], name: string) => {
      const out = join(tmp.path, name);
      const r = await runCli(['export', ...args, '--format', 'perfetto', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(readFileSync(out, 'utf8'));
      doc.otherData.source = undefined;
      return doc;
    };
    const fromJaeger = await read(['--jaeger', url, '--run-id', runId], 'jaeger.perfetto.json');
    assert.deepEqual(fromJaeger, await read([spool], 'spool.perfetto.json'));
  });

  it('Jaeger\'s "No traces found" 404, a run not in the answer, a missing --run-id, or no Jaeger exit 2', async () => {
    // The recorded 404: an empty window, as Jaeger answers it.
    assert.match(fixture('find-nothing.json'), /No traces found/);
    const empty = await readJaegerRun(`${url}/nothing-here`, runId);
    assert.deepEqual(empty, []);
    const none = await runCli(['stats', '--jaeger', url, '--run-id', 'no_such_run']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--jaeger .*: no task traces with tau2\.run\.id=no_such_run/);
    const noId = await runCli(['stats', '--jaeger', url]);
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /--jaeger needs --run-id/);
    const port = await closedPort();
    const down = await runCli(['stats', '--jaeger', `http://127.0.0.1:${port}`, '--run-id', 'x']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, new RegExp(`--jaeger http://127\\.0\\.0\\.1:${port}/api/v3/traces\\?`));
    const both = await runCli(['stats', '--jaeger', url, '--tempo', url, '--run-id', runId]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of/);
  });

  it("a trace by id (the trace panel's lookup) answers in the same OTLP form", () => {
    const body = JSON.parse(fixture('trace.json')) as { result: { resourceSpans: unknown[] } };
    assert.ok(body.result.resourceSpans.length > 0);
    assert.ok(
      findTasksUrl('http://j/', 's', 0, 1, 5).startsWith('http://j/api/v3/traces?query.service_name=s&'),
    );
  });
});
