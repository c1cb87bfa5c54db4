/** Legacy log lines as records (what `import` and stats_ext read): levels, escapes and numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  numberField,
  parseRecord,
  tooLargeField,
  unescapeLogValue,
} from '../../src/export/legacy/records.js';
import { escapeLogValue } from '../../src/export/legacy/to-logs.js';

const STAMP = '2025-12-24 04:00:01.000';

describe('legacy records', () => {
  it("a line's level is its first marker: a task id holding [PROFILE] does not hide [USER_JUDGE]", () => {
    const r = parseRecord(
      `[USER_JUDGE] ${STAMP} task=a[PROFILE]b thread=1 type=user_sim duration_ms=2.00`,
      1,
    );
    assert.equal(r?.level, 'USER_JUDGE');
    assert.equal(r?.fields.get('task'), 'a[PROFILE]b');
  });

  it('undoes the escapes tau2-trace logs writes, for any text', () => {
    for (const v of ['x\n[PROFILE] a=b c', 'r\r\t%41', 'ünï\u2028cødé', '', '100%', 'a%zz']) {
      const r = parseRecord(`[PROFILE] ${STAMP} task=${escapeLogValue(v)} thread=1`, 1);
      assert.equal(r?.fields.get('task'), v);
    }
    assert.equal(unescapeLogValue('plain_id'), 'plain_id');
    assert.equal(unescapeLogValue('bad%zz%4'), 'bad%zz%4', 'not an escape: left as it is');
  });

  it('numbers beyond a double are no numbers, and are named', () => {
    const nines = '9'.repeat(310);
    const r = parseRecord(
      `[PROFILE] ${STAMP} task=t thread=1 step=2 duration_ms=${nines} decode_ms=3.50`,
      1,
    )!;
    assert.equal(numberField(r, 'duration_ms'), undefined);
    assert.equal(numberField(r, 'decode_ms'), 3.5);
    assert.equal(numberField(r, 'step'), 2);
    assert.equal(tooLargeField(r), 'duration_ms');
    const fine = parseRecord(`[PROFILE] ${STAMP} task=${nines} thread=1 duration_ms=1.00`, 1)!;
    assert.equal(tooLargeField(fine), undefined, 'a 310-digit task id is an id, not a number');
  });
});
