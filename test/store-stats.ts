import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers.js';

/**
 * Asserts that `stats` over a trace store (`storeArgs`, e.g. `--jaeger URL --run-id ID`) writes the same
 * stats.json, stats_ext.json and console text as `stats --spans spool`, but for the output directory.
 */
export async function assertStoreStatsEqualSpool(
  dir: string,
  storeArgs: string[],
  spool: string,
): Promise<void> {
  const a = await runCli(['stats', ...storeArgs, '--out-dir', join(dir, 'a')]);
  assert.equal(a.code, 0, a.stderr);
  const b = await runCli(['stats', '--spans', spool, '--out-dir', join(dir, 'b')]);
  assert.equal(b.code, 0, b.stderr);
  for (const f of ['timing_stats.json', 'timing_stats_ext.json']) {
    const strip = (t: string) => t.replace(/"source": .*\n/, '');
    assert.equal(
      strip(readFileSync(join(dir, 'a', f), 'utf8')),
      strip(readFileSync(join(dir, 'b', f), 'utf8')),
      f,
    );
  }
  // The same text but for the output directory in the `Wrote` lines.
  const paths = (t: string, out: string) => t.replaceAll(realpathSync(join(dir, out)), '<OUT>');
  assert.equal(paths(a.stdout, 'a'), paths(b.stdout, 'b'));
}
