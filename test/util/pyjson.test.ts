import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DumpsOptions, dumpsPy, loadsPy } from '../../src/util/pyjson.js';
import { repoRoot } from '../helpers.js';

/** Python's own json.loads + json.dumps outputs (scripts/pyjson_reference.py). */
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/pyjson/cases.json'), 'utf8')) as {
  cases: { input: string; dumps: Record<string, string> }[];
};

const OPTIONS: Record<string, DumpsOptions> = {
  default: {},
  ensure_ascii_false: { ensureAscii: false },
  sort_keys: { sortKeys: true },
  indent2: { indent: 2 },
  indent4_sort: { indent: 4, sortKeys: true },
  compact: { separators: [',', ':'] },
};

describe("Python's json, byte for byte", () => {
  for (const c of golden.cases) {
    it(`loads + dumps ${c.input.slice(0, 60)}`, () => {
      const value = loadsPy(c.input);
      for (const [name, expected] of Object.entries(c.dumps)) {
        assert.equal(dumpsPy(value, OPTIONS[name]), expected, name);
      }
    });
  }

  it('keeps 2 and 2.0 apart, and ints beyond 2^53 exact', () => {
    const v = loadsPy('{"a": 2, "b": 2.0, "c": 9007199254740993}') as Record<string, unknown>;
    assert.equal(v.a, 2n);
    assert.equal(v.b, 2);
    assert.equal(v.c, 9007199254740993n);
  });
});
