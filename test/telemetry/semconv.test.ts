import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genAiConvention, genAiConventionOf } from '../../src/telemetry/semconv.js';

describe('OTEL_SEMCONV_STABILITY_OPT_IN → GenAI convention', () => {
  it('keeps the v1.41 names unless gen_ai_latest_experimental is listed', () => {
    for (const value of [undefined, '', ' ', 'http', 'http/dup,database', ',,']) {
      assert.deepEqual(genAiConventionOf(value), { convention: 'v1.41', ignored: [] }, String(value));
    }
  });

  it('reads a comma-separated list, entries trimmed, beside other categories', () => {
    for (const value of [
      'gen_ai_latest_experimental',
      ' gen_ai_latest_experimental ',
      'http,gen_ai_latest_experimental',
      'database/dup , gen_ai_latest_experimental,http',
    ]) {
      assert.deepEqual(genAiConventionOf(value), { convention: 'latest', ignored: [] }, value);
    }
  });

  it('an entry must be the value exactly: /dup, prefixes and other spellings are reported, not honoured', () => {
    assert.deepEqual(genAiConventionOf('gen_ai_latest_experimental/dup'), {
      convention: 'v1.41',
      ignored: ['gen_ai_latest_experimental/dup'],
    });
    assert.deepEqual(genAiConventionOf('http,gen_ai_latest,gen_ai_latest_experimentalx'), {
      convention: 'v1.41',
      ignored: ['gen_ai_latest', 'gen_ai_latest_experimentalx'],
    });
    assert.equal(genAiConventionOf('gen_ai latest experimental').convention, 'v1.41');
    // Listed beside a value it understands, the unknown one is still reported.
    assert.deepEqual(genAiConventionOf('gen_ai_latest_experimental,gen_ai_latest_experimental/dup'), {
      convention: 'latest',
      ignored: ['gen_ai_latest_experimental/dup'],
    });
  });

  it('genAiConvention reads the environment variable the conventions name', () => {
    assert.equal(genAiConvention({ OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' }), 'latest');
    assert.equal(genAiConvention({ OTEL_SEMCONV_OPT_IN: 'gen_ai_latest_experimental' }), 'v1.41');
    assert.equal(genAiConvention({}), 'v1.41');
  });
});
