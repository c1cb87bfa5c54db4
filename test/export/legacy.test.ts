/**
 * Golden tests of the legacy stats exporter against scripts/legacy_stats_reference.py (numpy), byte for byte,
 * plus hand-checked cases for pairwise summation, rounding ties, float repr and input robustness.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { legacyConsoleText, legacyWroteText, pyFixed } from '../../src/export/legacy/console.js';
import { listLegacyLogs } from '../../src/export/legacy/files.js';
import { legacyStatsJson, pyFloatRepr } from '../../src/export/legacy/json.js';
import {
  Float64Buffer,
  LEGACY_METRICS,
  type LegacyParseResult,
  parseLegacyLogs,
} from '../../src/export/legacy/parse.js';
import {
  histogramCounts,
  linspace,
  mean,
  numpySum,
  pairwiseSum,
  stdDdof1,
} from '../../src/export/legacy/stats.js';
import { createRng } from '../../src/util/random.js';
import { largeLog, writeFixtures } from './legacy-fixtures.js';

// dist/test/export/ → repo root test/fixtures/legacy/
const FIX = fileURLToPath(new URL('../../../test/fixtures/legacy/', import.meta.url));

const GOLDENS: { name: string; input: string; bins?: number; allFields?: boolean }[] = [
  { name: 'run_basic', input: 'run_basic' },
  { name: 'run_basic_bins7', input: 'run_basic', bins: 7 },
  { name: 'run_basic_all_fields', input: 'run_basic', allFields: true },
  { name: 'bad_input', input: 'bad_input.log' },
  { name: 'bad_input_all_fields', input: 'bad_input.log', allFields: true },
  { name: 'edge_cases', input: 'edge_cases.log' },
  { name: 'empty', input: 'empty.log' },
  { name: 'single', input: 'single.log' },
  { name: 'later_fields', input: 'later_fields.log' },
  { name: 'later_fields_all_fields', input: 'later_fields.log', allFields: true },
];

/** The console text as the legacy analyzer prints it, its output directory written as `<OUT>`. */
function consoleWithWrote(parsed: LegacyParseResult, bins?: number): string {
  const pngs = LEGACY_METRICS.map((m) => `<OUT>/timing_${m.name}.png`);
  return legacyConsoleText(parsed, bins) + legacyWroteText('<OUT>/timing_stats.json', pngs);
}

function assertGolden(name: string, parsed: LegacyParseResult, bins?: number): void {
  assert.equal(legacyStatsJson(parsed, bins), readFileSync(join(FIX, `${name}_stats.json`), 'utf8'));
  assert.equal(consoleWithWrote(parsed, bins), readFileSync(join(FIX, `${name}_console.txt`), 'utf8'));
}

describe('legacy goldens (numpy reference)', () => {
  for (const g of GOLDENS) {
    it(`${g.name}: stats JSON and console text match byte for byte`, () => {
      assertGolden(
        g.name,
        parseLegacyLogs(join(FIX, g.input), undefined, { allFields: g.allFields }),
        g.bins,
      );
    });
  }

  it('large (n = 20,001, 16,385, 8,193 and in between): the chunked sums of numpy, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-large-'));
    try {
      writeFileSync(join(dir, 'large.log'), largeLog());
      const parsed = parseLegacyLogs(join(dir, 'large.log'));
      const n = (name: string) => parsed.values.get(name)!.length;
      assert.equal(n('tool_call'), 20_001);
      assert.equal(n('expert_call'), 8_193);
      assert.equal(n('toolorchestra_vllm_infer'), 16_385);
      assertGolden('large', parsed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the committed fixture logs are what the seeded generator writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-fix-'));
    try {
      writeFixtures(dir);
      for (const f of [
        'run_basic/tau2_airline.log',
        'run_basic/tau2_retail.log',
        'bad_input.log',
        'edge_cases.log',
        'later_fields.log',
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
    const dir = mkdtempSync(join(tmpdir(), 'legacy-search-'));
    try {
      const lines = [
        'type=tool_call total_duration_ms=7.00 duration_ms=3.00',
        'type=tool_call duration_ms=nan total_duration_ms=9.5',
        'type=tool_call duration_ms=-0.00',
        'type=tool_call duration_ms=12. x',
        'type=tool_call duration_ms=007.50',
      ];
      writeFileSync(join(dir, 'tau2_a.log'), `${lines.join('\n')}\n`);
      const r = parseLegacyLogs(join(dir, 'tau2_a.log'));
      assert.deepEqual([...r.values.get('tool_call')!.values()], [7, 9.5, 12, 7.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('a value beyond a double (310 digits, which Python reads as inf) is left out and its line counted unusable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-huge-'));
    try {
      const nines = '9'.repeat(310);
      const lines = [
        `[PROFILE] x type=tool_call duration_ms=${nines}`,
        'type=tool_call duration_ms=2.50',
        `type=llm_call toolorchestra_vllm_infer_ms=4.00 toolorchestra_vllm_prefill_ms=${nines}`,
        `type=tool_call duration_ms=1${'0'.repeat(300)}`,
      ];
      writeFileSync(join(dir, 'tau2_a.log'), `${lines.join('\n')}\n`);
      const r = parseLegacyLogs(join(dir, 'tau2_a.log'));
      assert.deepEqual([...r.values.get('tool_call')!.values()], [2.5, 1e300], 'a finite 1e300 is a value');
      assert.deepEqual([...r.values.get('toolorchestra_vllm_infer')!.values()], [4]);
      assert.deepEqual([...r.values.get('toolorchestra_vllm_prefill')!.values()], []);
      assert.equal(r.unusable, 2);
      assert.deepEqual(
        r.unusableSamples.map((s) => s.line),
        [1, 3],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the files in which no line is recognisable; a directory lists only regular files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-unrecognised-'));
    try {
      writeFileSync(join(dir, 'tau2_json.log'), '{\n  "results": []\n}\n');
      writeFileSync(join(dir, 'tau2_empty.log'), '');
      writeFileSync(join(dir, 'tau2_steps.log'), '[PROFILE] x type=step_complete total_duration_ms=1.00\n');
      writeFileSync(join(dir, 'tau2_bare.log'), 'type=tool_call duration_ms=1.00\n');
      mkdirSync(join(dir, 'tau2_dir.log'));
      const r = parseLegacyLogs(dir);
      const names = (fs: string[]) => fs.map((f) => f.slice(dir.length + 1));
      assert.deepEqual(names(r.files), [
        'tau2_bare.log',
        'tau2_empty.log',
        'tau2_json.log',
        'tau2_steps.log',
      ]);
      assert.deepEqual(names(r.unrecognisedFiles), ['tau2_empty.log', 'tau2_json.log']);
      assert.deepEqual(names(listLegacyLogs(dir).skipped.map((s) => s.path)), ['tau2_dir.log']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

/**
 * The reader's semantics written independently with regexes over each line's text, as the Python reference
 * reads: UTF-8 decoded with replacement, split as `str.splitlines()` splits, `re.search` first match, `float()` (V8's `Number` also rounds
 * correctly).
 */
function regexReference(files: { name: string; bytes: Buffer }[], allFields: boolean): LegacyParseResult {
  const value = (k: string) => new RegExp(`${k}=([0-9]+(?:\\.[0-9]+)?)`);
  const whole = (k: string) => new RegExp(`(?:^| )${k}=([0-9]+(?:\\.[0-9]+)?)`);
  const later: Record<string, RegExp> = {
    toolorchestra_vllm_infer: whole('vllm_infer_ms'),
    toolorchestra_vllm_prefill: whole('prefill_ms'),
    toolorchestra_vllm_decode: whole('decode_ms'),
    toolorchestra_vllm_prefill_len: whole('input_tokens'),
    toolorchestra_vllm_decode_len: whole('output_tokens'),
  };
  const r: LegacyParseResult = {
    values: new Map(LEGACY_METRICS.map((m) => [m.name, new Float64Buffer()])),
    files: [],
    lines: 0,
    unusable: 0,
    unusableSamples: [],
    ignoredLlmCalls: 0,
    unrecognisedFiles: [],
  };
  for (const f of files) {
    r.files.push(f.name);
    let recognised = false;
    // read_text(errors="replace").splitlines()
    const lines = new TextDecoder('utf-8').decode(f.bytes).split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      r.lines++;
      const tool = line.includes('type=tool_call');
      const expert = line.includes('type=expert_call');
      const llm = line.includes('type=llm_call');
      const seed = llm && line.includes('toolorchestra_vllm_infer_ms=');
      const late = allFields && llm && !seed && /(?:^| )vllm_infer_ms=/.test(line);
      if (llm && !seed && !late) r.ignoredLlmCalls++;
      let got = false;
      let tooLarge = false;
      for (const m of LEGACY_METRICS) {
        const on = m.source === 'tool_call' ? tool : m.source === 'expert_call' ? expert : seed || late;
        if (!on) continue;
        const hit = (m.source === 'llm_call' && late ? later[m.name]! : value(m.key)).exec(line);
        if (!hit) continue;
        // Beyond a double: left out, and the line reported.
        if (Number(hit[1]) === Infinity) tooLarge = true;
        else {
          r.values.get(m.name)!.push(Number(hit[1]));
          got = true;
        }
      }
      const marked = line.includes('[PROFILE]') || line.includes('[USER_JUDGE]');
      if (got || marked || tooLarge) recognised = true;
      if (tooLarge || (marked && !got && (tool || expert || seed || late || !line.includes('type=')))) {
        r.unusable++;
        if (r.unusableSamples.length < 10) r.unusableSamples.push({ file: f.name, line: i + 1 });
      }
    });
    if (!recognised) r.unrecognisedFiles.push(f.name);
  }
  return r;
}

/** Random lines made of the keys, markers and awkward bytes the reader must tell apart. */
function randomLog(rng: () => number, pieces: number): Buffer {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)]!;
  const tokens = [
    ...[
      'type=tool_call',
      'type=expert_call',
      'type=llm_call',
      'type=',
      'call_type=vllm',
      'subtype=tool_call',
    ],
    ...[
      'duration_ms=',
      'total_duration_ms=',
      'toolorchestra_vllm_infer_ms=',
      'toolorchestra_vllm_prefill_ms=',
    ],
    ...['toolorchestra_vllm_decode_ms=', 'toolorchestra_vllm_prefill_len=', 'toolorchestra_vllm_decode_len='],
    ...['vllm_infer_ms=', ' vllm_infer_ms=', ' prefill_ms=', 'xprefill_ms=', ' decode_ms=', '\tdecode_ms='],
    ...[' input_tokens=', ' output_tokens=', 'output_tokens=', '_len=', 'ms=', '=', '==', 'type'],
    ...['[PROFILE]', '[USER_JUDGE]', '[PROFILE', ' ', ' ', ' ', '\r', '\r\n', '\n', '\n', '.', 'nan', '-'],
    ...['\xff\xfe', '\xc3\x28', 'é', '\x0b', '\x0c', '\x1c', '\x1e', '\x1f', '\t', '<', 'x'],
    // Latin-1 spelled bytes: NEL, U+2028, U+2029, their prefixes, a NEL after a cut-off sequence.
    ...[
      '\xc2\x85',
      '\xe2\x80\xa8',
      '\xe2\x80\xa9',
      '\xc2',
      '\xe2\x80',
      '\xe2\x80\xaa',
      '\x85',
      '\xe2\xc2\x85',
    ],
  ];
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');
  const numbers = [
    () => String(Math.floor(rng() * 100000)),
    () => (rng() * 10000).toFixed(2),
    () => `${'0'.repeat(Math.floor(rng() * 4))}${(rng() * 10).toFixed(Math.floor(rng() * 26))}`,
    () => `${digits(1 + Math.floor(rng() * 30))}.${digits(Math.floor(rng() * 30))}`,
    () => digits(1 + Math.floor(rng() * 25)),
    () => `${digits(1)}.`,
    () => '9007199254740993',
    () => '123456789012345.6',
    () => `0.${'0'.repeat(20)}1`,
    () => `1.${'0'.repeat(23)}`,
    () => digits(310),
  ];
  let s = '';
  for (let i = 0; i < pieces; i++) {
    const t = pick(tokens);
    s += t;
    if (t.endsWith('=') && rng() < 0.8) s += pick(numbers)();
  }
  return Buffer.from(s, 'latin1');
}

function assertSameParse(actual: LegacyParseResult, expected: LegacyParseResult, label: string): void {
  for (const m of LEGACY_METRICS) {
    assert.deepStrictEqual(
      Array.from(actual.values.get(m.name)!.values()),
      Array.from(expected.values.get(m.name)!.values()),
      `${label}: ${m.name}`,
    );
  }
  const counts = (r: LegacyParseResult) => ({
    lines: r.lines,
    unusable: r.unusable,
    samples: r.unusableSamples,
    ignored: r.ignoredLlmCalls,
    unrecognised: r.unrecognisedFiles,
  });
  assert.deepStrictEqual(counts(actual), counts(expected), label);
}

describe('legacy byte reader', () => {
  it('agrees with a regex reference on random lines, at every chunk size, with and without allFields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-rand-'));
    try {
      const rng = createRng(20251224);
      for (let round = 0; round < 30; round++) {
        const files = Array.from({ length: 1 + (round % 3) }, (_, i) => ({
          name: join(dir, `tau2_${round}_${i}.log`),
          bytes: randomLog(rng, Math.floor(rng() * 300)),
        }));
        for (const f of files) writeFileSync(f.name, f.bytes);
        const glob = `tau2_${round}_*.log`;
        for (const allFields of [false, true]) {
          const expected = regexReference(files, allFields);
          for (const chunkSize of [8, 16, 24, 40, 64, 4096, undefined]) {
            const actual = parseLegacyLogs(dir, glob, { allFields, chunkSize });
            assertSameParse(actual, expected, `round ${round} allFields=${allFields} chunk=${chunkSize}`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits keys, values, CRLF and multi-byte characters at any chunk boundary alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-chunks-'));
    try {
      const text = Buffer.concat([
        readFileSync(join(FIX, 'bad_input.log')),
        Buffer.from('\r\n'),
        readFileSync(join(FIX, 'later_fields.log')),
        Buffer.from(`[PROFILE] ${'z'.repeat(300)} type=tool_call duration_ms=0.30000000000000004\r`),
      ]);
      writeFileSync(join(dir, 'tau2_x.log'), text);
      for (const allFields of [false, true]) {
        const expected = parseLegacyLogs(dir, undefined, { allFields });
        assertSameParse(
          expected,
          regexReference([{ name: join(dir, 'tau2_x.log'), bytes: text }], allFields),
          'ref',
        );
        for (let chunkSize = 8; chunkSize <= 512; chunkSize += 8) {
          assertSameParse(
            parseLegacyLogs(dir, undefined, { allFields, chunkSize }),
            expected,
            `chunk ${chunkSize}`,
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allFields reads later-generation llm_call lines by whole keys only', () => {
    const seedOnly = parseLegacyLogs(join(FIX, 'later_fields.log'));
    const all = parseLegacyLogs(join(FIX, 'later_fields.log'), undefined, { allFields: true });
    const vals = (r: LegacyParseResult, name: string) => Array.from(r.values.get(name)!.values());
    // Without the option only the seed-generation line (step 7) counts.
    assert.deepEqual(vals(seedOnly, 'toolorchestra_vllm_infer'), [60]);
    assert.equal(seedOnly.ignoredLlmCalls, 8);
    assert.equal(seedOnly.unusable, 0);
    assert.deepEqual(vals(all, 'toolorchestra_vllm_infer'), [900.25, 50, 33, 12.5, 60, 400]);
    // Not `toolorchestra_vllm_prefill_ms=7.00` on a later line, nor the later `prefill_ms=5.00` on a seed line.
    assert.deepEqual(vals(all, 'toolorchestra_vllm_prefill'), [100.5, 8, 3, 2.5, 0.125]);
    // `input_tokens=5` after a tab is not a whole key.
    assert.deepEqual(vals(all, 'toolorchestra_vllm_prefill_len'), [1200, 300, 7]);
    assert.deepEqual(vals(all, 'toolorchestra_vllm_decode_len'), [80, 7, 30, 1e20]);
    // Expert calls: duration only, whatever later fields they carry.
    assert.deepEqual(vals(all, 'expert_call'), [1500]);
    // `avllm_infer_ms=` (not whole) and a line without any infer key stay ignored.
    assert.equal(all.ignoredLlmCalls, 2);
    // A later line whose values are all `nan` is unusable like any qualifying line.
    assert.deepEqual(
      all.unusableSamples.map((x) => x.line),
      [5],
    );
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

  it('sums in chunks of 8,192 as np.add.reduce does, not pairwise over the whole array', () => {
    const r = createRng(7);
    const a: number[] = [];
    for (let i = 0; i < 16385; i++) a.push(Math.round(Math.exp(r() * 12) * r()) / 100);
    // numpy 1.24: np.add.reduce(a) = 1105633.84, a.mean() = 67.47841562404639.
    assert.equal(numpySum(a), 1105633.84);
    assert.equal(pairwiseSum(a), 1105633.8399999999);
    assert.equal(mean(a), 67.47841562404639);
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
