/**
 * `tau2-trace stats` on input that is not what it should be: refused with exit 2 and a message naming the file,
 * and no output touched.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli, tempDir } from '../helpers.js';

const fixtures = join(repoRoot, 'test/fixtures/legacy');
const LINE = (ms: string) =>
  `[PROFILE] 2025-12-24 04:00:01.000 task=t thread=7 type=tool_call step=1 function=f call_type=local_function duration_ms=${ms}`;

/** Every file of a directory with a hash of its bytes and its mtime: what "nothing was touched" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const st = statSync(join(dir, f));
    if (!st.isFile()) continue;
    out[f] = `${createHash('sha256')
      .update(readFileSync(join(dir, f)))
      .digest('hex')} ${st.mtimeMs}`;
  }
  return out;
}

const statsOf = (dir: string, prefix = 'timing') =>
  JSON.parse(readFileSync(join(dir, `${prefix}_stats.json`), 'utf8')) as Record<
    string,
    { stats: { n: number } | null }
  >;

describe('stats: wrong input is refused and nothing is overwritten', () => {
  const tmp = tempDir();
  const run = join(tmp.path, 'old_run');
  let good: Record<string, string> = {};
  before(async () => {
    cpSync(join(fixtures, 'run_basic'), run, { recursive: true });
    const first = await runCli(['stats', '--log-dir', run]);
    assert.equal(first.code, 0, first.stderr);
    writeFileSync(join(run, 'results.json'), `${JSON.stringify({ run_id: 'x', results: [] }, null, 2)}\n`);
    writeFileSync(join(run, 'empty.log'), '');
    good = snapshot(run);
    assert.ok(good['timing_stats.json'] && good['timing_tool_call.png'], 'the outputs to protect exist');
  });
  after(() => tmp.cleanup());

  it('stats: refuses results.json as --log-path and keeps the existing timing_stats.json', async () => {
    const r = await runCli(['stats', '--log-path', join(run, 'results.json'), '--out-dir', run]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--log-path .*old_run\/results\.json: nothing to read in .*results\.json \(4 lines\)/,
    );
    assert.match(r.stderr, /\[PROFILE\] or \[USER_JUDGE\]/, 'says what was expected');
    assert.equal(r.stdout, '');
    assert.deepEqual(snapshot(run), good);
  });

  it('stats: refuses an empty file as --log-path, and a file as --spans that is not OTLP/JSON', async () => {
    const empty = await runCli(['stats', '--log-path', join(run, 'empty.log'), '--out-dir', run]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /empty\.log \(0 lines\)/);
    const spans = await runCli(['stats', '--spans', join(run, 'results.json'), '--out-dir', run]);
    assert.equal(spans.code, 2);
    assert.match(spans.stderr, /--spans .*results\.json: not a spool: none of its 4 lines is an OTLP\/JSON/);
    const log = await runCli(['stats', '--spans', join(run, 'tau2_retail.log'), '--out-dir', run]);
    assert.equal(log.code, 2);
    assert.match(log.stderr, /tau2_retail\.log: not a spool/);
    assert.deepEqual(snapshot(run), good);
  });

  it('stats: --log-dir of a file and --log-path of a directory say which flag to use', async () => {
    const file = await runCli(['stats', '--log-dir', join(run, 'tau2_retail.log')]);
    assert.equal(file.code, 2);
    assert.match(
      file.stderr,
      /--log-dir .*tau2_retail\.log: is a file, not a directory; give it with --log-path/,
    );
    const dir = await runCli(['stats', '--log-path', run]);
    assert.equal(dir.code, 2);
    assert.match(dir.stderr, /--log-path .*old_run: is a directory; give it with --log-dir/);
    assert.deepEqual(snapshot(run), good);
  });

  it('stats: a directory whose matching files hold nothing recognisable is refused; one such file among logs is named', async () => {
    const junk = join(tmp.path, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'tau2_a.log'), 'Traceback (most recent call last):\n  oops\n');
    writeFileSync(join(junk, 'tau2_b.log'), '');
    const none = await runCli(['stats', '--log-dir', junk]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--log-dir .*junk: nothing to read in its 2 files/);
    assert.deepEqual(readdirSync(junk).sort(), ['tau2_a.log', 'tau2_b.log'], 'nothing written');

    writeFileSync(join(junk, 'tau2_c.log'), `${LINE('5.00')}\n`);
    const some = await runCli(['stats', '--log-dir', junk, '--out-dir', join(tmp.path, 'junk-out')]);
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stderr, /junk\/tau2_a\.log: no legacy log line in it/);
    assert.equal(statsOf(join(tmp.path, 'junk-out')).tool_call?.stats?.n, 1);
  });

  it('stats: a legacy log with no value of any metric is still a legacy log (no data per metric, exit 0)', async () => {
    const dir = join(tmp.path, 'steps-only');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'tau2_retail.log'),
      '[PROFILE] 2025-12-24 04:00:01.000 task=t thread=7 type=step_complete step=1 total_duration_ms=5.00 from_role=agent to_role=env\n',
    );
    const r = await runCli(['stats', '--log-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^=== tool_call\.duration_ms ===\nno data\n/);
    assert.equal(statsOf(dir).tool_call?.stats, null);
  });

  it('stats: a 310-digit value is left out and named with the unusable lines, and the JSON stays JSON', async () => {
    const dir = join(tmp.path, 'huge');
    mkdirSync(dir);
    const llm = `[PROFILE] 2025-12-24 04:00:03.000 task=t thread=7 type=llm_call step=1 model=m call_type=vllm duration_ms=9.00 toolorchestra_vllm_infer_ms=8.00 toolorchestra_vllm_prefill_ms=${'9'.repeat(310)} toolorchestra_vllm_decode_ms=6.00`;
    writeFileSync(join(dir, 'tau2_retail.log'), `${LINE('9'.repeat(310))}\n${LINE('5.00')}\n${llm}\n`);
    const r = await runCli(['stats', '--log-dir', dir, '--ext']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 lines could not be used \(first: .*tau2_retail\.log:1, .*tau2_retail\.log:3\)/);
    const text = readFileSync(join(dir, 'timing_stats.json'), 'utf8');
    assert.doesNotMatch(text, /Infinity|NaN/);
    const stats = JSON.parse(text);
    assert.equal(stats.tool_call.stats.n, 1);
    assert.equal(stats.toolorchestra_vllm_prefill.stats, null);
    assert.equal(stats.toolorchestra_vllm_decode.stats.n, 1, 'the line’s other values still count');
    const ext = JSON.parse(readFileSync(join(dir, 'timing_stats_ext.json'), 'utf8'));
    assert.equal(ext.metrics.tool_call.all.n, 1);
  });

  it('stats: a directory, a dangling symlink or a FIFO named tau2_*.log is skipped and named, never opened', async () => {
    const dir = join(tmp.path, 'odd');
    mkdirSync(dir);
    mkdirSync(join(dir, 'tau2_dir.log'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'tau2_dangling.log'));
    execFileSync('mkfifo', [join(dir, 'tau2_fifo.log')]);
    // Only the odd names: refused, without hanging on the FIFO.
    const none = await runCli(['stats', '--log-dir', dir], {}, 30_000);
    assert.equal(none.signal, null, 'did not hang');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /tau2_dangling\.log: skipped, a dangling symlink/);
    assert.match(none.stderr, /tau2_dir\.log: skipped, a directory/);
    assert.match(none.stderr, /tau2_fifo\.log: skipped, a FIFO/);
    assert.match(none.stderr, /--log-dir .*odd: no file matches tau2_\*\.log \(3 matching names skipped\)/);
    const fifo = await runCli(['stats', '--log-path', join(dir, 'tau2_fifo.log')], {}, 30_000);
    assert.equal(fifo.code, 2);
    assert.match(fifo.stderr, /--log-path .*tau2_fifo\.log: is a FIFO; only regular files are read/);
    const spans = await runCli(['stats', '--spans', join(dir, 'tau2_fifo.log')], {}, 30_000);
    assert.equal(spans.code, 2);
    assert.match(spans.stderr, /tau2_fifo\.log: is a FIFO/);

    // With a real log beside them, the log is read and the rest skipped.
    writeFileSync(join(dir, 'tau2_retail.log'), `${LINE('5.00')}\n${LINE('7.00')}\n`);
    const some = await runCli(['stats', '--log-dir', dir], {}, 30_000);
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stderr, /tau2_fifo\.log: skipped, a FIFO/);
    assert.equal(statsOf(dir).tool_call?.stats?.n, 2);
  });
});
