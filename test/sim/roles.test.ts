import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../../src/domains/types.js';
import { createTaskCatalog, planResponse } from '../../src/sim/roles.js';

const task = (id: string, words: string, action: string): Task => ({
  id,
  domain: 'telecom',
  userInstructions: words,
  expectedActions: [{ name: action, arguments: {} }],
  nlAssertions: [],
  rewardBasis: ['DB'],
});

// Two tasks with one scenario (as 99 of telecom's 114 share theirs with another task) and one with its own.
const tasks = [
  task('a', 'My phone has no data.', 'toggle_data'),
  task('b', 'My phone has no data.', 'toggle_roaming'),
  task('c', 'I want to pay a bill.', 'make_payment'),
];

describe('the simulator finds the task a conversation is about', () => {
  const catalog = createTaskCatalog(tasks);

  it('by the scenario the user states, and among tasks sharing it by the task named in the baggage', () => {
    assert.equal(catalog.find('My phone has no data.', [])?.id, 'a');
    assert.equal(catalog.find('My phone has no data.', [], 'b')?.id, 'b');
    assert.equal(catalog.find('I want to pay a bill.', [], 'c')?.id, 'c');
  });

  it('never takes a named task whose scenario the conversation does not state', () => {
    assert.equal(catalog.find('I want to pay a bill.', [], 'b')?.id, 'c');
    assert.equal(catalog.find('Something else entirely.', [], 'b'), undefined);
  });

  it('the simulated agent plays the named task’s actions', () => {
    const messages = [
      { role: 'system', content: 'policy' },
      { role: 'assistant', content: 'Hi! How can I help you today?' },
      { role: 'user', content: 'My phone has no data.' },
    ];
    const firstCall = (taskId?: string) => {
      const plan = planResponse(
        'agent',
        { messages, toolNames: [], ...(taskId ? { taskId } : {}) },
        catalog,
        1,
      );
      return plan.deltas.flatMap((d) => (d.kind === 'tool' && d.name ? [d.name] : []))[0];
    };
    assert.equal(firstCall('a'), 'toggle_data');
    assert.equal(firstCall('b'), 'toggle_roaming');
  });
});
