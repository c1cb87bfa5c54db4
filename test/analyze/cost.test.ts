/** Cost per trial and per run from token counts, a price table and a GPU-hour price; never a silent $0. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PRICES, loadPrices, type PriceTable, priceOf, runCost } from '../../src/analyze/cost.js';
import { runMetrics } from '../../src/analyze/metrics.js';
import { runTrials, type Trial } from '../../src/analyze/trials.js';
import { openRun } from '../../src/export/sources.js';
import { UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';
import { near, type RawSpan, rawSpans, simRun } from './sim-run.js';

const tmp = tempDir('tau2-cost-');
after(() => tmp.cleanup());

const TABLE: PriceTable = {
  source: 'test',
  date: 'today',
  models: {
    'sim-user': { input: 1, output: 2 },
    'sim-judge': { input: 3, cached_input: 1, output: 4 },
    'gpt-5': { input: 1.25, cached_input: 0.125, output: 10 },
    'gpt-5-mini': { input: 0.25, output: 2 },
    'Qwen3-32B': { input: 0.5, output: 0.5 },
  },
};

/**
 * USD of the raw chat spans of `model` under TABLE: the simulator's prefix cache reports cached input tokens,
 * priced at `cached_input` (the input price when the table gives none).
 */
function usd(calls: RawSpan[], model: string): number {
  const p = TABLE.models[model.slice(model.lastIndexOf('/') + 1)]!;
  return calls
    .filter((c) => c.attrs['gen_ai.request.model'] === model)
    .reduce((a, c) => {
      const input = c.attrs['gen_ai.usage.input_tokens'] as number;
      const cached = (c.attrs['gen_ai.usage.cache_read.input_tokens'] as number | undefined) ?? 0;
      const output = c.attrs['gen_ai.usage.output_tokens'] as number;
      return (
        a + ((input - cached) * p.input + cached * (p.cached_input ?? p.input) + output * p.output) / 1e6
      );
    }, 0);
}

describe('runCost on a real run', () => {
  let runDir = '';
  let trials: Trial[] = [];
  before(async () => {
    runDir = await simRun(tmp.path);
    trials = runTrials((await openRun({ kind: 'spool', path: runDir })).spans!);
  });

  it('lists the models it cannot price and gives no run or trial total, rather than $0', () => {
    const cost = runCost(trials, { prices: TABLE });
    assert.deepEqual(cost.unpriced, ['sim-orchestrator-8b']);
    assert.equal(cost.totalUsd, undefined);
    assert.equal(cost.trials.size, 0, 'every trial called the agent model');
    assert.equal(
      runMetrics(trials, cost.trials).metrics.find((m) => m.name === 'task.cost')!.samples.length,
      0,
    );
  });

  it('prices tokens per model and the self-hosted agent by GPU-hour × wall time, trials adding up to the run', () => {
    const cost = runCost(trials, { prices: TABLE, gpuHourPrice: 3.6 });
    const raw = rawSpans(runDir);
    const calls = raw.filter((s) => s.name.startsWith('chat '));
    const models = [...new Set(calls.map((c) => c.attrs['gen_ai.request.model'] as string))];
    const priced = models.filter((m) => m !== 'sim-orchestrator-8b');
    near(
      cost.tokensUsd,
      priced.reduce((a, m) => a + usd(calls, m), 0),
    );
    const tasks = raw.filter((s) => s.name === 'task');
    const wallMs = Math.max(...tasks.map((t) => t.endMs)) - Math.min(...tasks.map((t) => t.startMs));
    near(cost.gpuUsd, (3.6 * wallMs) / 3.6e6, 1e-6);
    near(cost.totalUsd, cost.tokensUsd + cost.gpuUsd);
    assert.deepEqual(cost.unpriced, []);
    assert.equal(cost.models.find((m) => m.model === 'sim-orchestrator-8b')!.pricedBy, 'gpu-hour');
    assert.equal(cost.trials.size, trials.length);
    near(
      [...cost.trials.values()].reduce((a, b) => a + b, 0),
      cost.totalUsd!,
    );
  });
});

describe('price tables', () => {
  it('finds a model by provider prefix or dated name', () => {
    assert.equal(priceOf(DEFAULT_PRICES, 'openai/gpt-5'), DEFAULT_PRICES.models['gpt-5']);
    assert.equal(priceOf(DEFAULT_PRICES, 'gpt-4.1-2025-04-14'), DEFAULT_PRICES.models['gpt-4.1']);
    assert.equal(
      priceOf(DEFAULT_PRICES, 'claude-sonnet-4-20250514'),
      DEFAULT_PRICES.models['claude-sonnet-4'],
    );
    assert.equal(priceOf(DEFAULT_PRICES, 'Nemotron-Orchestrator-8B'), undefined);
  });

  it('ships a default that says where its prices come from and when', () => {
    assert.match(DEFAULT_PRICES.source, /https:\/\//);
    assert.match(DEFAULT_PRICES.date, /^\d{4}-\d{2}-\d{2}/);
    const file = join(tmp.path, 'copy.json');
    writeFileSync(file, JSON.stringify(DEFAULT_PRICES));
    assert.deepEqual(loadPrices(file), DEFAULT_PRICES);
  });

  it('refuses a bad table naming the file and the entry', () => {
    const file = join(tmp.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ models: { 'gpt-5': { input: 1, output: -2 } } }));
    assert.throws(
      () => loadPrices(file),
      (e) =>
        e instanceof UsageError && e.field === 'prices' && /bad\.json: models\.gpt-5: output/.test(e.message),
    );
    writeFileSync(file, '{"gpt-5": 1}');
    assert.throws(() => loadPrices(file), /needs "models"/);
    assert.throws(() => loadPrices(join(tmp.path, 'missing.json')), /missing\.json: cannot be read/);
  });
});
