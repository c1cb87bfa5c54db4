import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliMessage, flagOf, reportError } from '../../src/cli/errors.js';
import { resolveDomains } from '../../src/domains/registry.js';
import { readActionsFile } from '../../src/domains/tau2/check.js';
import { Tau2DataError } from '../../src/domains/tau2/port.js';
import { JaegerError } from '../../src/export/jaeger-reader.js';
import { ReplayError } from '../../src/export/replay.js';
import { TempoError } from '../../src/export/tempo-reader.js';
import { createRunDir, readRunConfig } from '../../src/harness/rundir.js';
import { loadModelConfig } from '../../src/llm/endpoints.js';
import { LlmError } from '../../src/llm/errors.js';
import { setting, Tau2Error, UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

/** What `fn` threw. */
function thrown(fn: () => unknown): Tau2Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Tau2Error, `a Tau2Error: ${err}`);
    return err;
  }
  assert.fail('nothing was thrown');
}

describe('library errors: one hierarchy, settings named as the library spells them', () => {
  const missing = join(tmp.path, 'nope');
  // A tau2-bench checkout: its data is two levels down, which the message about a domain it lacks points at.
  const bench = join(tmp.path, 'bench');
  const nested = join(bench, 'data', 'tau2');
  mkdirSync(join(nested, 'domains'), { recursive: true });
  const cases: [string, () => unknown, string, string, string][] = [
    // what, call, field, library message, CLI message
    ['a bad run name', () => createRunDir(tmp.path, 'a b'), 'name', `name "a b": use`, `--name "a b": use`],
    [
      'a missing run to resume',
      () => readRunConfig(missing),
      'resume',
      `resume ${missing}: no such`,
      `--resume ${missing}: no such`,
    ],
    [
      'an unreadable model config',
      () => loadModelConfig(missing),
      'modelConfig',
      `modelConfig ${missing}: cannot read (ENOENT)`,
      `--model-config ${missing}: cannot read (ENOENT)`,
    ],
    [
      'an unknown domain',
      () => resolveDomains(['foo']),
      'domains',
      'unknown domain "foo" (built in: demo; with dataDir: none given)',
      'unknown domain "foo" (built in: demo; with --data-dir: none given)',
    ],
    [
      'a domain looked for in a tau2-bench checkout rather than its data directory',
      () => resolveDomains(['mock'], { dataDir: bench }),
      'domains',
      `unknown domain "mock" (built in: demo; with dataDir: no domains/ directory in ${bench}; did you mean dataDir ${nested}?)`,
      `unknown domain "mock" (built in: demo; with --data-dir: no domains/ directory in ${bench}; did you mean --data-dir ${nested}?)`,
    ],
  ];
  for (const [what, call, field, library, cli] of cases) {
    it(what, () => {
      const err = thrown(call);
      assert.ok(err instanceof UsageError);
      assert.equal(err.code, 'usage');
      assert.equal(err.field, field);
      assert.ok(err.message.startsWith(library), err.message);
      assert.ok(!err.message.includes('--'), `no flag in the library's message: ${err.message}`);
      assert.ok(cliMessage(err).startsWith(cli), cliMessage(err));
      assert.deepEqual(reportError(err), { text: `tau2-trace: error: ${cliMessage(err)}`, exitCode: 2 });
    });
  }

  it('bad data named by a setting (an actions file) heads its message with the setting, the flag in the CLI', () => {
    const cases: [string, string][] = [
      ['{}', 'must hold a JSON list of sequences'],
      ['[1]', ': sequence 0 must be an object'],
      ['[{"domain": "mock", "task_id": 7, "actions": []}]', ': sequence 0: task_id must be a string'],
      [
        '[{"domain": "mock", "task_id": "t", "actions": [{"name": "x", "arguments": {}, "requestor": "bot"}]}]',
        ': sequence 0: actions[0].requestor must be "assistant" or "user"',
      ],
    ];
    const file = join(tmp.path, 'actions.json');
    for (const [text, says] of cases) {
      writeFileSync(file, text);
      const err = thrown(() => readActionsFile(file));
      assert.ok(err instanceof Tau2DataError, text);
      assert.equal(err.field, 'actions', text);
      assert.equal(err.message, `actions ${file}${says.startsWith(':') ? '' : ' '}${says}`);
      assert.equal(cliMessage(err), `--${err.message}`);
      assert.equal(reportError(err).exitCode, 2);
    }
  });

  it('a setting anywhere in a message is spelled as the library names it, or as a flag by the CLI', () => {
    const err = new ReplayError(['x was replaced. ', setting('force'), ' sends it whole']);
    assert.equal(err.message, 'x was replaced. force sends it whole');
    assert.equal(cliMessage(err), 'x was replaced. --force sends it whole');
    assert.equal(err.code, 'replay');
    assert.equal(err.field, undefined);
  });

  it('every error the library raises on purpose is a Tau2Error with its code', () => {
    const llm = new LlmError({ type: 'server_error', message: 'u answered 503', url: 'u', status: 503 });
    const codes = [
      [llm, 'llm', 1],
      [new TempoError('t'), 'trace_store', 2],
      [new JaegerError('j'), 'trace_store', 2],
      [new Tau2DataError('d'), 'data', 2],
      [new UsageError('u'), 'usage', 2],
    ] as const;
    for (const [err, code, exit] of codes) {
      assert.ok(err instanceof Tau2Error, err.name);
      assert.equal(err.code, code, err.name);
      assert.equal(reportError(err).exitCode, exit, err.name);
    }
    assert.equal(llm.errorType, '503');
    assert.equal(llm.retryable, true);
  });

  it('settings without an entry in the table become kebab-case flags', () => {
    assert.equal(flagOf('outputDir'), '--output-dir');
    assert.equal(flagOf('maxConcurrency'), '--max-concurrency');
  });

  it('a failure of the machine gets one line and exit 1; anything else its stack', () => {
    const disk = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    assert.deepEqual(reportError(disk), {
      text: 'tau2-trace: error: ENOSPC: no space left on device',
      exitCode: 1,
    });
    const bug = reportError(new TypeError('x is undefined'));
    assert.equal(bug.exitCode, 1);
    assert.match(bug.text, /^tau2-trace: unexpected error: TypeError: x is undefined\n {4}at /);
  });
});
