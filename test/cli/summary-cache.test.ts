/**
 * The closing summary's `cache hit` column: cached over prompt tokens of the calls whose server reported
 * cached tokens (analyze/cache.ts), '-' for a kind whose server never did.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheTally } from '../../src/analyze/cache.js';
import { summaryTable } from '../../src/cli/progress.js';
import { createRunStats } from '../../src/harness/stats.js';
import { chatResult } from '../harness/fixtures.js';

describe('prefix-cache hit rate', () => {
  it('leaves calls without a report out of both sides and clamps a report above the prompt', () => {
    const t = new CacheTally();
    t.add('llm_call', 100, 0);
    t.add('llm_call', 300, 240);
    t.add('llm_call', 500, undefined);
    t.add('llm_call', 50, 80);
    assert.deepEqual(t.get('llm_call'), {
      calls: 4,
      reported: 3,
      inputTokens: 450,
      cachedTokens: 290,
      hitRate: 290 / 450,
    });
    t.add('user_sim', 10, undefined);
    assert.equal(t.get('user_sim')?.hitRate, null);
  });

  it("shows in the closing summary per kind, '-' when the server does not report", () => {
    const stats = createRunStats();
    stats.onLlmCall('llm_call', { ...chatResult('a'), inputTokens: 1000, cachedInputTokens: 0 });
    stats.onLlmCall('llm_call', { ...chatResult('b'), inputTokens: 1000, cachedInputTokens: 750 });
    stats.onLlmCall('user_sim', chatResult('c'));
    const table = summaryTable(stats, 1000);
    assert.match(table, /cache hit/);
    const row = (kind: string) => table.split('\n').find((l) => l.includes(` ${kind} `)) ?? '';
    assert.match(row('llm_call'), /37\.5%/);
    assert.match(row('user_sim'), /│\s+-\s+│\s*$/);
  });
});
