import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoDomain } from '../../src/domains/demo/index.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SimOutcome, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

const client = fileURLToPath(new URL('./hangup-client.js', import.meta.url));

/** Runs hangup-client.js in its own process, as a separate client would be. */
function hangUpFromAnotherProcess(port: number, model: string, n: number, parallel: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [client, String(port), model, String(n), String(parallel)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`client exited ${code}\n${stderr}`)),
    );
  });
}

describe('a client that hangs up right after [DONE]', () => {
  let sim: SimServer;
  const { tracer, exporter } = memoryTracer();
  // Before the HTTP thread judged a response by its bytes, about 1 in 1,000 of these requests lost its
  // span (the hang-up beat the chunked terminator); 2,000 of them show that most times.
  const requests = 2000;

  before(async () => {
    sim = await startSimServer({
      seed: 3,
      models: { user: 'user' },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.01 },
      tracer,
    });
  });
  after(() => sim.close());

  it('records every request as complete, with its timings, and counts it ok', async () => {
    await hangUpFromAnotherProcess(sim.port, 'user', requests, 64);

    // Spans end when the HTTP thread reports each response done, a moment after the client has [DONE].
    const spans = () => exporter.getFinishedSpans().filter((s) => s.name === SpanName.llmRequest);
    for (let i = 0; i < 200 && spans().length < requests; i++) await new Promise((r) => setTimeout(r, 10));
    const done = spans();
    assert.equal(done.length, requests, 'one llm_request span per request');
    const withoutTimings = done.filter((s) => typeof s.attributes[Attr.latencyE2e] !== 'number');
    assert.deepEqual(
      withoutTimings.map((s) => s.status.message),
      [],
      'no span lacks its timings',
    );
    assert.deepEqual(new Set(done.map((s) => s.attributes[Attr.simOutcome])), new Set([SimOutcome.ok]));

    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`^tau2_sim_requests_total\\{model_name="user",outcome="ok"\\} ${requests}$`, 'm'),
    );
    assert.match(metrics, /^tau2_sim_requests_total\{model_name="user",outcome="client_closed"\} 0$/m);
  });
});
