/** stats_ext numbers and the log-scale / CDF chart inputs, on hand-checked cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extChartInputs } from '../../src/export/charts/ext.js';
import { renderSpecPng } from '../../src/export/charts/index.js';
import { chartSpec } from '../../src/export/charts/spec.js';
import { ExtCollector, quantile, summarizeExt } from '../../src/export/ext/stats-ext.js';

describe('stats_ext', () => {
  it('percentiles interpolate linearly between order statistics (numpy default)', () => {
    // numpy.percentile([1, 2, 3, 4], [50, 90, 99]) = [2.5, 3.7, 3.97]
    const s = summarizeExt(Float64Array.from([4, 1, 3, 2]))!;
    assert.equal(s.p50, 2.5);
    assert.ok(Math.abs(s.p90 - 3.7) < 1e-12);
    assert.ok(Math.abs(s.p99 - 3.97) < 1e-12);
    assert.deepEqual([s.n, s.min, s.max, s.mean], [4, 1, 4, 2.5]);
    assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
    assert.equal(quantile([7], 0.99), 7);
    assert.equal(summarizeExt(new Float64Array(0)), null);
  });

  it('groups by model and domain, and leaves out values that are not durations', () => {
    const c = new ExtCollector();
    c.add('kinds', 'llm_call', 'ms', 10, 'm1', 'retail');
    c.add('kinds', 'llm_call', 'ms', 30, 'm2', 'retail');
    c.add('kinds', 'llm_call', 'ms', Number.NaN, 'm2', 'retail');
    c.add('kinds', 'llm_call', 'ms', -1, 'm2', 'airline');
    const g = c.sections.kinds.get('llm_call')!;
    assert.deepEqual([...g.all.values()], [10, 30]);
    assert.deepEqual([...g.byModel.keys()], ['m1', 'm2']);
    assert.deepEqual([...g.byDomain.keys()], ['retail']);
  });
});

describe('ext charts', () => {
  it('log bins cover min to max and hold every positive value; the CDF ends at 100 %', () => {
    const values = Float64Array.from([0, 1, 2, 5, 10, 100, 1000, 10000]);
    const [hist, cdf] = extChartInputs('tool_call', 'ms', values);
    assert.equal(hist.nonPositive, 1);
    assert.ok(Math.abs(hist.bins[0]!.x0 - 1) < 1e-9);
    assert.ok(Math.abs(hist.bins[hist.bins.length - 1]!.x1 - 10000) < 1e-6);
    assert.equal(hist.bins.length, 20, '4 decades, 5 bins each');
    const total = hist.bins.reduce((a, b) => a + b.pct, 0);
    assert.ok(Math.abs(total - (7 / 8) * 100) < 1e-9);
    assert.deepEqual(cdf.points[cdf.points.length - 1], { x: 10000, pct: 100 });
    assert.deepEqual(
      cdf.marks.map((m) => m.label),
      ['p50', 'p90', 'p99'],
    );
  });

  it('renders all three chart kinds, and "no data" ones, as 2000×800 PNGs', async () => {
    const values = Float64Array.from({ length: 500 }, (_, i) => Math.exp(i / 50));
    const inputs = [
      ...extChartInputs('toolorchestra_vllm_infer', 'ms', values),
      ...extChartInputs('expert_call', 'ms', new Float64Array(0)),
    ];
    for (const input of inputs) {
      const png = await renderSpecPng(chartSpec(input));
      assert.deepEqual([png.length > 10_000, Buffer.from(png).readUInt32BE(16)], [true, 2000], input.chart);
    }
  });
});
