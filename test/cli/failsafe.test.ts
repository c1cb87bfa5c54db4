/**
 * A run never hangs, never records a result it did not observe, and never fails quietly: the breaks found by
 * trying the CLI as an adversary would, each with the command that showed it, run for real against the
 * simulator (in-process or embedded) and the real `openai` client.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simModelFlags, writeModelConfig } from '../../bench/lib.js';
import { demoDomain } from '../../src/domains/demo/index.js';
import { readSpool } from '../../src/export/spool-reader.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { cliPath, closedPort, FAST, runCli, runDirOf, tau2DataDir, tempDir } from '../helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

interface Row {
  task_id: string;
  domain: string;
  trial: number;
  trace_id: string;
  termination_reason: string;
  reward: number;
  error?: string;
  steps: number;
}
const rowsOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: Row[] }).results;

/** Every recorded trial has its task span, with the same ending, and all its steps in the spool. */
async function everyResultHasItsTrace(dir: string): Promise<Row[]> {
  const rows = rowsOf(dir);
  const { spans, badLines } = await readSpool(join(dir, 'spans.otlp.jsonl'));
  assert.deepEqual(badLines, []);
  for (const r of rows) {
    const trace = spans.filter((s) => s.traceId === r.trace_id);
    const root = trace.find((s) => s.name === SpanName.task);
    assert.ok(root, `task span of ${r.task_id}/${r.trial}`);
    assert.equal(root.attributes[Attr.taskTermination], r.termination_reason);
    assert.equal(trace.filter((s) => s.name === SpanName.step).length, r.steps, `steps of ${r.task_id}`);
  }
  return rows;
}

const roles = {
  'sim-orchestrator-8b': 'agent',
  'sim-user': 'user',
  'sim-judge': 'judge',
  'sim-expert-1': 'expert',
  'sim-expert-2': 'expert',
  'sim-expert-3': 'expert',
} as const;

/** Flags pointing every role (experts included) at an external simulator, through a model config. */
function external(sim: SimServer): string[] {
  const dir = join(tmp.path, `models-${sim.port}`);
  mkdirSync(dir, { recursive: true });
  return simModelFlags(writeModelConfig(dir, `${sim.url}/v1`));
}

describe('break 1: a failed expert call ends its trial, never the run', () => {
  it('run --fault-5xx 0.5 --max-retries 0 --num-trials 2 ends on its own, exit 3, traces for every result', async () => {
    const out = join(tmp.path, 'b1');
    const r = await runCli(
      [
        'run',
        ...FAST,
        '--fault-5xx',
        '0.5',
        '--max-retries',
        '0',
        '--num-trials',
        '2',
        '--max-concurrency',
        '8',
      ].concat(['--output-dir', out]),
    );
    assert.equal(r.code, 3, r.stderr);
    assert.doesNotMatch(r.stderr, /unexpected error/);
    const rows = await everyResultHasItsTrace(runDirOf(r.stdout));
    assert.equal(rows.length, 28);
    assert.ok(
      rows.some((x) => x.termination_reason === 'expert_error'),
      'some expert calls failed',
    );
    assert.match(r.stderr, /trials failed: .*expert_error/);
    // The server's own words, not "(no body)".
    assert.ok(rows.filter((x) => x.error).every((x) => x.error?.includes('The engine is overloaded')));
  });

  it('SIGINT while expert calls are in flight exits 130 without a stack trace', async () => {
    const out = join(tmp.path, 'b1-int');
    const child = spawn(
      process.execPath,
      [cliPath, 'run', '--quiet', '--time-scale', '0.5', '--fault-stall', '0.5', '--stall-ms', '3000'].concat(
        ['--num-trials', '2', '--max-concurrency', '8', '--output-dir', out],
      ),
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.doesNotMatch(stderr, /unexpected error|\n\s+at /);
    const dir = join(out, readdirSync(out)[0]!);
    const rows = await everyResultHasItsTrace(dir);
    assert.ok(
      rows.every((x) => x.termination_reason !== 'cancelled'),
      'cancelled trials are not recorded',
    );
  });
});

describe('break 3: failures that look like success', () => {
  let sim: SimServer;
  before(async () => {
    sim = await startSimServer({
      seed: 1,
      models: { ...roles },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.1 },
    });
  });
  after(() => sim.close());

  it('a mistyped --agent-model is refused before the run, naming the model and what the endpoint serves', async () => {
    const url = `${sim.url}/v1`;
    const r = await runCli(
      ['run', '--agent-base-url', url, '--agent-model', 'sim-orchestrator-8B', '--user-base-url', url].concat(
        ['--user-llm', 'sim-user', '--no-use-model-tool', '--output-dir', join(tmp.path, 'b3')],
      ),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /does not serve "sim-orchestrator-8B" \(it serves: .*sim-orchestrator-8b/);
    assert.equal(existsSync(join(tmp.path, 'b3')), false, 'no run directory');
  });

  it('experts the endpoint does not serve (the default gpt-5 … against the simulator) are refused up front', async () => {
    const url = `${sim.url}/v1`;
    const r = await runCli(
      ['run', '--agent-base-url', url, '--agent-model', 'sim-orchestrator-8b', '--user-base-url', url].concat(
        ['--user-llm', 'sim-user', '--expert-base-url', url, '--output-dir', join(tmp.path, 'b3e')],
      ),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /does not serve "(gpt-5|gpt-5-mini|Qwen\/Qwen3-32B)"/);
  });

  it('--llm-timeout 0 is refused', async () => {
    const r = await runCli(['run', '--llm-timeout', '0', '--output-dir', join(tmp.path, 'b3t')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--llm-timeout/);
  });

  it('OTLP export to a collector that is down is reported and fails the exit status (--allow-errors: exit 0)', async () => {
    const port = await closedPort();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    const args = ['run', ...FAST, '--num-tasks', '2', '--output-dir', join(tmp.path, 'b3o')];
    const r = await runCli(args, env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`OTLP export to http://127.0.0.1:${port}/v1/traces failed for \\d+ of \\d+ spans`),
    );
    assert.match(r.stderr, /tau2-trace replay /);
    const config = JSON.parse(readFileSync(join(runDirOf(r.stdout), 'config.json'), 'utf8')) as {
      telemetry: { otlp_export: { failedSpans: number; exportedSpans: number } };
    };
    assert.equal(config.telemetry.otlp_export.exportedSpans, 0);
    assert.ok(config.telemetry.otlp_export.failedSpans > 0);
    const allowed = await runCli([...args, '--allow-errors'], env);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /warning: OTLP export/);
  });

  it('a collector that answers 500 is reported too', async () => {
    const collector = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500).end('collector broken'));
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as { port: number };
    try {
      const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', join(tmp.path, 'b3c')], {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /OTLP export to .* failed/);
    } finally {
      collector.close();
    }
  });
});

describe('break 5: a short endpoint outage is ridden out', () => {
  it('an endpoint down for 3 s mid-run: every trial finishes, the refused attempts are in the trace', async () => {
    const sim = await startSimServer({
      seed: 2,
      models: { ...roles },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.3 },
    });
    const port = sim.port;
    const out = join(tmp.path, 'b5');
    const run = runCli(['run', '--quiet', ...external(sim), '--max-concurrency', '4', '--output-dir', out]);
    // The outage starts once the run is under way (past its endpoint check), however slow the machine.
    const deadline = Date.now() + 60_000;
    while (!(existsSync(out) && readdirSync(out).some((d) => existsSync(join(out, d, 'results.json'))))) {
      assert.ok(Date.now() < deadline, 'the run started');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    await sim.close();
    await new Promise((r) => setTimeout(r, 3000));
    const again = await startSimServer({
      seed: 2,
      port,
      models: { ...roles },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.3 },
    });
    try {
      const r = await run;
      assert.equal(r.code, 0, r.stderr);
      const rows = await everyResultHasItsTrace(runDirOf(r.stdout));
      assert.equal(rows.length, 14);
      assert.ok(
        rows.every((x) => x.reward === 1),
        'every trial scored as without the outage',
      );
      const { spans } = await readSpool(join(runDirOf(r.stdout), 'spans.otlp.jsonl'));
      const refused = spans.filter(
        (s) => s.name === SpanName.attempt && s.attributes[Attr.errorType] === 'connection_refused',
      );
      assert.ok(refused.length > 0, 'attempts refused during the outage are recorded');
    } finally {
      await again.close();
    }
  });
});

/** A server that answers like an OpenAI endpoint whose errors echo the request's key. */
function echoingServer(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad request with key ${req.headers.authorization}` } }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

describe('break 7: secrets and private content', () => {
  it('an endpoint that echoes the API key: the key is in no file of the run', async () => {
    const server = await echoingServer();
    const { port } = server.address() as { port: number };
    const key = 'sk-test-5ecret-Key-0123456789';
    const out = join(tmp.path, 'b7');
    try {
      const url = `http://127.0.0.1:${port}/v1`;
      const r = await runCli(
        ['run', '--quiet', '--agent-base-url', url, '--agent-model', 'm', '--user-base-url', url].concat([
          '--user-llm',
          'm',
          '--no-use-model-tool',
          '--num-tasks',
          '1',
          '--output-dir',
          out,
        ]),
        { TAU2_AGENT_API_KEY: key, TAU2_USER_API_KEY: key },
      );
      assert.equal(r.code, 3, r.stderr);
      assert.ok(!r.stderr.includes(key) && !r.stdout.includes(key), 'not on the console');
      const dir = runDirOf(r.stdout);
      const rows = rowsOf(dir);
      assert.match(rows[0]?.error ?? '', /bad request with key Bearer \[REDACTED\]/);
      for (const f of readdirSync(dir)) assert.ok(!readFileSync(join(dir, f), 'utf8').includes(key), f);
    } finally {
      server.close();
    }
  });

  it('a base URL with credentials is refused without echoing the password', async () => {
    const r = await runCli([
      'run',
      '--agent-base-url',
      'http://bob:hunter2@127.0.0.1:1/v1',
      '--agent-model',
      'm',
      '--output-dir',
      join(tmp.path, 'b7u'),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--agent-base-url http:\/\/\*\*\*@127\.0\.0\.1:1\/v1: credentials in a URL/);
    assert.ok(!r.stderr.includes('hunter2'));
  });

  it('content captured through OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: tool arguments too, a private run directory, config says so', async () => {
    const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', join(tmp.path, 'b7c')], {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    });
    assert.equal(r.code, 0, r.stderr);
    const dir = runDirOf(r.stdout);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      parameters: { captureContent: boolean };
    };
    assert.equal(config.parameters.captureContent, true);
    const { spans } = await readSpool(join(dir, 'spans.otlp.jsonl'));
    const tool = spans.find((s) => s.attributes[Attr.kind] === 'tool_call');
    assert.equal(typeof tool?.attributes[Attr.toolCallArguments], 'string');
  });
});

describe('the spool records what the OTLP export records', () => {
  it("the spool's resource has the detected host.id, as the OTLP export of the same spans does", async (t) => {
    if (!existsSync('/etc/machine-id') && !existsSync('/var/lib/dbus/machine-id')) {
      // The host detector reads host.id from one of these; without them no exporter has one to record.
      return t.diagnostic('this machine has no machine-id: nothing to compare');
    }
    const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', join(tmp.path, 'host')]);
    const { spans } = await readSpool(join(runDirOf(r.stdout), 'spans.otlp.jsonl'));
    assert.ok(spans.length > 0);
    for (const s of spans) assert.equal(typeof s.resource['host.id'], 'string', s.name);
  });
});

describe('break 8: smaller ones', () => {
  it('--resume with a flag that would change the run is refused, naming the flag', async () => {
    const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', join(tmp.path, 'b8r')]);
    const dir = runDirOf(r.stdout);
    const again = await runCli(['run', '--resume', dir, '--num-trials', '3']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--num-trials cannot change them/);
  });

  it('resuming onto a spool whose last line was cut starts a new line: every line parses but the cut one', async () => {
    const r = await runCli(['run', ...FAST, '--num-tasks', '2', '--output-dir', join(tmp.path, 'b8s')]);
    const dir = runDirOf(r.stdout);
    const spool = join(dir, 'spans.otlp.jsonl');
    writeFileSync(spool, `${readFileSync(spool, 'utf8')}{"resourceSpans":[{"reso`);
    // Forget the second trial, so the resume runs it.
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: Row[] };
    results.results = results.results.slice(0, 1);
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    writeFileSync(join(dir, 'results.jsonl'), '');
    const resumed = await runCli(['run', '--resume', dir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const { badLines } = await readSpool(spool);
    assert.equal(badLines.length, 1, 'only the fragment');
  });

  it('a corrupt row of results.json or "parameters": null stop --resume with a message', async () => {
    const dir = join(tmp.path, 'b8c_20260101_000000');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ parameters: null }));
    let r = await runCli(['run', '--resume', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"parameters" is missing or not an object/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ parameters: { domains: ['demo'] } }));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ results: [{ task_id: 'x', domain: 'demo' }] }));
    r = await runCli(['run', '--resume', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /results\[0\]: no positive integer "trial"/);
  });

  it('--output-dir that is a file is refused with a message, not a stack trace', async () => {
    const file = join(tmp.path, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['run', '--output-dir', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--output-dir .*a-file: is not a directory/);
  });

  it('--output-dir inside a read-only directory is refused', async (t) => {
    if (process.getuid?.() === 0) {
      // root writes through any mode bits, but /sys refuses it (EPERM).
      const r = await runCli(['run', '--output-dir', '/sys/tau2-runs']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--output-dir \/sys\/tau2-runs: is not writable/);
      return t.diagnostic('as root: checked with /sys');
    }
    const ro = join(tmp.path, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const r = await runCli(['run', '--output-dir', join(ro, 'runs')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is not writable/);
  });

  it('a run whose spool cannot be written stops with a message, not a stack trace', async () => {
    const r = await runCli(['run', ...FAST, '--num-tasks', '1', '--output-dir', join(tmp.path, 'b8w')]);
    const dir = runDirOf(r.stdout);
    // The spool replaced by a directory: opening it for append fails as a full or broken disk would.
    rmSync(join(dir, 'spans.otlp.jsonl'));
    mkdirSync(join(dir, 'spans.otlp.jsonl'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ results: [] }));
    writeFileSync(join(dir, 'results.jsonl'), '');
    const again = await runCli(['run', '--resume', dir]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /^tau2-trace: error: .*EISDIR.*spans\.otlp\.jsonl/);
    assert.doesNotMatch(again.stderr, /unexpected error|\n\s+at /);
  });

  it('--num-trials 10000000 is refused at once instead of running out of memory', async () => {
    const r = await runCli(['run', '--num-trials', '10000000', '--output-dir', join(tmp.path, 'b8n')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--num-trials 10000000: plans 140000000 trials/);
  });

  it('a task that cannot be read is refused, naming the file, the task and the field', async () => {
    // Every task of a faithful port runs; one it cannot read stops the run before it starts.
    const data = join(tmp.path, 'bad-task-data');
    const domainDir = join(data, 'domains', 'retail');
    mkdirSync(domainDir, { recursive: true });
    const src = join(tau2DataDir, 'domains', 'retail');
    for (const f of readdirSync(src)) writeFileSync(join(domainDir, f), readFileSync(join(src, f)));
    const tasks = JSON.parse(readFileSync(join(domainDir, 'tasks.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    const asserted = { ...tasks[2]!, evaluation_criteria: { env_assertions: [{ func_name: 'x' }] } };
    writeFileSync(join(domainDir, 'tasks.json'), JSON.stringify([tasks[0], tasks[1], asserted]));
    const out = join(tmp.path, 'bad-task-runs');
    const r = await runCli(['run', ...FAST, '--data-dir', data, '--domains', 'retail', '--output-dir', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(
      r.stderr.includes(
        `${join(domainDir, 'tasks.json')}: task 2 (id "2"): evaluation_criteria.env_assertions[0].env_type must be "assistant" or "user"`,
      ),
      r.stderr,
    );
    assert.equal(existsSync(out), false, 'no run directory for a run that never started');
  });

  it('repeated task ids are refused, naming them', async () => {
    const data = join(tmp.path, 'dup-data');
    const domainDir = join(data, 'domains', 'mock');
    mkdirSync(domainDir, { recursive: true });
    const src = join(import.meta.dirname, '../../../../shared/tau2/domains/mock');
    for (const f of readdirSync(src)) writeFileSync(join(domainDir, f), readFileSync(join(src, f)));
    const tasks = JSON.parse(readFileSync(join(domainDir, 'tasks.json'), 'utf8')) as { id: string }[];
    writeFileSync(join(domainDir, 'tasks.json'), JSON.stringify([...tasks, tasks[0]]));
    const r = await runCli([
      'run',
      '--data-dir',
      data,
      '--domains',
      'mock',
      '--output-dir',
      join(tmp.path, 'b8d'),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`domain mock: task ids repeat \\(${tasks[0]!.id}\\)`));
  });
});
