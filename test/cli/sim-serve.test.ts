import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServeArgs, serveTelemetryEnv } from '../../src/cli/sim-serve.js';

describe('sim serve: vLLM command line', () => {
  it('maps the flags it models and lists the others as ignored', () => {
    const { options, ignored, otlpTracesEndpoint } = parseServeArgs([
      '/ckpt/Orchestrator-8B',
      ...['--host', '127.0.0.1', '--port', '1901', '--max-num-seqs', '48'],
      ...['--enable-auto-tool-choice', '--tool-call-parser', 'hermes', '--gpu-memory-utilization=0.9'],
      ...['--otlp-traces-endpoint', 'http://127.0.0.1:4317', '--collect-detailed-traces', 'all'],
      ...['--max-num-batched-tokens', '8192', '--tensor-parallel-size', '2', '--time-scale', '0.1'],
    ]);
    assert.equal(options.port, 1901);
    assert.equal(options.maxNumSeqs, 48);
    assert.equal(options.maxBatchedTokens, 8192);
    assert.equal(options.timeScale, 0.1);
    assert.deepEqual(options.agentModels, ['/ckpt/Orchestrator-8B']);
    assert.deepEqual(options.userModels, []);
    assert.equal(options.watchParent, true);
    assert.equal(otlpTracesEndpoint, 'http://127.0.0.1:4317');
    assert.deepEqual(ignored, [
      '--enable-auto-tool-choice',
      '--tool-call-parser hermes',
      '--gpu-memory-utilization=0.9',
      '--collect-detailed-traces all',
      '--tensor-parallel-size 2',
    ]);
  });

  it("models vLLM's prefix-cache flags", () => {
    const on = parseServeArgs(['m', '--enable-prompt-tokens-details']);
    assert.equal(on.options.enablePrefixCaching, true);
    assert.equal(on.options.blockSize, 16);
    // The simulator always reports cached tokens, as vLLM does with this flag.
    assert.deepEqual(on.ignored, ['--enable-prompt-tokens-details']);
    const off = parseServeArgs(['m', '--no-enable-prefix-caching', '--block-size', '32']);
    assert.equal(off.options.enablePrefixCaching, false);
    assert.equal(off.options.blockSize, 32);
  });

  it('serves the model under --served-model-name, in the role asked for', () => {
    const { options } = parseServeArgs(['m', '--served-model-name', 'a', 'b', '--role', 'user']);
    assert.deepEqual(options.userModels, ['a', 'b']);
    assert.deepEqual(options.agentModels, []);
  });

  it('refuses a bad value of a flag it models, and a missing model', () => {
    assert.throws(() => parseServeArgs(['m', '--port', 'x']), /--port/);
    assert.throws(() => parseServeArgs(['--port', '1']), /no <model>/);
    assert.throws(() => parseServeArgs(['m', '--role', 'boss']), /--role boss/);
  });

  it('traces over OTLP only to --otlp-traces-endpoint, gRPC unless told otherwise, and pushes no metrics', () => {
    const env: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    serveTelemetryEnv(env, 'http://127.0.0.1:4317');
    assert.deepEqual(env, {
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4317',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
    });
    const quiet: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x' };
    serveTelemetryEnv(quiet, undefined);
    assert.deepEqual(quiet, { OTEL_METRICS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' });
  });
});
