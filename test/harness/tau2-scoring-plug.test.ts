/**
 * The conversation's trajectory is what tau2's scorer reads: each mock task is played against the simulated
 * server and its trajectory handed, as is, to the faithful port of evaluate_simulation, the hand-over
 * `evaluateTrial` (src/harness/orchestrator.ts, through ./tau2-scoring.ts) makes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import OpenAI from 'openai';
import { resolveDomains } from '../../src/domains/registry.js';
import { judgeMessages, parseJudgeAnswer } from '../../src/domains/tau2/evaluate/nl-assertions.js';
import { createTau2Conversation } from '../../src/harness/tau2-conversation.js';
import type { ChatResult } from '../../src/llm/client.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { tau2DataDir } from '../helpers.js';
import { trialSettings } from './fixtures.js';

const settings = trialSettings();

class Ending extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

describe('the trajectory handed to tau2’s scorer', () => {
  const domain = resolveDomains(['mock'], { dataDir: tau2DataDir })[0]!;
  let sim: SimServer;
  let client: OpenAI;
  before(async () => {
    sim = await startSimServer({
      seed: 11,
      models: { agent: 'agent', user: 'user', judge: 'judge', expert: 'expert' },
      tasks: domain.tasks,
      engine: { timeScale: 0.02 },
    });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
  });
  after(() => sim.close());

  it('scores every mock task 1.0 but the one whose env assertion needs the user to act on their own', async () => {
    const rewards: Record<string, number> = {};
    for (const task of domain.tasks) {
      const conversation = createTau2Conversation({
        play: domain.tau2!,
        task,
        settings,
        step: async (_from, body) => {
          await body(ROOT_CONTEXT);
        },
        chat: async (request) => {
          const r = await client.chat.completions.create({
            model: request.model,
            messages: request.messages,
            ...(request.tools ? { tools: request.tools } : {}),
            stream: false,
          });
          const m = r.choices[0]!.message;
          const toolCalls = (m.tool_calls ?? []).flatMap((c) =>
            c.type === 'function'
              ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }]
              : [],
          );
          return { content: m.content ?? '', toolCalls } as unknown as ChatResult;
        },
        tool: (_ctx, _call, run) => run(),
        made: [],
        transcript: [],
        end: (reason) => new Ending(reason),
      });
      await assert.rejects(conversation.run(), Ending);
      // The few lines of the hand-over: tau2's task, the trajectory, tau2's termination reason, a judge.
      const info = await domain.tau2!.score(
        task.id,
        conversation.trajectory(),
        conversation.terminationReason()!,
        async () => '{"results": []}',
      );
      rewards[task.id] = info.reward;
    }
    const expected = Object.fromEntries(domain.tasks.map((t) => [t.id, 1]));
    // Its assertion wants notif_1 read; the scenario tells the user to dismiss it, the expected actions do not.
    expected['update_task_with_user_tools'] = 0;
    assert.deepEqual(rewards, expected);
  });

  it('the simulated judge answers tau2’s judge prompt, one verdict per assertion', async () => {
    const assertions = ["The agent said it's done", 'The user got "task_2"', 'Café\nnoted'];
    const messages = judgeMessages([{ role: 'assistant', content: 'Hi!', tool_calls: null }], assertions);
    const r = await client.chat.completions.create({ model: 'judge', messages, stream: false });
    const checks = parseJudgeAnswer(r.choices[0]!.message.content);
    assert.deepEqual(
      checks.map((c) => [c.nl_assertion, c.met]),
      assertions.map((a) => [a, true]),
    );
  });
});
