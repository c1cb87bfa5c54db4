import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot, runCli, tau2DataDir, tempDir } from '../helpers.js';

const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const tmp = tempDir('tau2-check-');
after(() => tmp.cleanup());
const base = ['tasks', 'check', '--data-dir', tau2DataDir];

describe('tau2-trace tasks check', () => {
  it("--dump writes mock's expected-action replay byte for byte as tau2 does, and a summary", async () => {
    const dump = path.join(tmp.path, 'check.jsonl');
    const r = await runCli([...base, '--domains', 'mock', '--dump', dump]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(dump, 'utf8'), readFileSync(path.join(fixtures, 'mock_check.jsonl'), 'utf8'));
    assert.match(r.stdout, /^domain +tasks +calls +errors +set-up failures\nmock +10 +8 +0 +0\n$/);
  });

  it('--actions replays hand-written sequences (seq = index in the file) byte for byte', async () => {
    const dump = path.join(tmp.path, 'wrong.jsonl');
    const actions = path.join(fixtures, 'wrong-actions.json');
    const r = await runCli([...base, '--domains', 'mock', '--actions', actions, '--dump', dump]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(dump, 'utf8'), readFileSync(path.join(fixtures, 'mock_wrong.jsonl'), 'utf8'));
    assert.match(r.stdout, /\nmock +16 +60 +29 +0\n$/);
  });

  it('--task-ids keeps only those tasks', async () => {
    const dump = path.join(tmp.path, 'one.jsonl');
    const r = await runCli([...base, '--domains', 'mock', '--task-ids', 'update_task_1', '--dump', dump]);
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(dump, 'utf8').trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => [JSON.parse(l).type, JSON.parse(l).task_id]),
      [
        ['call', 'update_task_1'],
        ['final', 'update_task_1'],
      ],
    );
  });

  it('accepts airline, a faithful port too (task 1 of airline_check.jsonl, byte for byte)', async () => {
    const dump = path.join(tmp.path, 'airline.jsonl');
    const r = await runCli([...base, '--domains', 'airline', '--task-ids', '1', '--dump', dump]);
    assert.equal(r.code, 0, r.stderr);
    const task1 = readFileSync(path.join(fixtures, 'airline_check.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"task_id":"1",'));
    assert.equal(readFileSync(dump, 'utf8'), `${task1.join('\n')}\n`);
    assert.match(r.stdout, /\nairline +1 +2 +0 +0\n$/);
  });

  // Every domain tau2 ships is ported: a domain without a port is one only a data dir holds.
  const bankingDataDir = path.join(tmp.path, 'data');
  mkdirSync(path.join(bankingDataDir, 'domains', 'banking'), { recursive: true });
  writeFileSync(path.join(bankingDataDir, 'domains', 'banking', 'tasks.json'), '[]');
  const bad: [string, string[], RegExp][] = [
    [
      'a domain not ported yet',
      ['--domains', 'mock,banking', '--data-dir', bankingDataDir],
      /tau2 domain "banking" is not yet supported.*supported: mock, retail, airline, telecom/,
    ],
    ['an unknown domain', ['--domains', 'shop'], /unknown tau2 domain "shop"/],
    ['an unknown task id', ['--domains', 'mock', '--task-ids', 'nope'], /--task-ids: no task "nope" in mock/],
    [
      'a missing data dir',
      ['--domains', 'mock', '--data-dir', '/nonexistent/tau2'],
      /--data-dir: .*\/nonexistent\/tau2/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 naming the culprit for ${what}`, async () => {
      const r = await runCli([...base, ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
    });
  }

  it('exits 2 naming the file and sequence for a bad --actions file', async () => {
    const file = path.join(tmp.path, 'bad-actions.json');
    const cases: [string, RegExp][] = [
      ['{"a": 1}', /must hold a JSON list of sequences/],
      ['[{"domain": "mock", "task_id": "gone", "actions": []}]', /sequence 0: no task "gone" in mock/],
      [
        '[{"domain": "mock", "task_id": "create_task_1", "actions": [{"name": "get_users", "arguments": {}, "requestor": "bot"}]}]',
        /sequence 0: actions\[0\]\.requestor must be "assistant" or "user"/,
      ],
      ['[1, 2', /invalid JSON in .*bad-actions\.json/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(file, text);
      const r = await runCli([...base, '--domains', 'mock', '--actions', file]);
      assert.equal(r.code, 2, text);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /bad-actions\.json/);
    }
  });
});
