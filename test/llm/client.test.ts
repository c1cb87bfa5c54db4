import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { metrics, ROOT_CONTEXT } from '@opentelemetry/api';
import { type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { createLlmClient, type LlmClient } from '../../src/llm/client.js';
import { LlmError } from '../../src/llm/errors.js';
import { createGenAiInstruments, type GenAiInstruments } from '../../src/telemetry/metrics.js';
import { Attr, Kind, LatestMetricName, SpanName } from '../../src/telemetry/names.js';
import type { GenAiConvention } from '../../src/telemetry/semconv.js';
import { closedPort } from '../helpers.js';
import { memoryTracer } from '../otel.js';
import { chunk, type Script, scriptedServer, usage, usageWithCache } from './scripted-server.js';

const instruments = createGenAiInstruments(metrics.getMeter('test'));
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function setup(
  scripts: Script[],
  options: { idleTimeoutMs?: number; maxAttempts?: number; instruments?: GenAiInstruments } = {},
) {
  const server = await scriptedServer(scripts);
  const { tracer, exporter } = memoryTracer();
  const client: LlmClient = createLlmClient({
    config: { models: { m: [{ baseURL: server.baseURL, provider: 'vllm' }] }, expertMapping: {} },
    tracer,
    instruments: options.instruments ?? instruments,
    runId: 'test-run',
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: options.maxAttempts ?? 5 },
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  cleanup.push(
    () => client.close(),
    () => server.close(),
  );
  const call = () =>
    client.chat(
      { kind: Kind.llmCall, model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      ROOT_CONTEXT,
    );
  const spans = () => exporter.getFinishedSpans();
  const chatSpan = () => spans().find((s) => s.name === `${SpanName.chatPrefix}m`)!;
  return { server, call, spans, chatSpan };
}

const ok = (first: [number, object][], finish = 'stop'): Script => ({
  frames: [
    ...first.map(([d, delta]): [number, string] => [d, chunk(delta)]),
    [5, chunk({}, finish)],
    [0, usage(12, 3)],
  ],
});

describe('LLM client timing', () => {
  it('content-first: TTFT is the first chunk with content, not the role-only chunk', async () => {
    const t = await setup([
      ok([
        [0, { role: 'assistant', content: '' }],
        [60, { content: 'Hel' }],
        [20, { content: 'lo' }],
      ]),
    ]);
    const r = await t.call();
    assert.equal(r.content, 'Hello');
    assert.ok(r.ttftMs! >= 55 && r.ttftMs! < 200, `ttft ${r.ttftMs}`);
    assert.ok(r.decodeMs! >= 20 && r.decodeMs! < 150, `decode ${r.decodeMs}`);
    assert.equal(r.inputTokens, 12);
    assert.equal(r.outputTokens, 3);
    const span = t.chatSpan();
    assert.equal(span.attributes[Attr.ttftMs], r.ttftMs);
    assert.equal(span.attributes[Attr.genAiTtfc], r.ttftMs! / 1000);
    assert.equal(span.attributes[Attr.genAiInputTokens], 12);
    assert.deepEqual(span.attributes[Attr.genAiFinishReasons], ['stop']);
    const children = t.spans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);
    assert.deepEqual(children.map((s) => s.name).sort(), [SpanName.decode, SpanName.prefill]);
    const prefill = children.find((s) => s.name === SpanName.prefill)!;
    const ms = (s: typeof prefill) =>
      (s.endTime[0] - s.startTime[0]) * 1e3 + (s.endTime[1] - s.startTime[1]) / 1e6;
    assert.ok(Math.abs(ms(prefill) - r.ttftMs!) < 1, 'prefill span lasts the TTFT');
  });

  it('tool-call-only: TTFT is the first tool_calls delta', async () => {
    const t = await setup([
      ok(
        [
          [
            50,
            {
              role: 'assistant',
              tool_calls: [
                { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
              ],
            },
          ],
          [10, { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }],
        ],
        'tool_calls',
      ),
    ]);
    const r = await t.call();
    assert.deepEqual(r.toolCalls, [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }]);
    assert.ok(r.ttftMs! >= 45 && r.ttftMs! < 200, `ttft ${r.ttftMs}`);
    assert.equal(t.chatSpan().attributes[Attr.hasToolCalls], true);
  });

  it('reasoning-first: TTFT is the first reasoning_content delta', async () => {
    const t = await setup([
      ok([
        [40, { role: 'assistant', reasoning_content: 'think' }],
        [80, { content: 'answer' }],
      ]),
    ]);
    const r = await t.call();
    assert.equal(r.reasoning, 'think');
    assert.ok(
      r.ttftMs! >= 35 && r.ttftMs! < 100,
      `ttft ${r.ttftMs} should be the reasoning chunk, not content`,
    );
  });

  it('injects the chat span as traceparent', async () => {
    const t = await setup([ok([[0, { content: 'x' }]])]);
    await t.call();
    const ctx = t.chatSpan().spanContext();
    assert.equal(t.server.seen[0]?.traceparent, `00-${ctx.traceId}-${ctx.spanId}-01`);
  });
});

describe('LLM client and the GenAI conventions', () => {
  class Reader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const cachedReply = (cached: number): Script => ({
    frames: [
      [0, chunk({ content: 'x' })],
      [0, chunk({}, 'stop')],
      [0, usageWithCache(12, 3, cached)],
    ],
  });
  async function callWith(convention: GenAiConvention, cached: number) {
    const reader = new Reader();
    const provider = new MeterProvider({ readers: [reader] });
    const t = await setup([cachedReply(cached)], {
      instruments: createGenAiInstruments(provider.getMeter('t'), convention),
    });
    const r = await t.call();
    const { resourceMetrics } = await reader.collect();
    const recorded = new Map(
      resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics).map((m) => [m.descriptor.name, m]),
    );
    await provider.shutdown();
    return { r, span: t.chatSpan(), recorded };
  }

  it('reads the cached prompt tokens of the usage and puts them on the span under either conventions', async () => {
    const v141 = await callWith('v1.41', 8);
    assert.equal(v141.r.cachedInputTokens, 8);
    assert.equal(v141.span.attributes[Attr.genAiCacheReadInputTokens], 8);
    const latest = await callWith('latest', 8);
    assert.equal(latest.span.attributes[Attr.genAiCacheReadInputTokens], 8);
    assert.equal(latest.span.attributes[Attr.genAiInputTokens], 12);
    // A reported 0 is a miss, not an unknown: it stays on the span.
    const none = await callWith('latest', 0);
    assert.equal(none.span.attributes[Attr.genAiCacheReadInputTokens], 0);
  });

  it('leaves the cached tokens off the span when the server does not report them', async () => {
    const t = await setup([ok([[0, { content: 'x' }]])]);
    const r = await t.call();
    assert.equal(r.cachedInputTokens, undefined);
    assert.equal(t.chatSpan().attributes[Attr.genAiCacheReadInputTokens], undefined);
  });

  it('records the call into the latest metrics with its response model, tokens and cached tokens', async () => {
    const { recorded } = await callWith('latest', 8);
    const cache = recorded.get(LatestMetricName.usageCacheReadInputTokens)!;
    assert.equal(cache.dataPoints[0]!.value, 8);
    assert.equal(cache.dataPoints[0]!.attributes[Attr.genAiResponseModel], 'm');
    assert.equal(cache.dataPoints[0]!.attributes[Attr.runId], 'test-run');
    const perCall = recorded.get(LatestMetricName.operationInputTokens)!;
    assert.equal((perCall.dataPoints[0]!.value as Histogram).sum, 12);
    assert.equal(recorded.get(LatestMetricName.timeToFirstChunk)?.dataPoints.length, 1);
  });
});

describe('LLM client retries', () => {
  it('records each failed attempt as its own span and succeeds', async () => {
    const t = await setup([{ status: 503 }, { status: 429 }, ok([[0, { content: 'x' }]])]);
    const r = await t.call();
    assert.equal(r.content, 'x');
    const span = t.chatSpan();
    assert.equal(span.attributes[Attr.attempts], 3);
    const attempts = t.spans().filter((s) => s.name === SpanName.attempt);
    assert.deepEqual(
      attempts.map((s) => s.attributes[Attr.errorType]),
      ['503', '429'],
    );
    for (const a of attempts) assert.equal(a.parentSpanContext?.spanId, span.spanContext().spanId);
    assert.equal(t.server.seen.length, 3);
  });

  it('retries a stream cut mid-way and a frame that is not JSON', async () => {
    const t = await setup([
      { frames: [[0, chunk({ content: 'a' })]], cut: true },
      {
        frames: [
          [0, chunk({ content: 'a' })],
          [0, '{not json'],
        ],
      },
      ok([[0, { content: 'b' }]]),
    ]);
    const r = await t.call();
    assert.equal(r.content, 'b');
    const types = t
      .spans()
      .filter((s) => s.name === SpanName.attempt)
      .map((s) => s.attributes[Attr.errorType]);
    assert.equal(types.length, 2);
    assert.ok(['stream_truncated', 'connection_error'].includes(String(types[0])), String(types[0]));
    assert.equal(types[1], 'invalid_response');
  });

  it('retries a stream that ends without a finish reason', async () => {
    const t = await setup([{ frames: [[0, chunk({ content: 'a' })]] }, ok([[0, { content: 'b' }]])]);
    await t.call();
    assert.deepEqual(
      t
        .spans()
        .filter((s) => s.name === SpanName.attempt)
        .map((s) => s.attributes[Attr.errorType]),
      ['stream_truncated'],
    );
  });

  it('times out a stalled stream and retries', async () => {
    const t = await setup(
      [
        {
          frames: [
            [0, chunk({ content: 'a' })],
            [6000, chunk({ content: 'late' })],
          ],
        },
        ok([[0, { content: 'b' }]]),
      ],
      // Long enough that the retry's own first chunk arrives in time on a loaded 2-core machine (400 ms did
      // not, 3 runs in 4 at load 10), short enough to end well before the stalled stream's late chunk.
      { idleTimeoutMs: 1500 },
    );
    const r = await t.call();
    assert.equal(r.content, 'b');
    assert.deepEqual(
      t
        .spans()
        .filter((s) => s.name === SpanName.attempt)
        .map((s) => s.attributes[Attr.errorType]),
      ['timeout'],
    );
  });

  it('does not retry a 400 and marks the call failed', async () => {
    const t = await setup([{ status: 400 }, ok([[0, { content: 'never' }]])]);
    await assert.rejects(t.call(), (e: unknown) => e instanceof LlmError && e.status === 400 && !e.retryable);
    assert.equal(t.server.seen.length, 1);
    const span = t.chatSpan();
    assert.equal(span.attributes[Attr.errorType], '400');
    assert.equal(span.status.code, 2);
  });

  it('gives up after maxAttempts on a refused connection, naming the URL', async () => {
    const { tracer } = memoryTracer();
    const port = await closedPort();
    const client = createLlmClient({
      config: {
        models: { m: [{ baseURL: `http://127.0.0.1:${port}/v1`, provider: 'vllm' }] },
        expertMapping: {},
      },
      tracer,
      instruments,
      runId: 'r',
      retry: { baseDelayMs: 1, maxAttempts: 2 },
    });
    cleanup.push(() => client.close());
    await assert.rejects(
      client.chat(
        { kind: Kind.llmCall, model: 'm', messages: [{ role: 'user', content: 'x' }] },
        ROOT_CONTEXT,
      ),
      (e: unknown) =>
        e instanceof LlmError && e.type === 'connection_refused' && e.message.includes(`127.0.0.1:${port}`),
    );
  });
});

describe('LLM client: a request with its own wire body', () => {
  // The ToolOrchestra fork's shape: tool_calls null, a name beside function, router fields, its sampling.
  const body = {
    messages: [
      { role: 'user', content: 'hi \u00e9' },
      { role: 'assistant', content: 'x', tool_calls: null },
    ],
    model: 'm',
    max_tokens: 8000,
    temperature: 1,
    stream: true,
    stream_options: { include_usage: true },
    job_id: 'tau2:mock:t:0123abcd',
    is_last_step: false,
  };

  it('goes on the wire unchanged, and the stream’s content and reasoning are kept in arrival order', async () => {
    const { server } = await setup([
      ok([
        [1, { reasoning_content: 'think ' }],
        [1, { content: 'say ' }],
        [1, { reasoning_content: 'more ' }],
        [1, { content: 'done' }],
      ]),
    ]);
    const { tracer } = memoryTracer();
    const client = createLlmClient({
      config: { models: { m: [{ baseURL: server.baseURL, provider: 'vllm' }] }, expertMapping: {} },
      tracer,
      instruments,
      runId: 'test-run',
    });
    cleanup.push(() => client.close());
    const r = await client.chat(
      { kind: Kind.llmCall, model: 'm', messages: [], body, temperature: 0, maxTokens: 1 },
      ROOT_CONTEXT,
    );
    assert.equal(server.bodies[0], JSON.stringify(body));
    assert.equal(r.arrivalText, 'think say more done');
    assert.deepEqual([r.content, r.reasoning], ['say done', 'think more ']);
  });

  it('without stream: true it is sent as is, not streamed (no stream key added)', async () => {
    const { stream: _s, stream_options: _o, ...plain } = body;
    const completion = {
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    };
    const received: string[] = [];
    const srv = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => parts.push(b));
      req.on('end', () => {
        received.push(Buffer.concat(parts).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => srv.close(() => r())));
    const { port } = srv.address() as AddressInfo;
    const { tracer } = memoryTracer();
    const client = createLlmClient({
      config: {
        models: { m: [{ baseURL: `http://127.0.0.1:${port}/v1`, provider: 'vllm' }] },
        expertMapping: {},
      },
      tracer,
      instruments,
      runId: 'test-run',
    });
    cleanup.push(() => client.close());
    const r = await client.chat(
      { kind: Kind.expertCall, model: 'm', messages: [], body: plain },
      ROOT_CONTEXT,
    );
    assert.equal(received[0], JSON.stringify(plain));
    assert.equal(r.content, 'ok');
    assert.equal(r.arrivalText, undefined);
  });
});

describe('LLM client endpoints', () => {
  it('spreads calls over all endpoints of a model', async () => {
    const scripts = () => Array.from({ length: 20 }, () => ok([[0, { content: 'x' }]]));
    const a = await scriptedServer(scripts());
    const b = await scriptedServer(scripts());
    const { tracer } = memoryTracer();
    const client = createLlmClient({
      config: {
        models: {
          m: [
            { baseURL: a.baseURL, provider: 'vllm' },
            { baseURL: b.baseURL, provider: 'vllm' },
          ],
        },
        expertMapping: {},
      },
      tracer,
      instruments,
      runId: 'r',
      seed: 3,
    });
    cleanup.push(
      () => client.close(),
      () => a.close(),
      () => b.close(),
    );
    for (let i = 0; i < 20; i++) {
      await client.chat(
        { kind: Kind.llmCall, model: 'm', messages: [{ role: 'user', content: 'x' }] },
        ROOT_CONTEXT,
      );
    }
    assert.equal(a.seen.length + b.seen.length, 20);
    assert.ok(a.seen.length >= 3 && b.seen.length >= 3, `split ${a.seen.length}/${b.seen.length}`);
  });
});
