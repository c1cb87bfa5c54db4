/** `tau2-trace report`: its arguments (in-process, recording handler) and the inputs it refuses (the real CLI). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CommandHandlers, main } from '../../src/cli/program.js';
import { repoRoot, runCli, tempDir } from '../helpers.js';

/** Parses argv with handlers that only record what `report` was given. */
async function parse(argv: string[]): Promise<{ code: number; calls: unknown[][] }> {
  const calls: unknown[][] = [];
  const handlers = new Proxy({} as CommandHandlers, {
    get:
      (_t, name) =>
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return 0;
      },
  });
  return { code: await main(['node', 'tau2-trace', 'report', ...argv], handlers), calls };
}

describe('tau2-trace report arguments', () => {
  it('takes a run and the cost and slow-trial options', async () => {
    const r = await parse([
      'runs/x',
      '--out',
      'r.html',
      '--prices',
      'p.json',
      '--gpu-hour-price',
      '2.5',
      '--slow-k',
      '4',
    ]);
    assert.deepEqual(r, {
      code: 0,
      calls: [['report', 'runs/x', { out: 'r.html', prices: 'p.json', gpuHourPrice: 2.5, slowK: 4 }]],
    });
  });

  it('reads a run from a trace store instead, and defaults k to 3', async () => {
    const r = await parse(['--tempo', 'http://localhost:3200', '--run-id', 'tau2_1']);
    assert.deepEqual(r.calls, [
      ['report', undefined, { tempo: 'http://localhost:3200', runId: 'tau2_1', slowK: 3 }],
    ]);
  });
});

describe('tau2-trace report reads', () => {
  const tmp = tempDir('tau2-report-legacy-');
  after(() => tmp.cleanup());

  it('legacy logs, importing them on the way and leaving nothing beside them', async () => {
    const dir = join(repoRoot, 'test/fixtures/legacy/run_basic');
    const before = readdirSync(dir).sort();
    const out = join(tmp.path, 'r.html');
    const r = await runCli(['report', dir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote .*r\.html \(\d+\.\d MiB\): 700 trials, \d+ slow\n$/);
    assert.match(readFileSync(out, 'utf8'), /<title>tau2-trace report: run_basic<\/title>/);
    assert.deepEqual(readdirSync(dir).sort(), before);
  });
});

describe('tau2-trace report refuses', () => {
  const tmp = tempDir('tau2-report-cli-');
  after(() => tmp.cleanup());

  it('a path that holds no run, and a price table that is not one, naming them', async () => {
    const missing = await runCli(['report', join(tmp.path, 'nothing')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothing: no such file or run directory/);
    const prices = join(tmp.path, 'prices.json');
    writeFileSync(prices, '{"models": {"gpt-5": {"input": "cheap", "output": 1}}}');
    const bad = await runCli(['report', join(tmp.path, 'nothing'), '--prices', prices]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--prices .*prices\.json: models\.gpt-5: input must be a number/);
  });

  it('neither a run nor a store, or both', async () => {
    for (const args of [[], ['runs/x', '--jaeger', 'http://localhost:16686']]) {
      const r = await runCli(['report', ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /give exactly one of <run>, --tempo and --jaeger/);
    }
  });
});
