/**
 * A faithful tau2 domain played as tau2 plays it: every mock task against the simulated server (in process,
 * through the real openai client), the requests the models get compared with tau2's goldens, and a model's
 * tool-call arguments read as Python reads them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Context } from '@opentelemetry/api';
import OpenAI from 'openai';
import { STOP } from '../../src/domains/protocol.js';
import { resolveDomains } from '../../src/domains/registry.js';
import type { Domain, Task } from '../../src/domains/types.js';
import { runTrial } from '../../src/harness/orchestrator.js';
import type { ChatRequest, ChatResult } from '../../src/llm/client.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { repoRoot, tau2DataDir } from '../helpers.js';
import { memoryTracer } from '../otel.js';
import { chatResult, trialSettings } from './fixtures.js';

const fixtures = join(repoRoot, 'test/fixtures/tau2');
const golden = (file: string) => JSON.parse(readFileSync(join(fixtures, file), 'utf8'));

const settings = trialSettings({ expertMapping: { 'expert-1': 'expert' } });

type Chat = (request: ChatRequest, parent: Context, signal?: AbortSignal) => Promise<ChatResult>;

const result = chatResult;

/** `chat` over a plain openai client (no streaming), recording every request the orchestrator makes. */
function clientChat(client: OpenAI, seen: ChatRequest[]): Chat {
  return async (request) => {
    seen.push(structuredClone(request));
    const r = await client.chat.completions.create({
      model: request.model,
      messages: request.messages,
      ...(request.tools ? { tools: request.tools } : {}),
      stream: false,
    });
    const m = r.choices[0]!.message;
    const calls = (m.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
    );
    return result(m.content ?? '', calls);
  };
}

function mockDomain(): Domain {
  return resolveDomains(['mock'], { dataDir: tau2DataDir })[0]!;
}

describe('a faithful domain played against the simulated models', () => {
  const domain = mockDomain();
  let sim: SimServer;
  let client: OpenAI;
  before(async () => {
    sim = await startSimServer({
      seed: 3,
      models: { agent: 'agent', user: 'user', judge: 'judge', expert: 'expert' },
      tasks: domain.tasks,
      engine: { timeScale: 0.02 },
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  const play = async (taskId: string, seen: ChatRequest[] = []) => {
    const { tracer } = memoryTracer();
    const task = domain.tasks.find((t) => t.id === taskId)!;
    const r = await runTrial({ domain, task, trial: 0, settings, tracer, chat: clientChat(client, seen) });
    return { result: r, seen };
  };

  it('plays every one of mock’s 10 tasks, none skipped, scored by tau2’s rules', async () => {
    assert.ok(domain.tau2, 'mock is played by its faithful port');
    const ids = golden('mock_prompts.json').user_system_prompts.map((p: { task_id: string }) => p.task_id);
    assert.deepEqual(
      domain.tasks.map((t) => t.id),
      ids,
    );
    assert.equal(ids.length, 10);
    for (const id of ids) {
      const { result: r } = await play(id);
      const transfer = id === 'impossible_task_1';
      assert.equal(r.termination_reason, transfer ? 'user_transfer' : 'user_stop', `${id}: ${r.error ?? ''}`);
      // tau2 scores even its own gold trajectory of update_task_with_user_tools 0 (mock_eval.jsonl): the env
      // assertion wants a dismissed notification, the gold database has none.
      const contradictory = id === 'update_task_with_user_tools';
      assert.equal(r.reward, contradictory ? 0 : 1, `${id}: ${JSON.stringify(r.evaluation)}`);
      if (contradictory) {
        assert.deepEqual(
          r.evaluation.map((p) => [p.name, p.score]),
          [
            ['db', 1],
            ['env_assertion', 0],
            ['action', 1],
          ],
        );
      }
      assert.equal(r.tool_errors, 0, id);
    }
  });

  it('sends the agent tau2’s system prompt, greeting and tool schemas, and the user tau2’s prompt', async () => {
    const prompts = golden('mock_prompts.json');
    const schemas = golden('mock_schemas.json');
    const { seen } = await play('create_task_1');
    const agent = seen.find((r) => r.kind === 'llm_call')!;
    assert.deepEqual(agent.messages[0], { role: 'system', content: prompts.agent_system_prompt });
    assert.deepEqual(agent.messages[1], { role: 'assistant', content: 'Hi! How can I help you today?' });
    assert.equal(agent.messages[2]!.role, 'user');
    assert.deepEqual(JSON.parse(JSON.stringify(agent.tools)), schemas.agent);
    assert.equal(agent.temperature, 0);
    const user = seen.find((r) => r.kind === 'user_sim')!;
    const expected = prompts.user_system_prompts.find(
      (p: { task_id: string }) => p.task_id === 'create_task_1',
    );
    assert.deepEqual(user.messages, [
      { role: 'system', content: expected.system_prompt },
      { role: 'user', content: 'Hi! How can I help you today?' },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(user.tools)), schemas.user);
  });

  it('starts from a task’s message history: the agent gets all of it, the user its side', async () => {
    const { seen, result: r } = await play('update_task_with_message_history');
    assert.equal(r.reward, 1, JSON.stringify(r.evaluation));
    const user = seen.find((q) => q.kind === 'user_sim')!;
    assert.deepEqual(
      user.messages.slice(1).map((m) => [m.role, m.content]),
      [
        ['assistant', 'I need to create a task for the project review meeting.'],
        [
          'user',
          "I've created a task titled 'Project Review' for you. The task has been created with ID task_2 and is currently in pending status.",
        ],
      ],
    );
    const agent = seen.find((q) => q.kind === 'llm_call')!;
    assert.deepEqual(
      agent.messages.slice(1, 5).map((m) => m.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
    // tau2 sends the history's arguments back through json.dumps: Python's separators.
    const call = (agent.messages[2] as OpenAI.Chat.ChatCompletionAssistantMessageParam).tool_calls![0]!;
    assert.equal(
      call.type === 'function' ? call.function.arguments : '',
      '{"user_id": "user_1", "title": "Project Review", "description": "Review Q4 project status"}',
    );
  });
});

describe('user actions (telecom style): the agent asks, the simulated user calls its own tool', () => {
  const domain = mockDomain();
  // mock has no expected user action; this task of it gets two, around the agent's own action.
  const base = domain.tasks.find((t) => t.id === 'update_task_with_user_tools')!;
  const task: Task = {
    ...base,
    expectedActions: [
      { name: 'check_notifications', arguments: {}, requestor: 'user', argumentsJson: '{}' },
      base.expectedActions[0]!,
      {
        name: 'dismiss_notification',
        arguments: { notification_id: 'notif_1' },
        requestor: 'user',
        argumentsJson: '{"notification_id": "notif_1"}',
      },
    ],
  };
  let sim: SimServer;
  let client: OpenAI;
  before(async () => {
    sim = await startSimServer({
      seed: 5,
      models: { agent: 'agent', user: 'user', judge: 'judge', expert: 'expert' },
      tasks: [task],
      engine: { timeScale: 0.02 },
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  it('runs the user tool calls with requestor user and their results reach only the user', async () => {
    const seen: ChatRequest[] = [];
    const { tracer } = memoryTracer();
    const r = await runTrial({
      domain: { ...domain, tasks: [task] },
      task,
      trial: 0,
      settings,
      tracer,
      chat: clientChat(client, seen),
    });
    assert.equal(r.termination_reason, 'user_stop', r.error);
    // Scored by the task's own criteria: the dismissal meets the env assertion, and changes the user's
    // database away from the gold one, which has no dismissal.
    assert.deepEqual(
      r.evaluation.map((p) => [p.name, p.score]),
      [
        ['db', 0],
        ['env_assertion', 1],
        ['action', 1],
      ],
    );
    assert.equal(r.tool_calls, 3);
    assert.equal(r.tool_errors, 0);
    const lastUser = seen.filter((q) => q.kind === 'user_sim').at(-1)!;
    const userCalls = lastUser.messages.flatMap((m) =>
      m.role === 'assistant' && m.tool_calls
        ? m.tool_calls.map((c) => (c.type === 'function' ? c.function.name : ''))
        : [],
    );
    assert.deepEqual(userCalls, ['check_notifications', 'dismiss_notification']);
    const userResults = lastUser.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.equal(userResults.length, 2);
    assert.match(userResults[0]!, /notif_1/);
    const lastAgent = seen.filter((q) => q.kind === 'llm_call').at(-1)!;
    assert.equal(
      lastAgent.messages.filter((m) => m.role === 'tool').length,
      1,
      'the agent sees only its own call',
    );
  });
});

describe('tool-call arguments as tau2 reads them', () => {
  const domain = mockDomain();
  const task = domain.tasks.find((t) => t.id === 'update_task_1')!;

  /** The agent makes one call with `args`, then the user stops; returns the tool message the agent got. */
  async function toolMessage(args: string) {
    const seen: ChatRequest[] = [];
    const chat: Chat = async (request) => {
      seen.push(structuredClone(request));
      if (request.kind === 'user_sim')
        return result(request.messages.length > 2 ? STOP : 'Please update task_1.');
      if (request.kind === 'evaluator') return result('{"results": []}');
      const called = request.messages.some((m) => m.role === 'tool');
      return called
        ? result('Done.')
        : result('', [{ id: 'c1', name: 'update_task_status', arguments: args }]);
    };
    const { tracer } = memoryTracer();
    const r = await runTrial({ domain, task, trial: 0, settings, tracer, chat });
    const agent = seen.filter((q) => q.kind === 'llm_call').at(-1)!;
    return { r, tool: agent.messages.find((m) => m.role === 'tool'), agent };
  }

  it('keeps 2.0 a float and 2 an int on their way to the tool', async () => {
    const float = await toolMessage('{"task_id": "task_1", "status": 2.0}');
    assert.match(String(float.tool?.content), /"status": 2\.0/);
    const int = await toolMessage('{"task_id":"task_1","status":2}');
    assert.match(String(int.tool?.content), /"status": 2[,}]/);
    // The call goes back to the model as tau2's json.dumps writes it.
    const call = (float.agent.messages.find(
      (m) => m.role === 'assistant' && 'tool_calls' in m && m.tool_calls,
    ) as OpenAI.Chat.ChatCompletionAssistantMessageParam | undefined)!.tool_calls![0]!;
    assert.equal(
      call.type === 'function' ? call.function.arguments : '',
      '{"task_id": "task_1", "status": 2.0}',
    );
    assert.equal(float.r.tool_errors, 0);
  });

  it('ends the trial as agent_error on arguments that are not a JSON object, as tau2’s generate raises', async () => {
    const errors = {
      '{"task_id": ': 'JSONDecodeError: Expecting value: line 1 column 13 (char 12)',
      '[1, 2]': 'not a JSON object',
      '': 'JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
    };
    for (const [args, why] of Object.entries(errors)) {
      const { r } = await toolMessage(args);
      assert.equal(r.termination_reason, 'agent_error', args);
      assert.equal(r.error_type, 'tool_arguments');
      assert.ok(r.error?.includes(why), r.error);
      assert.equal(r.tool_calls, 0);
    }
    // What json.loads reads, the tool gets: the last of two equal keys.
    const dup = await toolMessage('{"task_id": "nope", "task_id": "task_1", "status": "done"}');
    assert.equal(dup.r.tool_errors, 0);
    assert.match(String(dup.tool?.content), /"task_id": "task_1"/);
  });

  it('checks max_steps as tau2 does: not before the environment answers, and over a stop of the same step', async () => {
    const { tracer } = memoryTracer();
    // greeting; 1 user → agent; 2 agent → env (no check); 3 env → agent: 3 >= 2.
    const toolChat: Chat = async (request) =>
      request.kind === 'user_sim'
        ? result('Please update task_1.')
        : result('', [
            { id: 'c1', name: 'update_task_status', arguments: '{"task_id": "task_1", "status": "x"}' },
          ]);
    const cut = await runTrial({
      domain,
      task,
      trial: 0,
      settings: { ...settings, maxSteps: 2 },
      tracer,
      chat: toolChat,
    });
    assert.equal(cut.termination_reason, 'max_steps');
    assert.equal(cut.tool_calls, 1, 'the environment answered the call past the limit');
    // 1 user → agent; 2 agent → user; 3 user says ###STOP### — and max_steps (3) overwrites user_stop.
    const stopChat: Chat = async (request) =>
      request.kind === 'user_sim'
        ? result(request.messages.length > 2 ? `Thanks! ${STOP}` : 'Hello.')
        : result('How can I help?');
    const late = await runTrial({
      domain,
      task,
      trial: 0,
      settings: { ...settings, maxSteps: 3 },
      tracer,
      chat: stopChat,
    });
    assert.equal(late.termination_reason, 'max_steps');
    const early = await runTrial({
      domain,
      task,
      trial: 0,
      settings: { ...settings, maxSteps: 4 },
      tracer,
      chat: stopChat,
    });
    assert.equal(early.termination_reason, 'user_stop');
  });

  it('counts tool errors as tau2 does (every error, in a row or not) and stops at max_errors', async () => {
    let n = 0;
    const chat: Chat = async (request) => {
      if (request.kind === 'user_sim') return result('Please update task_1.');
      n++;
      // Errors alternate with successes: tau2 still counts each one.
      const args = n % 2 ? '{"task_id": "nope", "status": "x"}' : '{"task_id": "task_1", "status": "x"}';
      return result('', [{ id: `c${n}`, name: 'update_task_status', arguments: args }]);
    };
    const { tracer } = memoryTracer();
    const r = await runTrial({
      domain,
      task,
      trial: 0,
      settings: { ...settings, maxErrors: 3 },
      tracer,
      chat,
    });
    assert.equal(r.termination_reason, 'too_many_errors');
    assert.equal(r.tool_errors, 3);
    assert.equal(r.tool_calls, 5);
  });
});
