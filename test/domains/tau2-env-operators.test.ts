import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pyIter, pyLen, pyMax, pySum } from '../../src/domains/tau2/env/builtins.js';
import { copyInstance, defineModel, t, validateModel } from '../../src/domains/tau2/env/model.js';
import { pyArith, pyAttr, pyCompare, pyGetItem, pyNeg } from '../../src/domains/tau2/env/operators.js';
import { modelName, PyError, pyRepr } from '../../src/domains/tau2/env/python.js';
import { loadsPy } from '../../src/util/pyjson.js';

// Expected values and texts are what CPython 3.12.1 / pydantic 2.12.4 give for the same expressions.

/** The PyError's `str()`, as tau2 shows it after `Error: `. */
function pyMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PyError) return err.message;
    throw err;
  }
  assert.fail('expected a Python exception');
}

describe('Python operators on unvalidated values', () => {
  it('ints stay exact, a float operand makes a float, sequences repeat and concatenate', () => {
    assert.equal(pyRepr(pyArith('-', 2n, 1.0)), '1.0');
    assert.equal(pyArith('*', 50n, 2n), 100n);
    assert.equal(pyArith('+', true, 1n), 2n);
    assert.equal(pyArith('*', 3n, 'ab'), 'ababab');
    assert.deepEqual(pyArith('*', [1n], 2n), [1n, 1n]);
    assert.equal(pySum([1n, 2n, 3n]), 6n);
    assert.equal(pyNeg(5n), -5n);
  });

  it("fails with CPython's TypeError texts", () => {
    assert.equal(
      pyMessage(() => pyArith('-', '1', 0n)),
      "unsupported operand type(s) for -: 'str' and 'int'",
    );
    assert.equal(
      pyMessage(() => pyArith('+', 'a', 1n)),
      'can only concatenate str (not "int") to str',
    );
    assert.equal(
      pyMessage(() => pyArith('+', [1n], 1n)),
      'can only concatenate list (not "int") to list',
    );
    assert.equal(
      pyMessage(() => pyArith('*', 'a', 2.0)),
      "can't multiply sequence by non-int of type 'float'",
    );
    assert.equal(
      pyMessage(() => pyArith('+', 0n, 's', true)),
      "unsupported operand type(s) for +=: 'int' and 'str'",
    );
    assert.equal(
      pyMessage(() => pyNeg('a')),
      "bad operand type for unary -: 'str'",
    );
  });

  it('compares as Python: by code point, lists item by item, unorderable pairs raise', () => {
    assert.equal(pyCompare('>', '\u{1F600}', '\uffff'), true);
    assert.equal(pyCompare('<', 1n, 1.5), true);
    assert.equal(
      pyMessage(() => pyCompare('<', 'a', 1n)),
      "'<' not supported between instances of 'str' and 'int'",
    );
    assert.equal(
      pyMessage(() => pyCompare('<', ['1', 'a'], ['1', 2n])),
      "'<' not supported between instances of 'str' and 'int'",
    );
    // max() keeps the first of equal values: max(0, 0.0) is the int 0.
    assert.equal(pyMax(0n, 0.0), 0n);
    assert.equal(pyMax(0n, 0.5), 0.5);
  });

  it('len, iteration, item and attribute access', () => {
    assert.equal(pyLen('é😀'), 2n);
    assert.equal(pyLen({ a: 1n, b: 2n }), 2n);
    assert.equal(
      pyMessage(() => pyLen(5n)),
      "object of type 'int' has no len()",
    );
    assert.deepEqual(pyIter('ab'), ['a', 'b']);
    assert.deepEqual(pyIter({ a: 1n }), ['a']);
    assert.equal(
      pyMessage(() => pyIter(5n)),
      "'int' object is not iterable",
    );
    assert.equal(
      pyMessage(() => pyGetItem({ a: 1n }, 1.0)),
      '1.0',
    );
    assert.equal(
      pyMessage(() => pyGetItem({ a: 1n }, [1n])),
      "unhashable type: 'list'",
    );
    assert.equal(
      pyMessage(() => pyAttr({ flight_number: 'x' }, 'flight_number')),
      "'dict' object has no attribute 'flight_number'",
    );
  });
});

describe('pydantic unions and copyInstance (copy.deepcopy)', () => {
  const A = defineModel('A', { kind: t.literal('a'), n: t.int });
  const B = defineModel('B', { kind: t.literal('b') });
  const M = defineModel('M', { x: t.dict(t.union(t.model(A), t.model(B))) });

  it('the member that validates wins; when none does, each member reports under its class name', () => {
    const m = validateModel(M, loadsPy('{"x": {"k": {"kind": "b"}}}'));
    assert.equal(modelName((m['x'] as Record<string, never>)['k']), 'B');
    assert.equal(
      pyMessage(() => validateModel(M, loadsPy('{"x": {"k": {"kind": "c"}}}'))),
      [
        '3 validation errors for M',
        'x.k.A.kind',
        "  Input should be 'a' [type=literal_error, input_value='c', input_type=str]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/literal_error',
        'x.k.A.n',
        "  Field required [type=missing, input_value={'kind': 'c'}, input_type=dict]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/missing',
        'x.k.B.kind',
        "  Input should be 'b' [type=literal_error, input_value='c', input_type=str]",
        '    For further information visit https://errors.pydantic.dev/2.12/v/literal_error',
      ].join('\n'),
    );
  });

  it('copyInstance copies containers and keeps model instances of their class', () => {
    const m = validateModel(M, loadsPy('{"x": {"k": {"kind": "a", "n": 1}}}'));
    const copy = copyInstance(m);
    const inner = (copy['x'] as Record<string, Record<string, unknown>>)['k']!;
    assert.equal(modelName(copy), 'M');
    assert.equal(modelName(inner), 'A');
    inner['n'] = 2n;
    assert.equal((m['x'] as Record<string, Record<string, unknown>>)['k']!['n'], 1n);
  });
});
