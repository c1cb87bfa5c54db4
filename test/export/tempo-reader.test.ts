/**
 * CONTRACT TESTS of the Tempo reader against Tempo's documented HTTP API, not against a running Tempo.
 * Tempo is AGPL-3.0 and this project never builds or runs it (DESIGN.md, Licences), so no answer here was
 * recorded from a Tempo: a stand-in answers in the format Tempo's API documentation specifies
 * (https://grafana.com/docs/tempo/latest/api_docs/: `/api/search` → `{"traces": [{"traceID"}]}` with leading
 * zeros dropped; `/api/v2/traces/<id>` → `{"trace": {"resourceSpans"}}` in protobuf-JSON, base64 ids and enum
 * names), built from a real run's spool. The real round trip collector → trace store → stats runs in the
 * pipeline test against Jaeger v2 (test/export/jaeger-reader.test.ts replays recorded Jaeger answers).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { idToHex, readTempoRun, searchTraceId } from '../../src/export/tempo-reader.js';
import { closedPort, FAST, runCli, runDirOf, tempDir } from '../helpers.js';
import { assertStoreStatsEqualSpool } from '../store-stats.js';
import { spoolText } from './spool-fixture.js';

// biome-ignore lint/suspicious/noExplicitAny: free-form OTLP JSON, read field by field in a test
type Json = Record<string, any>;
const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'];
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** Tempo's view of a spool: trace id → its resourceSpans, with ids and enums as Tempo writes them. */
function tempoTraces(spool: string): Map<string, Json[]> {
  const traces = new Map<string, Json[]>();
  for (const line of readFileSync(spool, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of (JSON.parse(line) as Json).resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const tempoSpan = {
            ...s,
            traceId: b64(s.traceId),
            spanId: b64(s.spanId),
            parentSpanId: s.parentSpanId ? b64(s.parentSpanId) : undefined,
            kind: KIND_NAMES[s.kind ?? 0],
            status: s.status?.code === 2 ? { code: 'STATUS_CODE_ERROR' } : {},
          };
          const list = traces.get(s.traceId) ?? [];
          list.push({ resource: rs.resource, scopeSpans: [{ scope: ss.scope, spans: [tempoSpan] }] });
          traces.set(s.traceId, list);
        }
      }
    }
  }
  return traces;
}

/** A stand-in for Tempo's HTTP API serving the spool `spool()` names at the time of each request. */
function tempoStandIn(spool: () => string) {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const traces = tempoTraces(spool());
    if (u.pathname === '/api/search') {
      queries.push(u.searchParams.get('q')!);
      const runId = /resource\.tau2\.run\.id = "([^"]+)"/.exec(u.searchParams.get('q')!)?.[1];
      const hits = [...traces.entries()].filter(([, rss]) =>
        rss.some((rs) =>
          rs.resource.attributes.some((a: Json) => a.key === 'tau2.run.id' && a.value.stringValue === runId),
        ),
      );
      // Tempo drops a trace id's leading zeros in search results.
      res.end(JSON.stringify({ traces: hits.map(([id]) => ({ traceID: id.replace(/^0+/, '') })) }));
    } else if (u.pathname.startsWith('/api/v2/traces/')) {
      res.end(JSON.stringify({ trace: { resourceSpans: traces.get(u.pathname.split('/').pop()!) } }));
    } else res.writeHead(404).end();
  });
  return {
    queries,
    /** Listens on a free loopback port; resolves with the base URL. */
    async start(): Promise<string> {
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    },
    close: () => server.close(),
  };
}

describe('stats --tempo', () => {
  const tmp = tempDir();
  let runDir = '';
  let url = '';
  const tempo = tempoStandIn(() => join(runDir, 'spans.otlp.jsonl'));
  const queries = tempo.queries;
  before(async () => {
    const run = await runCli(['run', ...FAST, '--num-tasks', '4', '--output-dir', join(tmp.path, 'runs')]);
    assert.equal(run.code, 0, run.stderr);
    runDir = runDirOf(run.stdout);
    url = await tempo.start();
  });
  after(() => {
    tempo.close();
    tmp.cleanup();
  });

  it('equals stats --spans of the same run, byte for byte', async () => {
    const runId = runDir.split('/').pop()!;
    await assertStoreStatsEqualSpool(tmp.path, ['--tempo', url, '--run-id', runId], runDir);
    assert.match(queries[0]!, /span\.tau2\.kind = "task"/);
  });

  it('an unknown run, a missing --run-id, or an unreachable Tempo exit 2 naming the culprit', async () => {
    const none = await runCli(['stats', '--tempo', url, '--run-id', 'no_such_run']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no task traces with tau2\.run\.id=no_such_run/);
    const noId = await runCli(['stats', '--tempo', url]);
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /--tempo needs --run-id/);
    const port = await closedPort();
    const down = await runCli(['stats', '--tempo', `http://127.0.0.1:${port}`, '--run-id', 'x']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, new RegExp(`--tempo http://127\\.0\\.0\\.1:${port}/api/search`));
  });

  it('a search result whose trace id is not one (a path like ../x) is refused before any request is built from it', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url!);
      res.end(JSON.stringify({ traces: [{ traceID: 'ab12' }, { traceID: '../../admin?x=' }] }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await assert.rejects(readTempoRun(base, 'r'), /"\.\.\/\.\.\/admin\?x=" is not a trace id/);
      assert.deepEqual(
        paths.map((p) => p.split('?')[0]),
        ['/api/search'],
      );
    } finally {
      server.close();
    }
  });

  it('ids: base64 as Tempo writes them, or hex', () => {
    assert.equal(idToHex(b64('0af7651916cd43dd8448eb211c80319c'), 16), '0af7651916cd43dd8448eb211c80319c');
    assert.equal(idToHex('0AF7651916CD43DD', 8), '0af7651916cd43dd');
    assert.equal(searchTraceId('af7651916cd43dd8448eb211c80319c'), '0af7651916cd43dd8448eb211c80319c');
  });
});

describe('stats --tempo: which trials count', () => {
  const tmp = tempDir();
  const spool = join(tmp.path, 'spans.otlp.jsonl');
  const tempo = tempoStandIn(() => spool);
  const T0 = Date.UTC(2026, 0, 1, 12);
  after(() => {
    tempo.close();
    tmp.cleanup();
  });

  it('stats --tempo: cancelled and superseded trials are left out as with --spans', async () => {
    writeFileSync(
      spool,
      spoolText(
        [
          {
            label: 'a-cancelled',
            domain: 'retail',
            taskId: 'a',
            trial: 0,
            endMs: T0,
            termination: 'cancelled',
            tools: [3, 4, 5],
          },
          {
            label: 'b-failed',
            domain: 'retail',
            taskId: 'b',
            trial: 0,
            endMs: T0 + 1,
            termination: 'agent_error',
            tools: [1, 1],
          },
          { label: 'a-rerun', domain: 'retail', taskId: 'a', trial: 0, endMs: T0 + 60_000, tools: [2, 6] },
          { label: 'b-rerun', domain: 'retail', taskId: 'b', trial: 0, endMs: T0 + 61_000, tools: [8] },
        ],
        'resumed_run',
      ),
    );
    const url = await tempo.start();
    const a = await runCli([
      'stats',
      '--tempo',
      url,
      '--run-id',
      'resumed_run',
      '--out-dir',
      join(tmp.path, 'a'),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /left out 2 traces: 1 cancelled, 1 superseded by a later run of the same trial/);
    const b = await runCli(['stats', '--spans', spool, '--out-dir', join(tmp.path, 'b')]);
    assert.equal(b.code, 0, b.stderr);
    const json = (d: string, f: string) => readFileSync(join(tmp.path, d, f), 'utf8');
    assert.equal(JSON.parse(json('a', 'timing_stats.json')).tool_call.stats.n, 3);
    assert.equal(json('a', 'timing_stats.json'), json('b', 'timing_stats.json'));
    assert.equal(JSON.parse(json('a', 'timing_stats_ext.json')).kinds.task.all.n, 2);

    const bad = await runCli(['stats', '--tempo', url, '--run-id', 'x\ny']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--run-id "x\\ny": has a control character/);
  });
});
