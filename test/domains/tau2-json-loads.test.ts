import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PyError } from '../../src/domains/tau2/env/python.js';
import { jsonLoads } from '../../src/domains/tau2/evaluate/json-loads.js';
import { dumpsPy } from '../../src/util/pyjson.js';

// [input, str(exception) as CPython 3.12 prints it (type: message), json.dumps(result, ensure_ascii=False)],
// copied from the output of `json.loads` in /work/.venv-tau2 (Python 3.12.1). The judge goldens
// (mock_eval.jsonl, judge_*) check the same port through tau2 itself; these pin the positions and texts.
const CASES: [string, string | null, string | null][] = [
  ['[1,', 'JSONDecodeError: Expecting value: line 1 column 4 (char 3)', null],
  [
    '{"a":1,',
    'JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 8 (char 7)',
    null,
  ],
  ['{"a" 1}', "JSONDecodeError: Expecting ':' delimiter: line 1 column 6 (char 5)", null],
  ['"abc', 'JSONDecodeError: Unterminated string starting at: line 1 column 1 (char 0)', null],
  ['"a\\qb"', 'JSONDecodeError: Invalid \\escape: line 1 column 3 (char 2)', null],
  ['"\\u12zz"', 'JSONDecodeError: Invalid \\uXXXX escape: line 1 column 3 (char 2)', null],
  ['1.', 'JSONDecodeError: Extra data: line 1 column 2 (char 1)', null],
  ['-', 'JSONDecodeError: Expecting value: line 1 column 1 (char 0)', null],
  ['[1 2]', "JSONDecodeError: Expecting ',' delimiter: line 1 column 4 (char 3)", null],
  ['{"a":}', 'JSONDecodeError: Expecting value: line 1 column 6 (char 5)', null],
  ['"a\nb"', 'JSONDecodeError: Invalid control character at: line 1 column 3 (char 2)', null],
  [
    '\ufeff1',
    'JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    null,
  ],
  ['[1,]', 'JSONDecodeError: Expecting value: line 1 column 4 (char 3)', null],
  ['', 'JSONDecodeError: Expecting value: line 1 column 1 (char 0)', null],
  ['\n\n  {"x": tru}', 'JSONDecodeError: Expecting value: line 3 column 9 (char 10)', null],
  ['[\n1,\n2\n', "JSONDecodeError: Expecting ',' delimiter: line 4 column 1 (char 7)", null],
  ['"\\ud83d\\ude00"', null, '"😀"'],
  ['{"a":1,"a":2,"b":2.0}', null, '{"a": 2, "b": 2.0}'],
  // Positions count code points, not UTF-16 units.
  ['"😀" x', 'JSONDecodeError: Extra data: line 1 column 5 (char 4)', null],
  ['1e5x', 'JSONDecodeError: Extra data: line 1 column 4 (char 3)', null],
];

describe("Python's json.loads (the judge's answer)", () => {
  it('parses and fails as CPython 3.12 does, messages and positions included', () => {
    for (const [input, error, value] of CASES) {
      try {
        const v = jsonLoads(input);
        assert.equal(dumpsPy(v, { ensureAscii: false }), value, JSON.stringify(input));
      } catch (err) {
        if (!(err instanceof PyError)) throw err;
        assert.equal(`${err.pyType}: ${err.message}`, error, JSON.stringify(input));
      }
    }
  });

  it('None is a TypeError, as json.loads(None)', () => {
    assert.throws(
      () => jsonLoads(null),
      (e: unknown) =>
        e instanceof PyError &&
        e.pyType === 'TypeError' &&
        e.message === 'the JSON object must be str, bytes or bytearray, not NoneType',
    );
  });
});
