/** Legacy log lines as records (what `import` and stats_ext read): numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberField, parseRecord, tooLargeField } from '../../src/export/legacy/records.js';

const STAMP = '2025-12-24 04:00:01.000';

describe('legacy records', () => {
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
