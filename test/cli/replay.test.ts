/**
 * Replay against a real OTLP/HTTP listener: a node:http stub on port 0 that counts the spans of the requests
 * it answers 2xx. `replaySpool` is driven in-process for delivery, retries and timeouts; the CLI in a child
 * process for what it says, its exit codes, and what survives a kill -9 or Ctrl-C.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  ReplayError,
  type ReplayRetry,
  type ReplaySpoolOptions,
  replaySpool,
} from '../../src/export/replay.js';
import { spansOfRequest } from '../../src/export/spool-reader.js';
import { cliPath, closedPort, FAST, runCli, runDirOf, tempDir } from '../helpers.js';

/** How the stub answers one request; `hang` never answers. Headers are made when the answer is sent. */
type Answer = { status: number; headers?: () => Record<string, string>; body?: string } | 'hang';
const OK: Answer = { status: 200 };

describe('replay', () => {
  const tmp = tempDir();
  /** The lines of a real run's spool, and the span ids in each. */
  let lines: string[] = [];
  let idsOf: string[][] = [];
  const idsIn = (from: number, to = lines.length) => idsOf.slice(from, to).flat();
  const sorted = (ids: string[]) => [...ids].sort();

  /** Answers to the next requests, in order; `otherwise` once the list is used up. */
  let script: Answer[] = [];
  let otherwise: Answer = OK;
  /** Span ids of the requests answered 2xx, and when each request arrived (ms). */
  let received: string[] = [];
  let arrivals: number[] = [];
  let onHang = () => {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      arrivals.push(performance.now());
      const answer = script.shift() ?? otherwise;
      if (answer === 'hang') return onHang();
      const ok = answer.status < 300;
      if (ok)
        received.push(...spansOfRequest(JSON.parse(Buffer.concat(chunks).toString())).map((s) => s.spanId));
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers?.() });
      res.end(answer.body ?? (ok ? '{}' : ''));
    });
  });
  let url = '';

  /** A new directory holding a spool made of `content` lines; returns the spool's path. */
  let dirs = 0;
  const spoolOf = (content: string[]) => {
    const dir = join(tmp.path, `spool-${++dirs}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'spans.otlp.jsonl'), `${content.join('\n')}\n`);
    return join(dir, 'spans.otlp.jsonl');
  };
  /** Resolves when the stub leaves a request hanging. */
  const hang = () =>
    new Promise<void>((resolve) => {
      onHang = resolve;
    });

  before(async () => {
    const run = await runCli(['run', ...FAST, '--num-tasks', '6', '--output-dir', join(tmp.path, 'runs')]);
    assert.equal(run.code, 0, run.stderr);
    lines = readFileSync(join(runDirOf(run.stdout), 'spans.otlp.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    idsOf = lines.map((l) => spansOfRequest(JSON.parse(l)).map((s) => s.spanId));
    assert.ok(lines.length >= 6, `a spool of ${lines.length} lines is too short for these tests`);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  beforeEach(() => {
    script = [];
    otherwise = OK;
    received = [];
    arrivals = [];
    // No closeAllConnections() here: the in-process client would pick a keep-alive socket closed under it
    // (a failure replay retries, but not the one a test expects). Hung requests end when their client aborts.
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    tmp.cleanup();
  });

  describe('replaySpool', () => {
    // Short waits, so that retries cost milliseconds; the defaults are the CLI's business.
    const fast: ReplaySpoolOptions = { backoff: { baseMs: 20, maxMs: 100 }, retryForMs: 2_000 };
    const send = (spool: string, o: ReplaySpoolOptions = {}) => replaySpool(spool, url, { ...fast, ...o });

    it('sends every span once, skips a line that is not OTLP/JSON, and a second replay sends nothing', async () => {
      const spool = spoolOf([lines[0]!, '{"torn', ...lines.slice(1)]);
      const r = await send(spool);
      assert.equal(r.outcome, 'delivered');
      assert.deepEqual(
        [r.sentSpans, r.totalSpans, r.lines],
        [idsIn(0).length, idsIn(0).length, lines.length + 1],
      );
      assert.deepEqual(r.badLines, [2]);
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
      const again = await send(spool);
      assert.deepEqual(
        [again.outcome, again.sentLines, again.resumedAfter],
        ['delivered', 0, lines.length + 1],
      );
      assert.equal(received.length, idsIn(0).length);
    });

    it('an interrupted replay resumes after the last delivered line: a refusal, then a rerun', async () => {
      const spool = spoolOf(lines);
      script = [OK, OK, { status: 400, body: `bad payload: ${'x'.repeat(1000)}` }];
      const cut = await send(spool);
      assert.equal(cut.outcome, 'failed');
      assert.equal(cut.stoppedAt?.line, 3);
      assert.match(cut.stoppedAt?.reason ?? '', /^HTTP 400: bad payload: x{287}… \(1013 characters\)$/);
      assert.equal(arrivals.length, 3, 'a 400 is not retried');
      const rest = await send(spool);
      assert.deepEqual([rest.outcome, rest.resumedAfter], ['delivered', 2]);
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('an interrupted replay resumes after the last delivered line: the signal aborts the request in flight', async () => {
      const spool = spoolOf(lines);
      script = [OK, 'hang'];
      const controller = new AbortController();
      void hang().then(() => controller.abort());
      const cut = await send(spool, { signal: controller.signal });
      assert.deepEqual([cut.outcome, cut.stoppedAt?.line, cut.lines], ['cancelled', 2, 1]);
      const rest = await send(spool);
      assert.equal(rest.resumedAfter, 1);
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('lines appended after a complete replay (run --resume) are sent by the next replay', async () => {
      const spool = spoolOf(lines.slice(0, 4));
      assert.equal((await send(spool)).outcome, 'delivered');
      appendFileSync(spool, `${lines.slice(4).join('\n')}\n`);
      const r = await send(spool);
      assert.deepEqual([r.resumedAfter, r.sentSpans], [4, idsIn(4).length]);
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('a last line still being written is left for the next replay', async () => {
      const spool = spoolOf(lines.slice(0, 3));
      appendFileSync(spool, lines[3]!.slice(0, 100));
      const r = await send(spool);
      assert.deepEqual([r.outcome, r.unfinishedLine, r.badLines], ['delivered', 4, []]);
      assert.deepEqual(sorted(received), sorted(idsIn(0, 3)));
      appendFileSync(spool, `${lines[3]!.slice(100)}\n`);
      await send(spool);
      assert.deepEqual(sorted(received), sorted(idsIn(0, 4)));
    });

    it('a spool that was truncated or replaced is refused; force sends it whole', async () => {
      const spool = spoolOf(lines.slice(0, 4));
      await send(spool);
      writeFileSync(spool, `${lines.slice(0, 2).join('\n')}\n`);
      await assert.rejects(
        send(spool),
        (err: Error) => err instanceof ReplayError && /fewer than the \d+ \(4 lines\)/.test(err.message),
      );
      // As long as before and longer, but not what was delivered.
      writeFileSync(spool, `${[lines[1], lines[0], ...lines.slice(2)].join('\n')}\n`);
      await assert.rejects(send(spool), /does not start with the 4 lines \(\d+ bytes\) already replayed/);
      assert.equal(received.length, idsIn(0, 4).length, 'nothing sent by a refused replay');
      received = [];
      assert.equal((await send(spool, { force: true })).outcome, 'delivered');
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('progress recorded before byte offsets were (lines only) resumes after those lines', async () => {
      const spool = spoolOf(lines);
      const old = { lines: 2, spans: idsIn(0, 2).length, complete: true, at: '2026-01-01T00:00:00.000Z' };
      writeFileSync(join(spool, '../replay.json'), JSON.stringify({ [`${url}/v1/traces`]: old }));
      const r = await send(spool);
      assert.deepEqual([r.resumedAfter, r.totalSpans], [2, idsIn(0).length]);
      assert.deepEqual(sorted(received), sorted(idsIn(2)));
    });

    it('retries 429, 500, 502, 503, 504 and says why each time', async () => {
      const retries: ReplayRetry[] = [];
      script = [
        { status: 429 },
        { status: 500, body: 'boom' },
        { status: 502 },
        OK,
        { status: 503 },
        { status: 504 },
      ];
      const r = await send(spoolOf(lines.slice(0, 3)), { onRetry: (t) => retries.push(t) });
      assert.equal(r.outcome, 'delivered');
      assert.deepEqual(
        retries.map((t) => `${t.line}#${t.attempt} ${t.reason}`),
        ['1#1 HTTP 429', '1#2 HTTP 500: boom', '1#3 HTTP 502', '2#1 HTTP 503', '2#2 HTTP 504'],
      );
      assert.deepEqual(sorted(received), sorted(idsIn(0, 3)));
    });

    it('honours Retry-After in seconds on 429 and as an HTTP-date on 503', async () => {
      // The backoff here is at most 100 ms: a wait of about a second is the collector's.
      script = [{ status: 429, headers: () => ({ 'retry-after': '1' }) }];
      await send(spoolOf(lines.slice(0, 1)));
      assert.ok(arrivals[1]! - arrivals[0]! >= 990, `429: retried after ${arrivals[1]! - arrivals[0]!} ms`);
      arrivals = [];
      // An HTTP-date has whole seconds: two seconds ahead is more than one away.
      script = [
        { status: 503, headers: () => ({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }) },
      ];
      await send(spoolOf(lines.slice(0, 1)));
      assert.ok(arrivals[1]! - arrivals[0]! >= 990, `503: retried after ${arrivals[1]! - arrivals[0]!} ms`);
    });

    it('a Retry-After past the retry budget fails at once, saying what the collector asked', async () => {
      script = [{ status: 503, headers: () => ({ 'retry-after': '3600' }) }];
      const r = await send(spoolOf(lines.slice(0, 1)));
      assert.equal(r.outcome, 'failed');
      assert.match(
        r.stoppedAt?.reason ?? '',
        /^HTTP 503 \(the collector asked to retry in 3600 s, past the retry/,
      );
      assert.equal(arrivals.length, 1);
    });

    it('a collector that accepts the request and never answers times out, and is retried until the budget ends', async () => {
      otherwise = 'hang';
      const t0 = performance.now();
      const r = await send(spoolOf(lines.slice(0, 1)), { timeoutMs: 200, retryForMs: 600 });
      const took = performance.now() - t0;
      assert.equal(r.outcome, 'failed');
      assert.match(
        r.stoppedAt?.reason ?? '',
        /^no answer within 0\.2 s \(gave up after \d+ attempts in \d+(\.\d)? s\)$/,
      );
      assert.ok(arrivals.length >= 2, `${arrivals.length} attempts`);
      assert.ok(took >= 600 && took < 1_500, `took ${took} ms`);
    });

    it('no collector at all: connection refused is retried until the budget ends', async () => {
      const port = await closedPort();
      const r = await replaySpool(spoolOf(lines.slice(0, 1)), `http://127.0.0.1:${port}`, {
        ...fast,
        retryForMs: 300,
      });
      assert.equal(r.outcome, 'failed');
      assert.match(
        r.stoppedAt?.reason ?? '',
        new RegExp(`connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(gave up`),
      );
    });

    it('reports the spans a collector rejected in an OTLP partial success', async () => {
      const body = JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'spans too old' } });
      script = [{ status: 200, body }];
      const r = await send(spoolOf(lines.slice(0, 2)));
      assert.deepEqual([r.outcome, r.rejectedSpans, r.rejectedMessage], ['delivered', 2, 'spans too old']);
    });
  });

  describe('tau2-trace replay', () => {
    const replay = (spool: string, ...flags: string[]) =>
      runCli(['replay', join(spool, '..'), '--endpoint', url, ...flags]);
    /** Starts a replay in a child process, for a test to interrupt it. */
    const startReplay = (spool: string) => {
      const child = spawn(process.execPath, [cliPath, 'replay', spool, '--endpoint', url], {
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const closed = once(child, 'close').then(([code]) => ({ code: code as number | null, stderr }));
      return { child, closed };
    };

    it('says what it sent, and that a second replay had nothing new', async () => {
      const spool = spoolOf(lines);
      script = [{ status: 500 }];
      const r = await replay(spool);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /replay: line 1: HTTP 500; retrying for up to \d+\.\d s\n/);
      assert.match(r.stderr, new RegExp(`sent ${idsIn(0).length} spans to ${url}/v1/traces`));
      const again = await replay(spool);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, new RegExp(`already replayed to .*: ${idsIn(0).length} spans, nothing new`));
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('a replay killed with kill -9 resumes after the last delivered line; each span arrives once', async () => {
      const spool = spoolOf(lines);
      script = [OK, OK, OK, 'hang'];
      const hung = hang();
      const { child, closed } = startReplay(spool);
      await hung;
      child.kill('SIGKILL');
      await closed;
      assert.deepEqual(sorted(received), sorted(idsIn(0, 3)));
      const rest = await replay(spool);
      assert.equal(rest.code, 0, rest.stderr);
      assert.match(rest.stderr, new RegExp(`sent ${idsIn(3).length} spans .*\\(resumed after line 3\\)`));
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('Ctrl-C stops it with exit 130 and says where the next replay starts', async () => {
      const spool = spoolOf(lines);
      script = [OK, OK, 'hang'];
      const hung = hang();
      const { child, closed } = startReplay(spool);
      await hung;
      child.kill('SIGINT');
      const r = await closed;
      assert.equal(r.code, 130, r.stderr);
      assert.match(
        r.stderr,
        /SIGINT: stopped at line 3; progress is saved in .*replay\.json: the next replay starts at line 3/,
      );
      const rest = await replay(spool);
      assert.equal(rest.code, 0, rest.stderr);
      assert.deepEqual(sorted(received), sorted(idsIn(0)));
    });

    it('a collector that never answers: exit 2 after --timeout and --retry-for, naming the line', async () => {
      otherwise = 'hang';
      const r = await replay(spoolOf(lines.slice(0, 2)), '--timeout', '0.3', '--retry-for', '1');
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /replay stopped at line 1 of .*: no answer within 0\.3 s \(gave up after \d+ attempts in \d+(\.\d)? s\); progress is saved/,
      );
    });

    it('a collector that refuses a line (400): exit 2, naming the line and quoting its answer', async () => {
      script = [OK, { status: 400, body: 'x'.repeat(1000) }];
      const r = await replay(spoolOf(lines));
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /replay stopped at line 2 of .*: HTTP 400: x{300}… \(1000 characters\); progress is saved/,
      );
    });

    it('a replaced spool: exit 2, suggesting --force', async () => {
      const spool = spoolOf(lines.slice(0, 2));
      assert.equal((await replay(spool)).code, 0);
      writeFileSync(spool, `${lines[2]}\n`);
      const r = await replay(spool);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /it was replaced or truncated since\. --force sends it whole/);
    });

    it('a missing run: exit 2 naming it', async () => {
      const missing = await runCli(['replay', join(tmp.path, 'nope')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /replay .*nope: no such run directory/);
    });
  });
});
