/**
 * `tau2-trace import` on input that is not what it should be: refused with exit 2 and a message naming the
 * file, no spool left behind to block the right import, and lines with absurd numbers counted, not fatal.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSpool } from '../../src/export/spool-reader.js';
import { Attr, Kind } from '../../src/telemetry/names.js';
import { closedPort, runCli, tempDir } from '../helpers.js';

const head = (ms: string, thread = 7) => `[PROFILE] 2025-12-24 04:00:${ms} task=t thread=${thread}`;
const TOOL = (ms: string, duration: string) =>
  `${head(ms)} type=tool_call step=1 function=f call_type=local_function duration_ms=${duration}`;
const LOG = [
  TOOL('01.000', '5.00'),
  `${head('01.010')} type=step_complete step=1 total_duration_ms=20.00 from_role=env to_role=agent`,
];

describe('import: wrong input leaves nothing behind', () => {
  const tmp = tempDir();
  const dir = join(tmp.path, 'exp_20251224_040000');
  before(() => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'tau2_retail.log'), `${LOG.join('\n')}\n`);
    writeFileSync(join(dir, 'results.json'), '{\n  "results": []\n}\n');
  });
  after(() => tmp.cleanup());

  it('import: a file given as --log-dir, or results.json as --log-path, is refused and leaves no spool to block the real import', async () => {
    const file = await runCli(['import', '--log-dir', join(dir, 'tau2_retail.log')]);
    assert.equal(file.code, 2);
    assert.match(
      file.stderr,
      /--log-dir .*tau2_retail\.log: is a file, not a directory; give it with --log-path/,
    );
    const results = await runCli(['import', '--log-path', join(dir, 'results.json')]);
    assert.equal(results.code, 2);
    assert.match(
      results.stderr,
      /--log-path .*results\.json: nothing to import in .*results\.json: a legacy log has \[PROFILE\]/,
    );
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['results.json', 'tau2_retail.log'],
      'no spool, no temporary file',
    );

    const real = await runCli(['import', '--log-dir', dir]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stderr, /1 trials, 3 spans/);
    assert.equal((await readSpool(join(dir, 'spans.otlp.jsonl'))).spans.length, 3);
  });

  it('import: a failed export removes the spool this import started, never one that was there before', async () => {
    const port = await closedPort();
    const out = join(tmp.path, 'failed.jsonl');
    const down = await runCli([
      'import',
      '--log-dir',
      dir,
      '--otlp',
      `http://127.0.0.1:${port}`,
      '--out',
      out,
    ]);
    assert.equal(down.code, 2);
    assert.deepEqual(
      readdirSync(tmp.path).filter((f) => f.startsWith('failed')),
      [],
      'neither the spool nor its temporary file',
    );
    const before = readFileSync(join(dir, 'spans.otlp.jsonl'));
    const again = await runCli(['import', '--log-dir', dir]);
    assert.equal(again.code, 2);
    assert.deepEqual(readFileSync(join(dir, 'spans.otlp.jsonl')), before);
    const missingDir = await runCli([
      'import',
      '--log-dir',
      dir,
      '--out',
      join(tmp.path, 'no', 'such', 'x.jsonl'),
    ]);
    assert.equal(missingDir.code, 2);
    assert.match(missingDir.stderr, /--out .*x\.jsonl: .*no\/such is not a directory/);
  });

  it('import: a line with only unusable numbers is refused as a whole input, naming the line', async () => {
    const only = join(tmp.path, 'only-bad');
    mkdirSync(only);
    writeFileSync(join(only, 'tau2_retail.log'), `${TOOL('01.000', '9'.repeat(310))}\n`);
    const r = await runCli(['import', '--log-dir', only]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /no line could be used; 1 lines could not be used \(first: .*tau2_retail\.log:1 \(number out of range\)\)/,
    );
    assert.deepEqual(readdirSync(only), ['tau2_retail.log']);
  });

  it('import: a 310-digit number is an unusable value, counted and named like other unusable lines, no crash', async () => {
    const huge = join(tmp.path, 'huge');
    mkdirSync(huge);
    const nines = '9'.repeat(310);
    writeFileSync(
      join(huge, 'tau2_retail.log'),
      [
        TOOL('01.000', nines),
        TOOL('01.100', '5.00'),
        `${head('01.200')} type=llm_call step=${nines} model=m call_type=vllm duration_ms=9.00 toolorchestra_vllm_infer_ms=8.00`,
        `${head('01.300')} type=llm_call step=1 model=m call_type=vllm duration_ms=9.00 toolorchestra_vllm_prefill_ms=${nines}`,
        // Finite, but 1e300 ms before a 2025 timestamp is before 1970.
        TOOL('01.400', `1${'0'.repeat(300)}`),
        '',
      ].join('\n'),
    );
    const r = await runCli(['import', '--log-dir', huge]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /4 lines could not be used \(first: .*:1 \(number out of range\), .*:3 \(number out of range\), .*:4 \(number out of range\), .*:5 \(number out of range\)\)/,
    );
    const spans = (await readSpool(join(huge, 'spans.otlp.jsonl'))).spans;
    const tools = spans.filter((s) => s.attributes[Attr.kind] === Kind.toolCall);
    assert.equal(tools.length, 1);
    assert.equal(Number(tools[0]!.endNs - tools[0]!.startNs), 5e6);
  });

  it('import: a directory, a dangling symlink or a FIFO named tau2_*.log is skipped and named, never opened', async () => {
    const odd = join(tmp.path, 'odd');
    mkdirSync(odd);
    mkdirSync(join(odd, 'tau2_dir.log'));
    symlinkSync(join(odd, 'nowhere'), join(odd, 'tau2_dangling.log'));
    execFileSync('mkfifo', [join(odd, 'tau2_fifo.log')]);
    const none = await runCli(['import', '--log-dir', odd], {}, 30_000);
    assert.equal(none.signal, null, 'did not hang');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /tau2_fifo\.log: skipped, a FIFO/);
    assert.match(none.stderr, /no file matches tau2_\*\.log \(3 matching names skipped\)/);
    assert.deepEqual(readdirSync(odd).sort(), ['tau2_dangling.log', 'tau2_dir.log', 'tau2_fifo.log']);

    writeFileSync(join(odd, 'tau2_retail.log'), `${LOG.join('\n')}\n`);
    const some = await runCli(['import', '--log-dir', odd], {}, 30_000);
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stderr, /tau2_dangling\.log: skipped, a dangling symlink/);
    assert.match(some.stderr, /imported 2 lines of 1 files/);
  });

  it('import: a spool path that is a dangling symlink counts as existing and is not written through', async () => {
    const target = join(tmp.path, 'target.jsonl');
    const link = join(tmp.path, 'link.jsonl');
    symlinkSync(target, link);
    const r = await runCli(['import', '--log-dir', dir, '--out', link]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /link\.jsonl already exists/);
    assert.ok(!readdirSync(tmp.path).includes('target.jsonl'));
  });

  it('import: a --run-id with a newline is refused before anything is written', async () => {
    const r = await runCli([
      'import',
      '--log-dir',
      dir,
      '--out',
      join(tmp.path, 'r.jsonl'),
      '--run-id',
      'a\nb',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run id "a\\nb" from --run-id: it must be non-empty, without control characters/);
    assert.ok(!readdirSync(tmp.path).includes('r.jsonl'));
  });
});
