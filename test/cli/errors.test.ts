import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closedPort, runCli, tempDir } from '../helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function file(name: string, text: string): string {
  const path = join(tmp.path, name);
  writeFileSync(path, text);
  return path;
}

/** Runs the CLI and checks: exit 2, one line on stderr that contains every `culprit`. */
async function rejects(args: string[], ...culprits: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  for (const c of culprits) assert.ok(lines[0]!.includes(c), `"${c}" named in: ${lines[0]}`);
  return lines[0]!;
}

describe('bad input: one clear line, exit code 2', () => {
  const out = join(tmp.path, 'runs');

  it('a model config that is not JSON', async () => {
    const cfg = file('bad.json', '{"m": [ {"ip_addr": "127.0.0.1", ');
    await rejects(
      ['run', '--model-config', cfg, '--agent-model', 'm', '--output-dir', out],
      cfg,
      'not valid JSON',
    );
  });

  it('a model config without the agent model names the key', async () => {
    const cfg = file('other.json', JSON.stringify({ other: [{ ip_addr: '127.0.0.1', port: '1900' }] }));
    await rejects(
      ['run', '--model-config', cfg, '--agent-model', 'Nemotron-8B', '--output-dir', out],
      '"Nemotron-8B"',
      cfg,
    );
  });

  it('a model config entry without a port names the entry', async () => {
    const cfg = file('noport.json', JSON.stringify({ m: [{ ip_addr: '127.0.0.1' }] }));
    await rejects(
      ['run', '--model-config', cfg, '--agent-model', 'm', '--output-dir', out],
      '"m"[0]',
      '"port"',
    );
  });

  it('an endpoint that refuses connections names the URL', async () => {
    const port = await closedPort();
    const cfg = file('refused.json', JSON.stringify({ m: [{ ip_addr: '127.0.0.1', port: String(port) }] }));
    await rejects(
      [
        'run',
        '--model-config',
        cfg,
        '--agent-model',
        'm',
        '--user-llm',
        'm',
        '--no-use-model-tool',
        '--output-dir',
        out,
      ],
      `http://127.0.0.1:${port}/v1`,
      'refused',
    );
  });

  it('an unknown domain', async () => {
    await rejects(['run', '--domains', 'demo,airline', '--output-dir', out], '"airline"');
  });

  it('an unknown domain names the settings by their flags, in run and in sim', async () => {
    const said = 'unknown domain "nope" (built in: demo; with --data-dir: none given)';
    await rejects(['run', '--domains', 'nope', '--output-dir', out], `--domains: ${said}`);
    await rejects(['sim', '--port', '0', '--domains', 'nope'], `--domains: ${said}`);
  });

  it('a bad flag value names the flag', async () => {
    await rejects(['run', '--num-tasks', 'abc', '--output-dir', out], '--num-tasks', 'abc');
    await rejects(['run', '--fault-5xx', '1.5', '--output-dir', out], '--fault-5xx');
  });

  it('an unknown flag', async () => {
    await rejects(['run', '--concurrency', '4'], '--concurrency');
  });

  it('none of these created a run directory', () => {
    assert.deepEqual(readdirSync(tmp.path).includes('runs') ? readdirSync(out) : [], []);
  });

  it('--resume of a run whose results.json is corrupt leaves it untouched', async () => {
    const dir = join(tmp.path, 'broken_20260101_000000');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ parameters: { domains: ['demo'] } }));
    const corrupt = '{"results": [ {"task_id": "x"';
    writeFileSync(join(dir, 'results.json'), corrupt);
    await rejects(['run', '--resume', dir], join(dir, 'results.json'), 'not valid JSON');
    assert.equal(readFileSync(join(dir, 'results.json'), 'utf8'), corrupt);
  });

  it('--resume of a directory that does not exist', async () => {
    await rejects(['run', '--resume', join(tmp.path, 'nope')], join(tmp.path, 'nope'));
  });
});
