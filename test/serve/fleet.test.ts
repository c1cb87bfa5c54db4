import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gpuAssignment, serverArgv } from '../../src/serve/fleet.js';
import { DEFAULT_SERVE_SETTINGS } from '../../src/serve/settings.js';

const S = { ...DEFAULT_SERVE_SETTINGS, serve: true, numServers: 2 };

describe('servers of a run: command line and GPUs', () => {
  it("is vLLM's command line, with tracing when the run exports and the extra arguments last", () => {
    const tracing = { endpoint: 'http://127.0.0.1:4317', protocol: 'grpc' as const };
    const argv = serverArgv({ ...S, serveArg: ['--max-model-len 32768'] }, '/ckpt/m', 1901, tracing);
    assert.deepEqual(argv, [
      ...['vllm', 'serve', '/ckpt/m', '--host', '127.0.0.1', '--port', '1901'],
      ...['--enable-auto-tool-choice', '--tool-call-parser', 'hermes', '--enable-prompt-tokens-details'],
      ...['--otlp-traces-endpoint', 'http://127.0.0.1:4317', '--collect-detailed-traces', 'all'],
      ...['--max-model-len', '32768'],
    ]);
    const own = serverArgv({ ...S, serveArg: ['--collect-detailed-traces=model'] }, 'm', 1, tracing);
    assert.equal(own.filter((a) => a.startsWith('--collect-detailed-traces')).length, 1);
    assert.deepEqual(serverArgv({ ...S, vllmCommand: 'tau2-trace  sim' }, 'm', 1).slice(0, 4), [
      'tau2-trace',
      'sim',
      'serve',
      'm',
    ]);
  });

  it('splits extra arguments as a shell would, quotes and all, and expands nothing', () => {
    const argv = serverArgv(
      {
        ...S,
        serveArg: [`--chat-template '/t/with space.jinja' --x "$HOME/a b" c\\ d`, '--json \'{"a": 1}\''],
      },
      'm',
      1,
    );
    assert.deepEqual(argv.slice(-7), [
      '--chat-template',
      '/t/with space.jinja',
      '--x',
      '$HOME/a b',
      'c d',
      '--json',
      '{"a": 1}',
    ]);
  });

  it('gives each server its GPUs: given, inherited, or 0, 1, …', () => {
    assert.deepEqual(gpuAssignment(S, {}), ['0', '1']);
    assert.deepEqual(gpuAssignment(S, { CUDA_VISIBLE_DEVICES: '4,5,6' }), ['4', '5']);
    assert.deepEqual(gpuAssignment({ ...S, gpuIds: ['0+1', '2+3'] }, {}), ['0,1', '2,3']);
    assert.throws(() => gpuAssignment({ ...S, gpuIds: ['0'] }, {}), /numServers 2: gpuIds names only 1/);
  });
});

describe('run settings of servers and routing, from code', () => {
  it('refuses an unknown routing policy and a server count below 1 before anything starts', async () => {
    const { runSettings, startRun } = await import('../../src/harness/session.js');
    await assert.rejects(startRun(runSettings({ routing: 'nearest' as 'sticky' })), {
      field: 'routing',
      message: /nearest: not a routing policy \(sticky, random, least-loaded\)/,
    });
    await assert.rejects(startRun(runSettings({ serve: true, numServers: 0, agentModel: 'm' })), {
      field: 'numServers',
    });
    // Shell syntax the command would not get from a shell is refused, naming the setting and the text.
    for (const [serveArg, shown] of [
      ['--max-model-len 8192 | tee log', "'|'"],
      ['--x a#b', "'#b'"],
    ] as const) {
      await assert.rejects(startRun(runSettings({ serve: true, agentModel: 'm', serveArg: [serveArg] })), {
        field: 'serveArg',
        message: new RegExp(`${shown.replace(/[|#]/g, '\\$&')} is shell syntax`),
      });
    }
  });
});
