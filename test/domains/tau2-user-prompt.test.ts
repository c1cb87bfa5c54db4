/**
 * The user simulator's system prompt and tools, for every task of every faithfully ported domain, against
 * the prompts and schemas tau2 itself built (test/fixtures/tau2/<domain>_prompts.json, _schemas.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faithfulHarnessDomain } from '../../src/domains/tau2/harness.js';
import { FAITHFUL_DOMAINS, faithfulPort, readTasks, TAU2_DOMAINS } from '../../src/domains/tau2/index.js';
import { pyIndent, userScenarioText, userSystemPrompt } from '../../src/domains/tau2/user-prompt.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

const golden = (file: string) => JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/tau2', file), 'utf8'));

interface UserPrompt {
  task_id: string;
  user_tools: string[] | null;
  system_prompt: string;
}

describe('the user simulator as tau2 sets it up', () => {
  for (const name of FAITHFUL_DOMAINS) {
    it(`${name}: every task's user prompt and user tools equal tau2's`, () => {
      const domain = faithfulHarnessDomain(faithfulPort(name)!, tau2DataDir);
      const prompts: UserPrompt[] = golden(`${name}_prompts.json`).user_system_prompts;
      const schemas = golden(`${name}_schemas.json`);
      assert.deepEqual(
        domain.tasks.map((t) => t.id),
        prompts.map((p) => p.task_id),
        'every task, in file order',
      );
      for (const p of prompts) {
        const user = domain.tau2!.user(p.task_id);
        assert.equal(user.systemPrompt, p.system_prompt, p.task_id);
        assert.deepEqual(user.tools?.map((t) => t.function.name) ?? null, p.user_tools, p.task_id);
        if (user.tools) assert.deepEqual(JSON.parse(JSON.stringify(user.tools)), schemas.user);
      }
      assert.equal(domain.tau2!.agentSystemPrompt, golden(`${name}_prompts.json`).agent_system_prompt);
      assert.deepEqual(JSON.parse(JSON.stringify(domain.tau2!.agentTools)), schemas.agent);
    });
  }

  // The prompt needs only the task's scenario and whether the user has tools: checked on all four domains'
  // tasks, ported or not, so a port that lands is covered from its first commit.
  for (const name of TAU2_DOMAINS) {
    it(`${name}: userSystemPrompt(str(user_scenario)) equals tau2's prompt for every task`, () => {
      const tasks = readTasks(join(tau2DataDir, 'domains', name, 'tasks.json'));
      const prompts: UserPrompt[] = golden(`${name}_prompts.json`).user_system_prompts;
      assert.equal(tasks.length, prompts.length);
      for (const [i, task] of tasks.entries()) {
        const scenario = userScenarioText(task.raw['user_scenario'] as Record<string, never>);
        assert.equal(
          userSystemPrompt(scenario, prompts[i]!.user_tools !== null),
          prompts[i]!.system_prompt,
          task.id,
        );
      }
    });
  }

  it('indents as textwrap.indent: whitespace-only lines stay bare, line ends are kept', () => {
    assert.equal(pyIndent('a\n\n  \nb\n', '\t'), '\ta\n\n  \n\tb\n');
    assert.equal(pyIndent('a\r\nb\rc', '>'), '>a\r\n>b\r>c');
    assert.equal(pyIndent('', '\t'), '');
  });
});
