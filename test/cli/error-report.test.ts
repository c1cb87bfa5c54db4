import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliMessage, flagOf, reportError } from '../../src/cli/errors.js';
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
