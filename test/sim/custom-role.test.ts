import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI, { InternalServerError } from 'openai';
import { demoDomain } from '../../src/domains/demo/index.js';
import { planRun, runSettings } from '../../src/harness/session.js';
import type { SimRole, SimRoleRequest } from '../../src/sim/index.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { Attr, SimOutcome, SpanName } from '../../src/telemetry/names.js';
import { Tau2Error } from '../../src/util/errors.js';
import { memoryTracer } from '../otel.js';

const task = demoDomain.tasks.find((t) => t.expectedActions.length > 1)!;
const other = demoDomain.tasks.find((t) => t.userInstructions !== task.userInstructions)!;
const tools: OpenAI.Chat.ChatCompletionTool[] = demoDomain.tools.map((t) => ({
  type: 'function',
  function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
}));
const opening: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'policy' },
  { role: 'user', content: [{ type: 'text', text: task.userInstructions }] },
];

describe('simulated roles of your own', () => {
  let sim: SimServer;
  let client: OpenAI;
  const { tracer, exporter } = memoryTracer();
  const seen: SimRoleRequest[] = [];
  const draws: number[][] = [];
  /** The span `match` picks, once it ended (a request settles when the HTTP thread reports its end). */
  async function finished(match: (s: ReadableSpan) => boolean): Promise<ReadableSpan | undefined> {
    const find = () => exporter.getFinishedSpans().findLast(match);
    for (let i = 0; i < 200 && !find(); i++) await new Promise((r) => setTimeout(r, 10));
    return find();
  }

  const roles: Record<string, SimRole> = {
    echo(req) {
      seen.push(req);
      draws.push([req.random(), req.random()]);
      return { reasoning: 'Thinking it over.', text: `You said: ${req.messages.at(-1)?.text}` };
    },
    caller: () => ({
      toolCalls: [
        { name: 'get_order', arguments: { order_id: 'O1' } },
        { name: 'get_customer', arguments: '{"customer_id": "C1"}', id: 'call_mine' },
      ],
    }),
    copycat: (req) => req.builtIn('agent'),
    broken() {
      throw new Error('no idea');
    },
    confused: (req) => req.builtIn('agnet' as 'agent'),
    silent: () => ({}),
    eager: (async () => ({ text: 'later' })) as unknown as SimRole,
  };

  before(async () => {
    sim = await startSimServer({
      seed: 3,
      models: { agent: 'agent', ...roles },
      tasks: demoDomain.tasks,
      engine: { timeScale: 0.05 },
      tracer,
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  it('answer in words, with reasoning first, timed by the engine like any answer', async () => {
    const r = await client.chat.completions.create({ model: 'echo', messages: opening, tools });
    const message = r.choices[0]?.message as OpenAI.Chat.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    assert.equal(message.content, `You said: ${task.userInstructions}`);
    assert.equal(message.reasoning_content, 'Thinking it over.');
    assert.equal(r.choices[0]?.finish_reason, 'stop');
    const words = `Thinking it over. You said: ${task.userInstructions}`.split(/\s+/).length;
    assert.equal(r.usage?.completion_tokens, words);
    const span = await finished((s) => s.attributes[Attr.requestId] === r.id);
    assert.equal(span?.name, SpanName.llmRequest);
    assert.equal(span?.attributes[Attr.simOutcome], SimOutcome.ok);
    assert.equal(span?.attributes[Attr.genAiOutputTokens], words);
  });

  it('see the conversation as text, the tools offered, and the task it is about', async () => {
    seen.length = 0;
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...opening,
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_order', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'no order' },
    ];
    await client.chat.completions.create({ model: 'echo', messages, tools });
    const req = seen[0]!;
    assert.equal(req.model, 'echo');
    assert.deepEqual(
      req.messages.map((m) => [m.role, m.text]),
      messages.map((m) => [m.role, m === opening[1] ? task.userInstructions : (m.content ?? '')]),
    );
    assert.deepEqual(req.messages[2]?.toolCalls, [{ id: 'c1', name: 'get_order', arguments: '{}' }]);
    assert.equal(req.messages[3]?.toolCallId, 'c1');
    assert.deepEqual(
      req.toolNames,
      demoDomain.tools.map((t) => t.name),
    );
    assert.equal(req.task?.id, task.id, 'the task whose instructions the user stated');
  });

  it('are told the task the harness names in its baggage before the one the words state', async () => {
    seen.length = 0;
    const baggage = `${Attr.domain}=${other.domain},${Attr.taskId}=${encodeURIComponent(other.id)}`;
    await client.chat.completions.create({ model: 'echo', messages: opening }, { headers: { baggage } });
    assert.equal(seen[0]?.task?.id, other.id);
  });

  it('draw the same random numbers for the same conversation, whatever the order of requests', async () => {
    draws.length = 0;
    await client.chat.completions.create({ model: 'echo', messages: opening });
    await client.chat.completions.create({
      model: 'echo',
      messages: [...opening, { role: 'user', content: 'x' }],
    });
    await client.chat.completions.create({ model: 'echo', messages: opening });
    assert.deepEqual(draws[0], draws[2]);
    assert.notDeepEqual(draws[0], draws[1]);
  });

  it('stream several tool calls, each with its own index, id and arguments', async () => {
    const stream = await client.chat.completions.create({ model: 'caller', messages: opening, stream: true });
    const calls: { id?: string; name?: string; args: string }[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
        calls[d.index] ??= { args: '' };
        const call = calls[d.index]!;
        if (d.id) call.id = d.id;
        if (d.function?.name) call.name = d.function.name;
        call.args += d.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'tool_calls');
    assert.equal(calls.length, 2);
    assert.equal(calls[0]?.name, 'get_order');
    assert.match(calls[0]?.id ?? '', /^call_[0-9a-f]+$/);
    assert.deepEqual(JSON.parse(calls[0]!.args), { order_id: 'O1' });
    assert.deepEqual(calls[1], { id: 'call_mine', name: 'get_customer', args: '{"customer_id": "C1"}' });
  });

  it('can answer as a built-in role would, token for token', async () => {
    const ask = (model: string) => client.chat.completions.create({ model, messages: opening, tools });
    const [own, builtIn] = await Promise.all([ask('copycat'), ask('agent')]);
    assert.deepEqual(own.choices[0]?.message, builtIn.choices[0]?.message);
    assert.equal(own.usage?.completion_tokens, builtIn.usage?.completion_tokens);
  });

  for (const [model, words] of [
    ['broken', 'the simulated role of model "broken" failed: no idea'],
    ['confused', 'the simulated role of model "confused" failed: builtIn: "agnet" is not one of agent, user'],
    ['silent', 'the simulated role of model "silent" answered neither text nor tool calls'],
    ['eager', 'the simulated role of model "eager" answered a Promise (roles answer synchronously)'],
  ] as const) {
    it(`that fail are answered with a 500 naming the model (${model})`, async () => {
      const err = await client.chat.completions.create({ model, messages: opening }).catch((e: unknown) => e);
      assert.ok(err instanceof InternalServerError, String(err));
      assert.match(err.message, new RegExp(words.replace(/[()]/g, '\\$&')));
      const span = await finished((s) => s.attributes[Attr.genAiRequestModel] === model);
      assert.equal(span?.attributes[Attr.simOutcome], SimOutcome.internalError);
    });
  }
});

describe('roles the simulator refuses', () => {
  it('a model whose role is neither a function nor a built-in role’s name, before listening', async () => {
    await assert.rejects(
      startSimServer({ seed: 1, models: { m: 'agnet' as 'agent' }, tasks: [] }),
      /models: "m" plays "agnet" is neither a function nor one of agent, user, judge, expert/,
    );
  });

  it('roles of your own for a run that is not on the embedded simulator, or under no role’s name', async () => {
    const models = { agent: 'agent', user: 'user', judge: 'judge' } as const;
    const sim = await startSimServer({ seed: 1, models, tasks: [] });
    try {
      const url = `${sim.url}/v1`;
      const endpoints = runSettings({
        domains: ['demo'],
        ...{ agentBaseUrl: url, userBaseUrl: url, judgeBaseUrl: url },
        ...{ agentModel: 'agent', userLlm: 'user', judgeLlm: 'judge' },
        useModelTool: false,
      });
      const agent: SimRole = () => ({ text: 'hi' });
      await assert.rejects(planRun(endpoints, { simRoles: { agent }, env: {} }), (err: unknown) => {
        assert.ok(err instanceof Tau2Error);
        assert.equal(err.field, 'simRoles');
        assert.match(err.message, /played by the embedded simulated server, and this run has endpoints/);
        return true;
      });
      const typo = { agnet: agent } as never;
      await assert.rejects(planRun(runSettings({ domains: ['demo'] }), { simRoles: typo }), {
        message: 'simRoles: agnet is not one of agent, user, judge, expert',
      });
    } finally {
      await sim.close();
    }
  });
});
