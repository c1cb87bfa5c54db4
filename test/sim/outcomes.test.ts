import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI, { APIConnectionError, InternalServerError, RateLimitError } from 'openai';
import { demoDomain } from '../../src/domains/demo/index.js';
import { type FaultConfig, type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SimOutcome, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

const servers: SimServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** A server whose every request gets `faults`, with its own span sink. */
async function serve(faults: Partial<FaultConfig> = {}) {
  const { tracer, exporter } = memoryTracer();
  const sim = await startSimServer({
    seed: 5,
    models: { user: 'user', judge: 'judge' },
    tasks: demoDomain.tasks,
    engine: { timeScale: 0.1 },
    faults,
    tracer,
  });
  servers.push(sim);
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  /** The llm_request spans once `n` of them have ended (the server ends them a moment after the client is done). */
  const spans = async (n: number): Promise<ReadableSpan[]> => {
    const ended = () => exporter.getFinishedSpans().filter((s) => s.name === SpanName.llmRequest);
    for (let i = 0; i < 200 && ended().length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return ended();
  };
  /** `tau2_sim_requests_total` as `{ "model outcome": count }`, zeros left out. */
  const counts = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(
      /^tau2_sim_requests_total\{model_name="([^"]*)",outcome="([^"]*)"\} (\d+)$/gm,
    )) {
      if (Number(m[3]) > 0) out[`${m[1]} ${m[2]}`] = Number(m[3]);
    }
    return out;
  };
  return { sim, client, spans, counts };
}

const ask = (client: OpenAI, stream: boolean, i: number) =>
  stream
    ? client.chat.completions
        .create({ model: 'user', messages: [{ role: 'system', content: `s${i}` }], stream: true })
        .then(async (s) => {
          let text = '';
          for await (const c of s) text += c.choices[0]?.delta.content ?? '';
          return text;
        })
    : client.chat.completions
        .create({ model: 'judge', messages: [{ role: 'user', content: `j${i}` }] })
        .then((r) => r.choices[0]?.message.content ?? '');

/** Checks the span of an injected fault: ERROR, named, with the outcome and error.type. */
function assertFaultSpan(span: ReadableSpan | undefined, fault: string, errorType: string): void {
  assert.ok(span, `a span for ${fault}`);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes[Attr.simFault], fault);
  assert.equal(span.attributes[Attr.simOutcome], fault);
  assert.equal(span.attributes[Attr.errorType], errorType);
}

describe('every request is counted once by outcome, and every fault has an ERROR span', () => {
  it('429: rate limited, streamed or not', async () => {
    const { client, spans, counts } = await serve({ rate429: 1 });
    await assert.rejects(ask(client, true, 0), RateLimitError);
    await assert.rejects(ask(client, false, 0), RateLimitError);
    const done = await spans(2);
    assert.equal(done.length, 2);
    for (const s of done) {
      assertFaultSpan(s, '429', '429');
      assert.equal(s.attributes[Attr.httpStatus], 429);
    }
    assert.deepEqual(await counts(), { 'user 429': 1, 'judge 429': 1 });
  });

  it('5xx: answered 503 with an OpenAI-shaped error', async () => {
    const { client, spans, counts } = await serve({ rate5xx: 1 });
    const err = await ask(client, true, 0).catch((e: unknown) => e);
    assert.ok(err instanceof InternalServerError);
    assert.equal(err.status, 503);
    assert.equal(err.type, 'ServiceUnavailableError');
    await assert.rejects(ask(client, false, 0), InternalServerError);
    for (const s of await spans(2)) assertFaultSpan(s, '5xx', '503');
    assert.deepEqual(await counts(), { 'user 5xx': 1, 'judge 5xx': 1 });
  });

  it('cut: a stream stops without [DONE], a plain answer never comes', async () => {
    const { client, spans, counts } = await serve({ rateCut: 1 });
    await assert.rejects(ask(client, true, 0));
    await assert.rejects(ask(client, false, 0), APIConnectionError);
    for (const s of await spans(2)) assertFaultSpan(s, 'cut', 'cut');
    assert.deepEqual(await counts(), { 'user cut': 1, 'judge cut': 1 });
  });

  it('garbage: a frame (or a body) that is not JSON, then the rest of the answer', async () => {
    const { sim, spans, counts } = await serve({ rateGarbage: 1 });
    const post = (body: unknown) =>
      fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const streamed = await (
      await post({ model: 'user', stream: true, messages: [{ role: 'system', content: 's' }] })
    ).text();
    const frames = streamed.split('\n\n').filter(Boolean);
    const broken = frames.filter((f) => {
      try {
        JSON.parse(f.slice('data: '.length));
        return false;
      } catch {
        return f !== 'data: [DONE]';
      }
    });
    assert.equal(broken.length, 1, 'one frame is not JSON');
    assert.equal(frames.at(-1), 'data: [DONE]', 'the stream goes on to [DONE]');
    const plain = await post({ model: 'judge', messages: [{ role: 'user', content: 'j' }] });
    assert.equal(plain.status, 200);
    await assert.rejects(plain.json(), SyntaxError);
    for (const s of await spans(2)) assertFaultSpan(s, 'garbage', 'garbage');
    assert.deepEqual(await counts(), { 'user garbage': 1, 'judge garbage': 1 });
  });

  it('no fault: ok, client_closed when the client gives up, and refused requests', async () => {
    const { sim, client, spans, counts } = await serve();
    assert.ok((await ask(client, true, 0)).length > 0);
    assert.ok((await ask(client, false, 0)).length > 0);
    // A client that stops reading after the first chunk and aborts.
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'user', messages: [{ role: 'system', content: 'abandoned' }], stream: true },
      { signal: controller.signal },
    );
    for await (const _ of stream) {
      controller.abort();
      break;
    }
    const post = (body: string) =>
      fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post(JSON.stringify({ model: 'user' }))).status, 400);
    assert.equal((await post(JSON.stringify({ model: 'gpt-nope', messages: [] }))).status, 404);

    const done = await spans(3);
    const outcomes = done.map((s) => s.attributes[Attr.simOutcome]).sort();
    assert.deepEqual(outcomes, [SimOutcome.clientClosed, SimOutcome.ok, SimOutcome.ok]);
    const closed = done.find((s) => s.attributes[Attr.simOutcome] === SimOutcome.clientClosed)!;
    assert.equal(closed.status.code, SpanStatusCode.ERROR);
    assert.equal(closed.attributes[Attr.simFault], undefined, 'no fault was injected');
    for (const s of done.filter((x) => x.attributes[Attr.simOutcome] === SimOutcome.ok)) {
      assert.equal(s.status.code, SpanStatusCode.UNSET);
      assert.equal(typeof s.attributes[Attr.latencyE2e], 'number');
    }
    assert.deepEqual(await counts(), {
      'user ok': 1,
      'judge ok': 1,
      'user client_closed': 1,
      ' bad_request': 1,
      'user bad_request': 1,
      ' not_found': 1,
    });
  });

  it('refuses fault rates that add up to more than 1', async () => {
    await assert.rejects(
      startSimServer({ seed: 1, models: {}, tasks: [], faults: { rateCut: 0.6, rateStall: 0.6 } }),
      /add up to more than 1/,
    );
  });
});
