import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import OpenAI from 'openai';
import { readSpool } from '../../src/export/spool-reader.js';
import { Attr, SimOutcome, SpanName } from '../../src/telemetry/names.js';
import { cliPath, runCli, tempDir } from '../helpers.js';

interface SimChild {
  child: ChildProcessWithoutNullStreams;
  port: number;
  client: OpenAI;
  stderr(): string;
  /** Resolves with the exit code (or signal) and how long after `stop()` it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `tau2-trace sim` as its own process and waits for its listening line. */
function startSim(args: string[]): Promise<SimChild> {
  const child = spawn(process.execPath, [cliPath, 'sim', ...args], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sim did not listen:\n${stdout}${stderr}`)), 20_000);
    void exited.then(({ code }) => reject(new Error(`sim exited ${code} before listening:\n${stderr}`)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^tau2-trace sim listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1) \(models: .+\)\n/.exec(
        stdout,
      );
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        port: Number(m[2]),
        client: new OpenAI({ baseURL: m[1], apiKey: 'EMPTY', maxRetries: 0 }),
        stderr: () => stderr,
        exited,
      });
    });
  });
}

describe('tau2-trace sim as its own process', () => {
  const tmp = tempDir();
  const children: SimChild[] = [];
  after(() => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    tmp.cleanup();
  });
  let port = 0;

  it('stops on SIGTERM: cuts the stream in flight, flushes its spans file, exits 0', async () => {
    const spansFile = join(tmp.path, 'sim-spans.jsonl');
    // 40 ms per engine step: a long answer streams for seconds, so one is surely in flight at SIGTERM.
    const sim = await startSim(['--port', '0', '--spans-file', spansFile, '--step-ms', '40']);
    children.push(sim);
    port = sim.port;

    const answer = await sim.client.chat.completions.create({
      model: 'sim-judge',
      messages: [{ role: 'user', content: 'judge <assertions>\n1. polite\n</assertions>' }],
      max_tokens: 2,
    });
    assert.equal(answer.choices[0]?.finish_reason, 'length');

    const stream = await sim.client.chat.completions.create({
      model: 'sim-expert-1',
      messages: [{ role: 'user', content: 'a long answer, please' }],
      stream: true,
    });
    const chunks = stream[Symbol.asyncIterator]();
    assert.equal((await chunks.next()).done, false, 'the stream has begun');

    const stopAt = performance.now();
    sim.child.kill('SIGTERM');
    // The cut stream ends with an error rather than [DONE].
    await assert.rejects(async () => {
      for (let c = await chunks.next(); !c.done; c = await chunks.next());
    });
    const { code, signal, at } = await sim.exited;
    assert.equal(code, 0, `exit code (signal ${signal})\n${sim.stderr()}`);
    assert.ok(at - stopAt < 3000, `exited ${(at - stopAt).toFixed(0)} ms after SIGTERM`);
    assert.match(sim.stderr(), /stopped \(SIGTERM\)/);

    const { spans, badLines } = await readSpool(spansFile);
    assert.deepEqual(badLines, []);
    const requests = spans.filter((s) => s.name === SpanName.llmRequest);
    const byOutcome = Object.fromEntries(
      requests.map((s) => [String(s.attributes[Attr.simOutcome]), s.attributes[Attr.genAiRequestModel]]),
    );
    assert.deepEqual(byOutcome, { [SimOutcome.ok]: 'sim-judge', [SimOutcome.shutdown]: 'sim-expert-1' });
    assert.equal(requests.length, 2);
  });

  it('starts again on the same port at once, and stops on SIGINT', async () => {
    assert.ok(port > 0, 'the first test ran');
    const sim = await startSim(['--port', String(port), '--time-scale', '0.1']);
    children.push(sim);
    assert.equal(sim.port, port);
    const models = await sim.client.models.list();
    assert.ok(models.data.some((m) => m.id === 'sim-orchestrator-8b'));
    sim.child.kill('SIGINT');
    const { code } = await sim.exited;
    assert.equal(code, 0, sim.stderr());
    assert.match(sim.stderr(), /stopped \(SIGINT\)/);
  });

  it('refuses fault rates that add up to more than 1, in one line, exit 2', async () => {
    const r = await runCli(['sim', '--port', '0', '--fault-cut', '0.6', '--fault-stall', '0.5']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'tau2-trace: error: --fault-*: the fault rates add up to more than 1\n');
    assert.equal(r.stdout, '', 'it never listened');
  });
});
