/**
 * The package as users get it: `npm pack` (no scripts, no network), unpacked into a temporary project's
 * node_modules beside links to this project's installed dependencies, and the examples run against it. This
 * checks what a path import inside the repository cannot: `files`, `exports`, `types` and the public API.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, tempDir } from '../helpers.js';

const tmp = tempDir('tau2-pack-');
after(() => tmp.cleanup());
const app = join(tmp.path, 'app');
const installed = join(app, 'node_modules', 'tau2-trace');

/** Runs an example in the temporary project; returns its stdout. */
function example(name: string, ...args: string[]): string {
  return execFileSync(process.execPath, [join(app, name), ...args], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    timeout: 120_000,
  });
}

describe('the packed package', () => {
  before(() => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.path], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        npm_config_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
    });
    const [{ filename }] = JSON.parse(out) as [{ filename: string }];
    execFileSync('tar', ['-xzf', join(tmp.path, filename), '-C', tmp.path]);
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    renameSync(join(tmp.path, 'package'), installed);
    // The dependencies as `npm ci` installed them for this project: links, not copies, and no registry.
    const deps = join(repoRoot, 'node_modules');
    for (const name of readdirSync(deps)) {
      if (name.startsWith('.') || name === 'tau2-trace') continue;
      symlinkSync(join(deps, name), join(app, 'node_modules', name));
    }
    for (const name of readdirSync(join(installed, 'examples'))) {
      copyFileSync(join(installed, 'examples', name), join(app, name));
    }
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`,
    );
  });

  it('ships the compiled library with its declarations and the examples, not the tests', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(pkg.exports['.'].types, './dist/src/index.d.ts');
    assert.ok(existsSync(join(installed, 'dist/src/index.js')));
    assert.ok(existsSync(join(installed, 'dist/src/index.d.ts')));
    assert.ok(existsSync(join(installed, 'dist/src/cli/main.js')));
    assert.equal(existsSync(join(installed, 'dist/test')), false);
    assert.deepEqual(readdirSync(join(installed, 'examples')).sort(), [
      'custom-roles.mjs',
      'open-run.mjs',
      'register-domain.mjs',
      'run-evaluation.mjs',
    ]);
  });

  it('examples: run an evaluation from code, then open the run it made', () => {
    const out = example('run-evaluation.mjs', join(tmp.path, 'runs'));
    assert.match(out, /^trials: 3\/3, failed: 0$/m);
    const runDir = /^run directory: (.+)$/m.exec(out)?.[1];
    assert.ok(runDir && existsSync(join(runDir, 'spans.otlp.jsonl')), out);
    const opened = example('open-run.mjs', runDir);
    assert.match(opened, /: 3 task traces, \d+ spans$/m);
    assert.match(opened, /^toolorchestra_vllm_prefill: n=\d+ mean=[\d.]+ms$/m);
  });

  it('examples: a domain of your own runs like a built-in one', () => {
    const out = example('register-domain.mjs', join(tmp.path, 'own'));
    assert.match(out, /^lamps\/kitchen_on: reward 1 \(/m);
    assert.match(out, /^lamps\/hall_off: reward 1 \(/m);
  });

  it('examples: simulated roles of your own play a domain of your own', () => {
    const out = example('custom-roles.mjs', join(tmp.path, 'roles'));
    assert.match(out, /^library\/renew_dune: reward 1 \(user_stop\)$/m);
    assert.match(out, /^library\/renew_emma: reward 1 \(user_stop\)$/m);
    // The run went through the example's roles, not the simulator's own.
    assert.match(out, /^custom roles answered: agent [1-9]\d*, user [1-9]\d*$/m);
    const runDir = /^run directory: (.+)$/m.exec(out)?.[1];
    assert.ok(runDir, out);
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    assert.deepEqual(config.custom_sim_roles, ['agent', 'user'], 'config.json says whose roles played');
  });
});
