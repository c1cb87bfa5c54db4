import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tau2Action } from '../../src/domains/tau2/criteria.js';
import type { Requestor } from '../../src/domains/tau2/env/environment.js';
import type { PyDict } from '../../src/domains/tau2/env/python.js';
import { compareWithToolCall } from '../../src/domains/tau2/evaluate/action.js';

const action = (args: PyDict, compareArgs: string[] | null = null): Tau2Action => ({
  action_id: 'a',
  requestor: 'assistant',
  name: 'f',
  arguments: args,
  info: null,
  compare_args: compareArgs,
});
const call = (args: PyDict, name = 'f', requestor: Requestor = 'assistant') => ({
  id: '1',
  name,
  arguments: args,
  requestor,
});

describe('Action.compare_with_tool_call', () => {
  // Each expectation is what tau2's own Action.compare_with_tool_call returned for the same pair (run once in
  // /work/.venv-tau2); the goldens exercise the same code on the tasks' actions.
  const cases: [string, Tau2Action, ReturnType<typeof call>, boolean][] = [
    ['a call with fewer arguments matches', action({ x: 1n, y: 2n }), call({ x: 1n }), true],
    ['a call without arguments matches', action({ x: 1n, y: 2n }), call({}), true],
    ['1 == 1.0', action({ x: 1n }), call({ x: 1.0 }), true],
    ['1 == True', action({ x: 1n }), call({ x: true }), true],
    ['an extra argument of the call fails', action({ x: 1n }), call({ x: 1n, z: 3n }), false],
    ['compare_args limits the comparison', action({ x: 1n, y: 2n }, ['y']), call({ x: 9n, y: 2n }), true],
    [
      'a compared argument missing from the call fails',
      action({ x: 1n, y: 2n }, ['y']),
      call({ x: 1n }),
      false,
    ],
    ['empty compare_args: the name alone', action({ x: 1n }, []), call({ x: 5n }), true],
    ['another name fails', action({ x: 1n }), call({ x: 1n }, 'g'), false],
    ['the requestor is not compared', action({ x: 1n }), call({ x: 1n }, 'f', 'user'), true],
    [
      'nested values compare as Python values',
      action({ x: { a: 1n, b: [1n, 2n] } }),
      call({ x: { b: [1n, 2.0], a: 1n } }),
      true,
    ],
    ["'1' != 1", action({ x: '1' }), call({ x: 1n }), false],
  ];
  for (const [what, a, c, expected] of cases) {
    it(what, () => assert.equal(compareWithToolCall(a, c), expected));
  }
});
