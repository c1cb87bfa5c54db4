/**
 * Golden tests of the legacy stats exporter against scripts/legacy_stats_reference.py (numpy), byte for byte,
 * plus hand-checked cases for pairwise summation, rounding ties, float repr and input robustness.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { legacyConsoleText, pyFixed } from '../../src/export/legacy/console.js';
import { legacyStatsJson, pyFloatRepr } from '../../src/export/legacy/json.js';
import { parseLegacyLogs, searchValue } from '../../src/export/legacy/parse.js';
import { histogramCounts, linspace, mean, pairwiseSum, stdDdof1 } from '../../src/export/legacy/stats.js';
import { createRng } from '../../src/util/random.js';
import { writeFixtures } from './legacy-fixtures.js';

// dist/test/export/ → repo root test/fixtures/legacy/
const FIX = fileURLToPath(new URL('../../../test/fixtures/legacy/', import.meta.url));

const GOLDENS: { name: string; input: string; bins?: number }[] = [
  { name: 'run_basic', input: 'run_basic' },
  { name: 'run_basic_bins7', input: 'run_basic', bins: 7 },
  { name: 'bad_input', input: 'bad_input.log' },
  { name: 'edge_cases', input: 'edge_cases.log' },
  { name: 'empty', input: 'empty.log' },
];

describe('legacy goldens (numpy reference)', () => {
  for (const g of GOLDENS) {
    it(`${g.name}: stats JSON and console text match byte for byte`, () => {
      const parsed = parseLegacyLogs(join(FIX, g.input));
      assert.equal(legacyStatsJson(parsed, g.bins), readFileSync(join(FIX, `${g.name}_stats.json`), 'utf8'));
      assert.equal(
        legacyConsoleText(parsed, g.bins),
        readFileSync(join(FIX, `${g.name}_console.txt`), 'utf8'),
      );
    });
  }

  it('the committed fixture logs are what the seeded generator writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-fix-'));
    try {
      writeFixtures(dir);
      for (const f of [
        'run_basic/tau2_airline.log',
        'run_basic/tau2_retail.log',
        'bad_input.log',
        'edge_cases.log',
      ]) {
        assert.deepEqual(readFileSync(join(dir, f)), readFileSync(join(FIX, f)), f);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('legacy parse', () => {
  it('re.search semantics: first digit match, also inside total_duration_ms', () => {
    assert.equal(searchValue('type=tool_call total_duration_ms=7.00 duration_ms=3.00', 'duration_ms'), 7);
    assert.equal(searchValue('duration_ms=nan total_duration_ms=9.5', 'duration_ms'), 9.5);
    assert.equal(searchValue('duration_ms=-0.00', 'duration_ms'), undefined);
    assert.equal(searchValue('duration_ms=12. x', 'duration_ms'), 12);
    assert.equal(searchValue('duration_ms=007.50', 'duration_ms'), 7.5);
  });

  it('directory input uses sorted tau2_*.log only; counts unusable and later-generation lines', () => {
    const r = parseLegacyLogs(join(FIX, 'run_basic'));
    assert.deepEqual(
      r.files.map((f) => f.slice(f.lastIndexOf('/') + 1)),
      ['tau2_airline.log', 'tau2_retail.log'],
    );
    assert.equal(r.lines, 700);
    assert.ok(r.ignoredLlmCalls > 0);
    const bad = parseLegacyLogs(join(FIX, 'bad_input.log'));
    // Truncated before any key (3), ANSI code inside the value (7), nan/inf/negative/-0.00 (12–15);
    // `1e5` still yields 1, as re.search does.
    assert.deepEqual(
      bad.unusableSamples.map((s) => s.line),
      [3, 7, 12, 13, 14, 15],
    );
    assert.equal(bad.unusable, 6);
  });

  it('a missing path throws an Error naming it', () => {
    assert.throws(() => parseLegacyLogs('/nonexistent/run_x'), /\/nonexistent\/run_x/);
  });

  it('survives a 2 MB line, CRLF across chunk boundaries and a file without final newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-big-'));
    try {
      const huge = `[PROFILE] ${'x'.repeat(2 * 1024 * 1024)} type=tool_call duration_ms=5.25`;
      const padding = 'y'.repeat((1 << 16) - 3);
      writeFileSync(join(dir, 'tau2_a.log'), `${huge}\r\n${padding}\r\ntype=expert_call duration_ms=1.50`);
      const r = parseLegacyLogs(dir);
      assert.deepEqual(Array.from(r.values.get('tool_call')!.values()), [5.25]);
      assert.deepEqual(Array.from(r.values.get('expert_call')!.values()), [1.5]);
      assert.equal(r.lines, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('legacy numerics (hand-checked against numpy 2.4)', () => {
  it('pairwise sum differs from a naive sum in the last bits, as numpy does', () => {
    const a = [1, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16];
    assert.equal(
      a.reduce((s, x) => s + x, 0),
      1,
    );
    assert.equal(pairwiseSum(a), 1.0000000000000007);
    assert.equal(mean(a), 0.11111111111111119);
  });

  it('mean, std and histogram of 20001 seeded values (recursive pairwise split)', () => {
    const r = createRng(42);
    const a: number[] = [];
    for (let i = 0; i < 20001; i++) a.push(Math.exp(r() * 8) * r());
    assert.equal(pairwiseSum(a), 3684732.935915347);
    assert.equal(mean(a), 184.22743542399616);
    assert.equal(stdDdof1(a), 385.09120770964097);
    const edges = linspace(Math.min(...a), Math.max(...a), 11);
    assert.deepEqual(histogramCounts(a, edges), [16495, 1420, 822, 433, 320, 221, 141, 84, 52, 13]);
  });

  it(':.2f rounds exact ties half to even (JS toFixed does not)', () => {
    assert.equal((0.125).toFixed(2), '0.13');
    assert.equal(pyFixed(0.125, 2), '0.12');
    assert.equal(pyFixed(0.375, 2), '0.38');
    assert.equal(pyFixed(2.5, 0), '2');
    assert.equal(pyFixed(3.5, 0), '4');
    assert.equal(pyFixed(1.005, 2), '1.00');
    assert.equal(pyFixed(0.25, 1), '0.2');
    assert.equal(pyFixed(-0.001, 2), '-0.00');
    assert.equal(pyFixed(1e17, 0), '100000000000000000');
    assert.equal(pyFixed(5e-324, 2), '0.00');
  });

  it('float repr follows Python', () => {
    const cases: [number, string][] = [
      [5, '5.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e16, '1.5e+16'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123.456, '123.456'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-2.5, '-2.5'],
      [0, '0.0'],
    ];
    for (const [x, s] of cases) assert.equal(pyFloatRepr(x), s);
  });
});
