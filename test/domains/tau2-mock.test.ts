import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkExpected,
  checkSequences,
  initializeEnvironment,
  readActionsFile,
} from '../../src/domains/tau2/check.js';
import { openAiSchema } from '../../src/domains/tau2/env/schema.js';
import { faithfulPort, openFaithfulDomain } from '../../src/domains/tau2/faithful.js';
import { agentSystemPrompt } from '../../src/domains/tau2/prompts.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by tau2-bench's own code (scripts/tau2_reference.py); see test/fixtures/tau2/README.md.
const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const golden = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const { domain, tasks } = openFaithfulDomain(faithfulPort('mock')!, tau2DataDir);

/** Compares dump lines one by one, so a failure names the first differing line rather than a blob. */
function assertSameLines(actual: string[], expectedText: string): void {
  const expected = expectedText.split('\n').slice(0, -1);
  for (const [i, want] of expected.entries()) assert.equal(actual[i], want, `line ${i + 1}`);
  assert.equal(actual.length, expected.length, 'number of lines');
}

describe('mock (faithful port): tasks check goldens', () => {
  it('replays every expected action as tau2 does (mock_check.jsonl, byte for byte)', () => {
    const { lines, counts } = checkExpected(domain, tasks);
    assertSameLines(lines, golden('mock_check.jsonl'));
    assert.deepEqual(counts, { tasks: 10, calls: 8, errors: 0, setupFailures: 0 });
  });

  it('replays the wrong sequences as tau2 does (mock_wrong.jsonl, byte for byte)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'wrong-actions.json')).filter(
      (s) => s.domain === 'mock',
    );
    const { lines, counts } = checkSequences(domain, new Map(tasks.map((t) => [t.id, t])), sequences);
    assertSameLines(lines, golden('mock_wrong.jsonl'));
    assert.deepEqual(counts, { tasks: 16, calls: 60, errors: 29, setupFailures: 0 });
  });
});

describe('mock (faithful port): what the model is sent', () => {
  const schemas = JSON.parse(golden('mock_schemas.json'));
  const prompts = JSON.parse(golden('mock_prompts.json'));

  it("the agent's and the user's tool schemas equal tau2's, key order included", () => {
    assert.equal(JSON.stringify(domain.agentTools.tools.map(openAiSchema)), JSON.stringify(schemas.agent));
    assert.equal(JSON.stringify(domain.userTools!.tools.map(openAiSchema)), JSON.stringify(schemas.user));
  });

  it("the agent's system prompt equals tau2's", () => {
    assert.equal(agentSystemPrompt(domain.policy), prompts.agent_system_prompt);
  });

  it('offers the user the tools tau2 offers for every task', () => {
    const names = domain.userTools!.tools.map((t) => t.name);
    for (const p of prompts.user_system_prompts) assert.deepEqual(names, p.user_tools, p.task_id);
  });
});

describe('mock (faithful port): set-up', () => {
  const task = (id: string) => tasks.find((t) => t.id === id)!;

  it('initialization_data.agent_data makes the user toolkit share the agent DB (tau2 set_state)', () => {
    const env = initializeEnvironment(domain, task('update_task_with_initialization_data'));
    assert.equal(env.userTools!.db, env.tools.db);
    assert.deepEqual(Object.keys(env.tools.db['tasks'] as object), ['task_1', 'task_2']);
  });

  it('a message history replays its write calls and fails when the recorded output differs', () => {
    const env = initializeEnvironment(domain, task('update_task_with_message_history'));
    assert.deepEqual(Object.keys(env.tools.db['tasks'] as object), ['task_1', 'task_2']);
    const tampered = structuredClone(task('update_task_with_message_history'));
    tampered.initialState.messageHistory![2]!.content = '{"task_id": "task_9"}';
    assert.throws(() => initializeEnvironment(domain, tampered), /^PyError: Tool call:/);
  });

  it('environment assertions run as tau2 runs them (getattr on the toolkit)', () => {
    const env = initializeEnvironment(domain, task('update_task_with_user_tools'));
    const call = { env_type: 'user', func_name: 'assert_notification_status' } as const;
    assert.equal(
      env.runEnvFunctionCall({
        ...call,
        arguments: { notification_id: 'notif_1', expected_status: 'unread' },
      }),
      true,
    );
    assert.throws(
      () => env.runEnvFunctionCall({ env_type: 'user', func_name: 'nope', arguments: {} }),
      /'MockUserTools' object has no attribute 'nope'/,
    );
  });
});
