/**
 * Fault soak: a run of 50 trials against a separate `tau2-trace sim` that answers 30 % of requests 503, cuts
 * 20 % of streams, sends a frame that is not JSON in 10 % and stalls 10 %, and that is stopped for 20 s in
 * the middle of the run (SIGTERM, then a new process on the same port, as an endpoint restart).
 *
 * It checks, and exits 1 when one fails:
 * - the run ends on its own (within `--timeout-s`), and a `--resume` leaves no trial missing or failed;
 * - every trial in results.json has its whole trace (task span with the same ending, every step);
 * - attempts agree: for every LLM call span, its attempts (`tau2.llm.attempts`) minus those refused at the
 *   connection equal the `llm_request` spans the simulator recorded under it (from its `--spans-file`).
 * Then prints what happened: outcomes at the simulator, attempts by error type at the harness, wall times.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_FILE } from '../src/harness/rundir.js';
import { Attr, SpanName } from '../src/telemetry/names.js';
import {
  CLI,
  type FlatSpan,
  intFlags,
  printTable,
  readSpans,
  simModelFlags,
  startSim,
  stopAll,
  tempDir,
  writeModelConfig,
} from './lib.js';

const o = intFlags(process.argv.slice(2), { trials: 5, tasks: 10, outageS: 20, outageAtS: 8, timeoutS: 900 });
const FAULTS = ['--fault-5xx', '0.3', '--fault-cut', '0.2', '--fault-garbage', '0.1', '--fault-stall', '0.1'];
const SIM = ['--time-scale', '0.2', '--stall-ms', '2000', ...FAULTS];

/** Runs the CLI to its end, whatever its exit code. */
function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutS * 1000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - t0 });
    }),
  );
}

interface Row {
  trace_id: string;
  termination_reason: string;
  steps: number;
  task_id: string;
  trial: number;
}

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
};

const tmp = tempDir('tau2-soak-');
try {
  const sim1 = await startSim([...SIM, '--spans-file', join(tmp.dir, 'sim-1.jsonl')]);
  const port = new URL(sim1.baseUrl).port;
  const config = writeModelConfig(tmp.dir, sim1.baseUrl);
  const out = join(tmp.dir, 'runs');
  const args = ['run', '--quiet', ...simModelFlags(config), '--num-tasks', String(o.tasks)].concat([
    '--num-trials',
    String(o.trials),
    '--max-concurrency',
    '8',
    '--output-dir',
    out,
  ]);
  const first = run(args);
  await new Promise((r) => setTimeout(r, o.outageAtS * 1000));
  await sim1.stop();
  const downAt = performance.now();
  await new Promise((r) => setTimeout(r, o.outageS * 1000));
  const sim2 = await startSim([...SIM, '--port', port, '--spans-file', join(tmp.dir, 'sim-2.jsonl')]);
  const outageMs = performance.now() - downAt;
  const r1 = await first;
  check(r1.code !== null, `the run did not end within ${o.timeoutS} s`);
  const runDir = /run directory: (.+)/.exec(r1.stdout)?.[1]?.trim() ?? '';
  check(runDir !== '', `no run directory in the output:\n${r1.stdout}${r1.stderr}`);
  const rowsAfterFirst = (
    JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { results: Row[] }
  ).results;
  const failedFirst = rowsAfterFirst.filter((r) =>
    ['agent_error', 'user_error', 'expert_error', 'evaluator_error', 'timeout', 'harness_error'].includes(
      r.termination_reason,
    ),
  ).length;
  const r2 = await run(['run', '--quiet', '--resume', runDir]);
  check(r2.code === 0, `--resume exited ${r2.code}: ${r2.stderr.trim()}`);
  await sim2.stop();
  const summary = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
    results: Row[];
    total_trials: number;
    failed_trials: number;
  };
  check(
    summary.results.length === summary.total_trials,
    `${summary.results.length}/${summary.total_trials} trials after --resume`,
  );
  check(summary.failed_trials === 0, `${summary.failed_trials} trials still failed after --resume`);

  // Every recorded trial has its whole trace.
  const spans = await readSpans(join(runDir, SPOOL_FILE));
  const byTrace = new Map<string, FlatSpan[]>();
  for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  for (const r of summary.results) {
    const trace = byTrace.get(r.trace_id) ?? [];
    const root = trace.find((s) => s.name === SpanName.task);
    check(root?.attrs[Attr.taskTermination] === r.termination_reason, `${r.task_id}/${r.trial}: task span`);
    check(trace.filter((s) => s.name === SpanName.step).length === r.steps, `${r.task_id}/${r.trial}: steps`);
  }

  // Attempts at the harness against requests at the simulator, call by call.
  const server = [
    ...(await readSpans(join(tmp.dir, 'sim-1.jsonl'))),
    ...(await readSpans(join(tmp.dir, 'sim-2.jsonl'))),
  ].filter((s) => s.name === SpanName.llmRequest);
  const served = new Map<string, number>();
  for (const s of server) served.set(s.parentSpanId ?? '', (served.get(s.parentSpanId ?? '') ?? 0) + 1);
  const calls = spans.filter((s) => typeof s.attrs[Attr.attempts] === 'number');
  const refusedUnder = new Map<string, number>();
  const byType = new Map<string, number>();
  for (const s of spans) {
    if (s.name !== SpanName.attempt) continue;
    const type = String(s.attrs[Attr.errorType]);
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (type === 'connection_refused')
      refusedUnder.set(s.parentSpanId ?? '', (refusedUnder.get(s.parentSpanId ?? '') ?? 0) + 1);
  }
  let attempts = 0;
  let reached = 0;
  let mismatched = 0;
  for (const c of calls) {
    const n = c.attrs[Attr.attempts] as number;
    const finalRefused = c.attrs[Attr.errorType] === 'connection_refused' ? 1 : 0;
    const expected = n - (refusedUnder.get(c.spanId) ?? 0) - finalRefused;
    attempts += n;
    reached += expected;
    if ((served.get(c.spanId) ?? 0) !== expected) mismatched++;
  }
  check(mismatched === 0, `${mismatched} calls whose attempts differ from the simulator's requests`);
  check(
    reached === server.length,
    `attempts that reached the simulator ${reached} ≠ its requests ${server.length}`,
  );

  const outcomes = new Map<string, number>();
  for (const s of server) {
    const k = String(s.attrs[Attr.simOutcome] ?? 'unknown');
    outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  }
  process.stdout.write(
    `fault soak: ${summary.total_trials} trials, faults ${FAULTS.join(' ')}, outage ${(outageMs / 1000).toFixed(1)} s\n`,
  );
  printTable(
    ['', 'value'],
    [
      ['first run: wall (s)', (r1.wallMs / 1000).toFixed(1)],
      ['first run: exit code', String(r1.code)],
      ['first run: trials recorded / failed', `${rowsAfterFirst.length} / ${failedFirst}`],
      ['--resume: wall (s), exit code', `${(r2.wallMs / 1000).toFixed(1)}, ${r2.code}`],
      ['after --resume: recorded / failed', `${summary.results.length} / ${summary.failed_trials}`],
      ['LLM calls / attempts', `${calls.length} / ${attempts}`],
      ['attempts that reached the simulator / its requests', `${reached} / ${server.length}`],
      ['calls whose attempts differ from the simulator', String(mismatched)],
    ],
  );
  printTable(
    ['failed attempts at the harness, by error.type', 'n'],
    [...byType].sort().map(([k, v]) => [k, String(v)]),
  );
  printTable(
    ['requests at the simulator, by outcome', 'n'],
    [...outcomes].sort().map(([k, v]) => [k, String(v)]),
  );
} finally {
  await stopAll();
  tmp.remove();
}
if (problems.length > 0) {
  process.stderr.write(`fault soak FAILED:\n- ${problems.join('\n- ')}\n`);
  process.exitCode = 1;
} else process.stdout.write('fault soak passed\n');
