import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { demoDomain } from '../../src/domains/demo/index.js';
import { createEngine, defaultEngineConfig, type Engine } from '../../src/sim/engine.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { blockHashes, PrefixCache, promptTextOf } from '../../src/sim/prefix-cache.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';

/** Text of `tokens` tokens (four characters each) that no other call of `text` shares a block with. */
const text = (tag: string, tokens: number) => tag.padEnd(4, '.').repeat(tokens);

describe('prefix cache', () => {
  it('names a block by its whole prefix: equal blocks after different prefixes differ', () => {
    const a = blockHashes(text('a', 16) + text('c', 16), 16);
    const b = blockHashes(text('b', 16) + text('c', 16), 16);
    assert.equal(a.length, 2);
    assert.notEqual(a[1], b[1]);
    assert.deepEqual(
      blockHashes(text('a', 16) + text('c', 16) + 'tail', 16),
      a,
      'partial blocks are left out',
    );
  });

  it('hits the leading cached blocks of a longer prompt, and keeps a token to compute', () => {
    const cache = new PrefixCache(16, 100);
    const first = blockHashes(text('x', 64), 16);
    assert.equal(cache.match(first, 64), 0);
    cache.insert(first);
    const next = blockHashes(text('x', 64) + text('y', 40), 16);
    assert.equal(cache.match(next, 104), 64);
    // The same prompt again: cached whole, so its last block is prefilled again, as vLLM does.
    assert.equal(cache.match(first, 64), 48);
  });

  it('evicts the least recently used blocks beyond its capacity', () => {
    const cache = new PrefixCache(16, 4);
    const a = blockHashes(text('a', 32), 16);
    const b = blockHashes(text('b', 32), 16);
    const c = blockHashes(text('c', 32), 16);
    cache.insert(a);
    cache.insert(b);
    assert.equal(cache.match(a, 100), 32, 'a touched: b is now the oldest');
    cache.insert(c);
    assert.equal(cache.size, 4);
    assert.equal(cache.match(b, 100), 0, 'b evicted');
    assert.equal(cache.match(a, 100), 32);
    assert.equal(cache.match(c, 100), 32);
  });

  it('lays the prompt out tools first, so a conversation step extends the previous one', () => {
    const step1 = { messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't' }] };
    const step2 = { ...step1, messages: [...step1.messages, { role: 'assistant', content: 'hello' }] };
    assert.ok(promptTextOf(step2).startsWith(promptTextOf(step1)));
  });
});

/** Runs one sequence; resolves with the cached tokens it was scheduled with and its prefill time (ms). */
function run(engine: Engine, prompt: string): Promise<{ cached: number; prefillMs: number }> {
  const tokens = prompt.length / 4;
  return new Promise((resolve) => {
    let scheduled = 0;
    let cached = -1;
    engine.submit(
      tokens,
      1,
      {
        onScheduled: (now, c) => {
          scheduled = now;
          cached = c;
        },
        onToken: () => {},
        onFinished: (now) => resolve({ cached, prefillMs: now - scheduled }),
      },
      engine.blockSize ? blockHashes(prompt, engine.blockSize) : [],
    );
  });
}

describe('engine with a prefix cache', () => {
  const config = {
    ...defaultEngineConfig,
    prefillPerTokenMs: 0.02,
    stepBaseMs: 1,
    maxBatchedTokens: 100_000,
  };

  it('skips the prefill of a repeated prefix', async () => {
    const engine = createEngine(config);
    try {
      const prefix = text('p', 4000);
      const cold = await run(engine, prefix + text('q', 16));
      const warm = await run(engine, prefix + text('r', 16));
      assert.equal(cold.cached, 0);
      assert.equal(warm.cached, 4000);
      // 4016 tokens at 0.02 ms is 80 ms; 16 tokens is 0.3 ms on top of a 1 ms step. Timers fire late, never
      // early, so the cold bound holds under load; the warm one leaves 70 ms of slack for a busy machine.
      assert.ok(cold.prefillMs >= 80, `cold prefill ${cold.prefillMs} ms`);
      assert.ok(warm.prefillMs < cold.prefillMs - 40, `warm ${warm.prefillMs} ms, cold ${cold.prefillMs} ms`);
      // The 250 blocks of the shared prefix, and one tail block of each prompt.
      assert.equal(engine.cachedBlocks(), 252);
    } finally {
      engine.close();
    }
  });

  it('caches nothing when turned off', async () => {
    const engine = createEngine({ ...config, prefixCaching: false });
    try {
      const prompt = text('p', 400);
      await run(engine, prompt);
      assert.equal((await run(engine, prompt)).cached, 0);
      assert.equal(engine.blockSize, 0);
      assert.equal(engine.cachedBlocks(), 0);
    } finally {
      engine.close();
    }
  });
});

describe('cached tokens on the wire, the span and /metrics', () => {
  let sim: SimServer;
  let client: OpenAI;
  const { tracer, exporter } = memoryTracer();
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'policy '.repeat(400) },
    { role: 'user', content: demoDomain.tasks[0]!.userInstructions },
  ];

  before(async () => {
    sim = await startSimServer({
      seed: 7,
      models: { user: 'user' },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.1 },
      tracer,
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  async function usageOf(msgs: OpenAI.Chat.ChatCompletionMessageParam[]): Promise<OpenAI.CompletionUsage> {
    const stream = await client.chat.completions.create({
      model: 'user',
      messages: msgs,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) usage = c.usage ?? usage;
    assert.ok(usage, 'a usage chunk');
    return usage;
  }

  it('reports the cached prefix of the next step in usage.prompt_tokens_details.cached_tokens', async () => {
    const first = await usageOf(messages);
    assert.equal(first.prompt_tokens_details?.cached_tokens, 0);
    const second = await usageOf([...messages, { role: 'assistant', content: 'ok' }]);
    const cached = second.prompt_tokens_details?.cached_tokens ?? 0;
    // The first prompt's full blocks, all but the partial one: a multiple of the block size.
    assert.ok(cached >= 700 && cached < second.prompt_tokens, `cached ${cached} of ${second.prompt_tokens}`);
    assert.equal(cached % 16, 0);

    const spans = () => exporter.getFinishedSpans().filter((s) => s.name === SpanName.llmRequest);
    for (let i = 0; i < 100 && spans().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const cachedOnSpans = spans().map((s) => s.attributes[Attr.genAiCacheReadInputTokens]);
    assert.deepEqual(cachedOnSpans, [0, cached]);

    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}\\{[^}]*model_name="user"[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.equal(value('vllm:prefix_cache_hits_total'), cached);
    assert.equal(value('vllm:prefix_cache_queries_total'), first.prompt_tokens + second.prompt_tokens);
  });
});
