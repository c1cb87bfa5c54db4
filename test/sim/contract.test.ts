import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { NotFoundError } from 'openai';
import { demoDomain } from '../../src/domains/demo/index.js';
import { callExpertTool } from '../../src/domains/protocol.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

const task = demoDomain.tasks.find((t) => t.expectedActions.length > 0)!;
const tools: OpenAI.Chat.ChatCompletionTool[] = [...demoDomain.tools, callExpertTool].map((t) => ({
  type: 'function',
  function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
}));

describe('simulated server against the real openai client', () => {
  let sim: SimServer;
  let client: OpenAI;
  const { tracer, exporter } = memoryTracer();

  before(async () => {
    sim = await startSimServer({
      seed: 7,
      models: { agent: 'agent', user: 'user', judge: 'judge', expert: 'expert' },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.1 },
      tracer,
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  it('streams tool calls with usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'agent',
      messages: [
        { role: 'system', content: 'policy' },
        { role: 'user', content: task.userInstructions },
      ],
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const name = deltas.find((d) => d.function?.name)?.function?.name;
    assert.ok(deltas[0]?.id?.startsWith('call_'), 'the first tool-call delta carries the call id');
    const args = JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join('')) as Record<
      string,
      unknown
    >;
    const first = task.expectedActions[0]!;
    if (name === first.name) assert.deepEqual(args, first.arguments);
    else assert.equal(name, callExpertTool.name);
    const finish = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
    assert.deepEqual(finish, ['tool_calls']);
    const usage = chunks[chunks.length - 1]!;
    assert.deepEqual(usage.choices, []);
    assert.ok(usage.usage && usage.usage.prompt_tokens > 0);
    // One chunk per generated token, plus the finish chunk and the usage chunk.
    assert.equal(usage.usage?.completion_tokens, chunks.length - 2);
  });

  it('answers without streaming (the judge)', async () => {
    const res = await client.chat.completions.create({
      model: 'judge',
      messages: [
        { role: 'user', content: 'judge this <assertions>\n1. The agent was polite\n</assertions>' },
      ],
    });
    const parsed = JSON.parse(res.choices[0]!.message.content!) as { results: { metExpectation: boolean }[] };
    assert.equal(parsed.results.length, 1);
    assert.equal(parsed.results[0]!.metExpectation, true);
    assert.equal(res.choices[0]!.finish_reason, 'stop');
    assert.ok(res.usage!.completion_tokens > 0);
  });

  it('streams reasoning_content before content for some expert answers', async () => {
    let reasoningFirst = 0;
    for (let i = 0; i < 8; i++) {
      const stream = await client.chat.completions.create({
        model: 'expert',
        messages: [{ role: 'user', content: `question ${i}` }],
        stream: true,
      });
      let first: string | undefined;
      for await (const c of stream) {
        const d = c.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
        first ??= d?.reasoning_content ? 'reasoning' : d?.content ? 'content' : undefined;
      }
      if (first === 'reasoning') reasoningFirst++;
    }
    assert.ok(reasoningFirst > 0 && reasoningFirst < 8, `reasoning first in ${reasoningFirst}/8`);
  });

  it('honours max_tokens with finish_reason length', async () => {
    const res = await client.chat.completions.create({
      model: 'expert',
      messages: [{ role: 'user', content: 'long answer please' }],
      max_tokens: 3,
    });
    assert.equal(res.choices[0]!.finish_reason, 'length');
    assert.equal(res.usage!.completion_tokens, 3);
  });

  it("rejects an unknown model with 404 and vLLM's error body", async () => {
    const err = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.message, '404 The model `nope` does not exist.');
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {
      error: { message: 'The model `x` does not exist.', type: 'NotFoundError', code: 404 },
    });
  });

  it("lists the served models in OpenAI's shape on /v1/models", async () => {
    const res = await fetch(`${sim.url}/v1/models`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; data: Record<string, unknown>[] };
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.map((m) => m.id).sort(), ['agent', 'expert', 'judge', 'user']);
    for (const m of body.data) {
      assert.equal(m.object, 'model');
      assert.equal(typeof m.created, 'number');
      assert.equal(typeof m.owned_by, 'string');
    }
  });

  it('serves /v1/models, /health and vLLM metrics', async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id).sort(), ['agent', 'expert', 'judge', 'user']);
    assert.equal((await fetch(`${sim.url}/health`)).status, 200);
    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    for (const name of [
      'vllm:time_to_first_token_seconds_bucket',
      'vllm:request_queue_time_seconds_bucket',
      'vllm:e2e_request_latency_seconds_bucket',
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
    ]) {
      assert.match(metrics, new RegExp(`^${name}\\{[^}]*model_name="`, 'm'), name);
    }
  });

  it('nests its llm_request span under the caller traceparent', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    await client.chat.completions.create(
      { model: 'user', messages: [{ role: 'system', content: 'x' }] },
      { headers: { traceparent: `00-${traceId}-${parentId}-01` } },
    );
    // The server ends its span when its HTTP thread reports the response finished: shortly after the
    // client has the answer.
    const find = () =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === SpanName.llmRequest && s.spanContext().traceId === traceId);
    for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 10));
    const span = find();
    assert.ok(span, 'llm_request span with the caller trace id');
    assert.equal(span.parentSpanContext?.spanId, parentId);
    for (const key of [Attr.latencyTimeInQueue, Attr.latencyPrefill, Attr.latencyDecode, Attr.latencyTtft]) {
      assert.equal(typeof span.attributes[key], 'number', key);
    }
  });
});
