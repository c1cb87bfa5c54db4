/**
 * `run --serve` for real: two simulated servers started through vLLM's command line (`--vllm-command` running
 * `tau2-trace sim`), the user, judge and experts on a simulator of the test's own. Checks that both servers
 * are healthy before the first trial, that every call of a trial goes to one server, that the servers'
 * `llm_request` spans reach the run's collector inside the harness's traces, and that no server process is
 * left after a normal end, SIGTERM, `kill -9` of the harness, or a server that dies.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveDomains } from '../../src/domains/registry.js';
import { readSpool } from '../../src/export/spool-reader.js';
import { runSettings, startRun } from '../../src/harness/session.js';
import { startSimServer } from '../../src/sim/index.js';
import { Attr, Kind } from '../../src/telemetry/names.js';
import { cliPath, closedPort, tempDir } from '../helpers.js';
import { receiver, withEnv } from '../telemetry/collectors.js';

const VLLM_COMMAND = `${process.execPath} ${cliPath} sim`;

/** Processes whose command line is a server of ours on `port` (supervisor or simulator). */
function serverProcesses(port: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(' serve ') && line.includes(`--port ${port} `));
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const healthy = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
};

describe('run --serve with two simulated servers', () => {
  const tmp = tempDir();
  let helper: Awaited<ReturnType<typeof startSimServer>>;
  const others = () => ({
    userBaseUrl: `${helper.url}/v1`,
    expertBaseUrl: `${helper.url}/v1`,
    userLlm: 'sim-user',
    judgeLlm: 'sim-judge',
  });
  before(async () => {
    helper = await startSimServer({
      seed: 1,
      models: {
        'sim-user': 'user',
        'sim-judge': 'judge',
        'gpt-5': 'expert',
        'gpt-5-mini': 'expert',
        'Qwen/Qwen3-32B': 'expert',
      },
      tasks: resolveDomains(['demo'], {}).flatMap((d) => d.tasks),
      engine: { timeScale: 0.1 },
    });
  });
  after(async () => {
    await helper.close();
    tmp.cleanup();
  });

  it('waits for both, keeps each trial on one server, and gets their llm_request spans', async () => {
    const port = await closedPort();
    const collector = await receiver('grpc');
    const healthyAtStart: boolean[] = [];
    const report = await withEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_METRICS_EXPORTER: 'none',
      },
      () =>
        startRun(
          runSettings({
            ...others(),
            serve: true,
            numServers: 2,
            startPort: port,
            staggerDelay: 5,
            vllmCommand: VLLM_COMMAND,
            serveArg: ['--time-scale 0.1'],
            agentModel: 'sim-orchestrator-8b',
            numTasks: 6,
            numTrials: 2,
            maxConcurrency: 4,
            outputDir: tmp.path,
          }),
          {
            onStart: () => {
              void Promise.all([healthy(port), healthy(port + 1)]).then((h) => healthyAtStart.push(...h));
            },
          },
        ),
    );
    await collector.close();
    assert.deepEqual(healthyAtStart, [true, true], 'both servers answer /health when the first trial starts');
    assert.equal(report.failed.length, 0);
    assert.equal(report.results.length, 12);

    const { spans } = await readSpool(report.files.spool!);
    const agentCalls = spans.filter((s) => s.attributes[Attr.kind] === Kind.llmCall);
    const portsByTrace = new Map<string, Set<unknown>>();
    for (const s of agentCalls) {
      const set = portsByTrace.get(s.traceId) ?? new Set();
      set.add(s.attributes[Attr.serverPort]);
      portsByTrace.set(s.traceId, set);
    }
    assert.equal(portsByTrace.size, 12);
    for (const [trace, ports] of portsByTrace)
      assert.equal(ports.size, 1, `trace ${trace} used ${[...ports]}`);
    const used = new Set(agentCalls.map((s) => s.attributes[Attr.serverPort]));
    assert.deepEqual([...used].sort(), [port, port + 1], 'trials are spread over both servers');

    // Every agent call has the server's llm_request span under it, in the same trace.
    const served = collector.spans.filter((s) => s.name === 'llm_request');
    const byParent = new Set(served.map((s) => `${s.traceId}/${s.parentSpanId}`));
    for (const call of agentCalls) assert.ok(byParent.has(`${call.traceId}/${call.spanId}`), call.spanId);
    assert.ok(served.every((s) => s.resource['service.name'] === 'tau2-sim'));

    const modelConfig = JSON.parse(readFileSync(join(report.runDir, 'model_config.json'), 'utf8'));
    assert.deepEqual(modelConfig['sim-orchestrator-8b'], [
      { ip_addr: '127.0.0.1', port: String(port) },
      { ip_addr: '127.0.0.1', port: String(port + 1) },
    ]);
    assert.match(readFileSync(join(report.runDir, 'servers', '1.log'), 'utf8'), /listening on/);
    assert.deepEqual([...serverProcesses(port), ...serverProcesses(port + 1)], [], 'no server is left');
  });

  /** Starts `run --serve` as its own process and resolves once both servers are healthy. */
  async function startCli(port: number, outputDir = tmp.path) {
    const o = others();
    const args = [
      ...['run', '--serve', '--num-servers', '2', '--start-port', String(port), '--stagger-delay', '5'],
      ...['--vllm-command', VLLM_COMMAND, '--agent-model', 'sim-orchestrator-8b', '--quiet'],
      ...['--user-base-url', o.userBaseUrl, '--expert-base-url', o.expertBaseUrl],
      ...['--user-llm', o.userLlm, '--judge-llm', o.judgeLlm, '--output-dir', outputDir],
    ];
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    await until(
      'both servers',
      async () => {
        if (ended) throw new Error(`the run ended before its servers were healthy:\n${stderr}`);
        return (await healthy(port)) && (await healthy(port + 1));
      },
      30_000,
    );
    return { child, exited, stderr: () => stderr };
  }

  const gone = (port: number) => serverProcesses(port).length + serverProcesses(port + 1).length === 0;

  it('stops every server when the harness gets SIGTERM', async () => {
    const port = await closedPort();
    const run = await startCli(port);
    run.child.kill('SIGTERM');
    assert.equal((await run.exited).code, 143);
    assert.ok(
      gone(port),
      serverProcesses(port)
        .concat(serverProcesses(port + 1))
        .join('\n'),
    );
  });

  it('stops every server when the harness is killed with SIGKILL', async () => {
    const port = await closedPort();
    const run = await startCli(port);
    run.child.kill('SIGKILL');
    await run.exited;
    // The supervisors see their pipe close and stop the servers: within the grace period at most.
    await until('the servers to stop', () => gone(port));
  });

  it('fails the run naming the log of a server that died', async () => {
    const port = await closedPort();
    const out = join(tmp.path, 'died');
    const run = await startCli(port, out);
    // During the run: once config.json is written, the servers were found healthy and the trials start.
    await until('the run to start', () =>
      readdirSync(out).some((d) => existsSync(join(out, d, 'config.json'))),
    );
    const sim = serverProcesses(port + 1).find((l) => !l.includes('supervisor'));
    assert.ok(sim, 'the second server runs');
    process.kill(Number(sim.trim().split(/\s+/)[0]), 'SIGKILL');
    const { code } = await run.exited;
    assert.equal(code, 1, run.stderr());
    assert.match(
      run.stderr(),
      /server 1 \(port \d+\) exited \(code \d+\) during the run; see its log .*servers\/1\.log/,
    );
    await until('the other server to stop', () => gone(port));
  });
});
