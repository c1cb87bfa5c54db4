import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkServeFlags } from '../../src/cli/serve-flags.js';

describe('run: server flags', () => {
  it('are refused without --serve, naming them', () => {
    assert.throws(
      () => checkServeFlags(false, ['numServers', 'seed', 'vllmCommand']),
      /--num-servers, --vllm-command: only with --serve/,
    );
    assert.doesNotThrow(() => checkServeFlags(true, ['numServers', 'vllmCommand']));
    assert.doesNotThrow(
      () => checkServeFlags(false, ['routing', 'seed']),
      '--routing applies to any endpoints',
    );
  });
});
