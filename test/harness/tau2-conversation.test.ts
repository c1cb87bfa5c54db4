/**
 * The trajectory a faithful conversation builds: tau2's message list (what its evaluate_simulation reads),
 * with requestors on tool calls and tool messages and tool errors flagged. The conversation runs on its own
 * here, its LLM calls scripted and its steps untraced.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { STOP } from '../../src/domains/protocol.js';
import { resolveDomains } from '../../src/domains/registry.js';
import { createTau2Conversation, type Tau2IO } from '../../src/harness/tau2-conversation.js';
import type { ChatRequest, ChatResult } from '../../src/llm/client.js';
import { tau2DataDir } from '../helpers.js';
import { trialSettings } from './fixtures.js';

const settings = trialSettings();

const reply = (content: string, toolCalls: ChatResult['toolCalls'] = []) =>
  ({ content, toolCalls }) as unknown as ChatResult;

class Ending extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

describe('the tau2 conversation’s trajectory', () => {
  const domain = resolveDomains(['mock'], { dataDir: tau2DataDir })[0]!;

  it('is tau2’s message list: requestors, tool ids, error flags, the user’s own tool calls', async () => {
    const task = domain.tasks.find((t) => t.id === 'update_task_with_user_tools')!;
    const script: ChatResult[] = [
      reply('', [{ id: 'u1', name: 'check_notifications', arguments: '{}' }]),
      reply('Please mark task_1 completed.'),
      reply('', [
        { id: 'a1', name: 'update_task_status', arguments: '{"task_id": "nope", "status": "completed"}' },
      ]),
      reply('', [
        { id: 'a2', name: 'update_task_status', arguments: '{"task_id": "task_1", "status": "completed"}' },
      ]),
      reply('Done: task_1 is completed.'),
      reply(`Thanks. ${STOP}`),
    ];
    const requests: ChatRequest[] = [];
    const io: Tau2IO = {
      play: domain.tau2!,
      task,
      settings,
      step: async (_from, body) => {
        await body(ROOT_CONTEXT);
      },
      chat: async (request) => {
        requests.push(request);
        return script.shift()!;
      },
      tool: (_ctx, _call, run) => run(),
      made: [],
      transcript: [],
      end: (reason) => new Ending(reason),
    };
    const conversation = createTau2Conversation(io);
    await assert.rejects(conversation.run(), { reason: 'user_stop' });
    assert.equal(conversation.terminationReason(), 'user_stop');
    const t = conversation.trajectory();
    assert.deepEqual(
      t.map((m) => [
        m.role,
        m.role === 'tool' ? m.requestor : (m.tool_calls?.map((c) => c.requestor) ?? null),
      ]),
      [
        ['assistant', null],
        ['user', ['user']],
        ['tool', 'user'],
        ['user', null],
        ['assistant', ['assistant']],
        ['tool', 'assistant'],
        ['assistant', ['assistant']],
        ['tool', 'assistant'],
        ['assistant', null],
        ['user', null],
      ],
    );
    const tools = t.filter((m) => m.role === 'tool');
    assert.deepEqual(
      tools.map((m) => [m.id, m.error]),
      [
        ['u1', false],
        ['a1', true],
        ['a2', false],
      ],
    );
    assert.match(tools[0]!.content, /notif_1/);
    assert.equal(tools[1]!.content, 'Error: Task nope not found');
    // The user's own call is a tool-call message in its view; the agent never sees it.
    const agentFirst = requests.find((r) => r.kind === 'llm_call')!;
    assert.deepEqual(
      agentFirst.messages.slice(1).map((m) => m.role),
      ['assistant', 'user'],
    );
    assert.deepEqual(
      io.made.map((c) => c.name),
      ['check_notifications', 'update_task_status', 'update_task_status'],
    );
  });
});
