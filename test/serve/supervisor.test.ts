/**
 * The supervisor stops a server that does not watch its parent (as vLLM does not): when the harness dies by
 * SIGKILL, and when a stop's SIGTERM is ignored (SIGKILL to the whole group after the grace period).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ServerProcess } from '../../src/serve/server-process.js';
import { repoRoot, tempDir } from '../helpers.js';

/** A server that ignores its parent and SIGTERM, and starts a worker of its own; `marker` names both. */
const stubborn = (marker: string) => [
  process.execPath,
  '-e',
  `process.on('SIGTERM', () => {}); require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}-worker'], { stdio: 'ignore' }); setInterval(() => {}, 1000)`,
  marker,
];

function running(marker: string): number {
  const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes(marker) && !l.includes('supervisor.js')).length;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('server supervisor', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('stops a server that ignores its parent when the harness is killed with SIGKILL', async () => {
    const marker = `tau2-stub-${process.pid}-a`;
    const harness = join(tmp.path, 'harness.mjs');
    writeFileSync(
      harness,
      `import { ServerProcess } from ${JSON.stringify(join(repoRoot, 'dist/src/serve/server-process.js'))};
       new ServerProcess({ index: 0, argv: ${JSON.stringify(stubborn(marker))}, env: process.env, host: '127.0.0.1',
         port: 1, logPath: ${JSON.stringify(join(tmp.path, 'a.log'))}, graceMs: 300 });
       setInterval(() => {}, 1000);`,
    );
    const child = spawn(process.execPath, [harness], { stdio: 'ignore' });
    await until(() => running(marker) === 2);
    child.kill('SIGKILL');
    await until(() => running(marker) === 0);
  });

  it('kills the whole group when SIGTERM is ignored past the grace period', async () => {
    const marker = `tau2-stub-${process.pid}-b`;
    const sv = new ServerProcess({
      index: 0,
      argv: stubborn(marker),
      env: process.env,
      host: '127.0.0.1',
      port: 1,
      logPath: join(tmp.path, 'b.log'),
      graceMs: 300,
    });
    await until(() => running(marker) === 2);
    const t0 = Date.now();
    await sv.stop();
    assert.ok(Date.now() - t0 >= 300, 'SIGTERM first, then the grace period');
    await until(() => running(marker) === 0, 3000);
  });
});
