import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { demoDomain } from '../../src/domains/demo/index.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SimOutcome, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

const STALL_MS = 150;
// Short answers from slow engine steps: 30 ms between two chunks leaves the client time to read a chunk
// before the next step begins the stall, even on a busy machine, so the gap it sees is the stall's whole.
const TOKENS = 12;
const question: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'explain the refund policy' },
];

interface Streamed {
  /** Each chunk without its id and timestamp, in arrival order. */
  chunks: unknown[];
  /** performance.now() at each chunk's arrival. */
  arrivals: number[];
}

async function streamFrom(client: OpenAI): Promise<Streamed> {
  const stream = await client.chat.completions.create({
    model: 'expert',
    messages: question,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: TOKENS,
  });
  const out: Streamed = { chunks: [], arrivals: [] };
  for await (const { id: _id, created: _created, ...chunk } of stream) {
    out.arrivals.push(performance.now());
    out.chunks.push(chunk);
  }
  return out;
}

describe('--fault-stall pauses a stream, then delivers all of it', () => {
  const servers: SimServer[] = [];
  const { tracer, exporter } = memoryTracer();
  let plain: OpenAI;
  let stalled: OpenAI;
  let stalledUrl: string;
  let noPause: OpenAI;

  const start = async (faults: { rateStall: number; stallMs: number } | undefined) => {
    const sim = await startSimServer({
      seed: 11,
      models: { expert: 'expert' },
      tasks: demoDomain.tasks,
      engine: { stepBaseMs: 30 },
      ...(faults ? { faults } : {}),
      tracer,
    });
    servers.push(sim);
    return sim;
  };
  const clientOf = (sim: SimServer) =>
    new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });

  before(async () => {
    plain = clientOf(await start(undefined));
    const s = await start({ rateStall: 1, stallMs: STALL_MS });
    stalled = clientOf(s);
    stalledUrl = s.url;
    noPause = clientOf(await start({ rateStall: 1, stallMs: 0 }));
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  it('streams the same chunks as without the stall, with a gap of at least --stall-ms half-way', async () => {
    const expected = await streamFrom(plain);
    const got = await streamFrom(stalled);
    // Every token frame, the finish frame and the usage frame, in order; [DONE] ends the iteration.
    assert.deepEqual(got.chunks, expected.chunks);
    const last = got.chunks.at(-1) as OpenAI.Chat.ChatCompletionChunk;
    assert.equal(last.usage?.completion_tokens, TOKENS, 'the usage chunk came last');
    const gaps = got.arrivals.slice(1).map((t, i) => t - got.arrivals[i]!);
    const longest = Math.max(...gaps);
    assert.ok(longest >= STALL_MS, `longest gap ${longest.toFixed(1)} ms`);
    // The stall strikes before the token half-way through the answer.
    assert.equal(gaps.indexOf(longest) + 1, TOKENS / 2);

    // The server ends its span when its HTTP thread reports the response done, just after the client.
    const find = () =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === SpanName.llmRequest && s.attributes[Attr.simFault] === 'stall');
    for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 10));
    const span = find();
    assert.ok(span, 'the stalled request has its llm_request span');
    assert.equal(span.attributes[Attr.simOutcome], SimOutcome.stall);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes[Attr.genAiOutputTokens], TOKENS);
    assert.equal(typeof span.attributes[Attr.latencyE2e], 'number');
  });

  it('delays a non-streamed answer by --stall-ms and leaves it intact', async () => {
    const ask = (client: OpenAI) =>
      client.chat.completions.create({ model: 'expert', messages: question, max_tokens: TOKENS });
    const expected = await ask(plain);
    const t0 = performance.now();
    const got = await ask(stalled);
    const took = performance.now() - t0;
    assert.ok(took >= STALL_MS, `answered after ${took.toFixed(1)} ms`);
    assert.deepEqual(got.choices, expected.choices);
    assert.deepEqual(got.usage, expected.usage);
    const metrics = await (await fetch(`${stalledUrl}/metrics`)).text();
    assert.match(metrics, /^tau2_sim_requests_total\{model_name="expert",outcome="stall"\} 2$/m);
  });

  it('with --stall-ms 0 still delivers the whole stream', async () => {
    const expected = await streamFrom(plain);
    const got = await streamFrom(noPause);
    assert.deepEqual(got.chunks, expected.chunks);
  });
});
