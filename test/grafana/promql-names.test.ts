import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promqlNames, traceqlAttributes } from './promql-names.js';

test('promqlNames finds metrics and labels, not functions, keywords, strings or durations', () => {
  const { metrics, labels } = promqlNames(
    'histogram_quantile(0.95, sum by (le, model) (rate(a_bucket{run=~"x|y", k!="or"}[5m] offset 1d))) ' +
      '/ on (model) group_left () b or vector(0) and vllm:num_requests_running > bool 1e3',
  );
  assert.deepEqual([...metrics].sort(), ['a_bucket', 'b', 'vllm:num_requests_running']);
  assert.deepEqual([...labels].sort(), ['k', 'le', 'model', 'run']);
});

test('traceqlAttributes reads span. and resource. references outside strings', () => {
  const attrs = traceqlAttributes(
    '{ resource.tau2.run.id =~ "span.not.this" && span.tau2.kind = "task" } > { name = "x" } | avg_over_time(span.gen_ai.latency.e2e) by (span.gen_ai.request.model)',
  );
  assert.deepEqual([...attrs].sort(), [
    'gen_ai.latency.e2e',
    'gen_ai.request.model',
    'tau2.kind',
    'tau2.run.id',
  ]);
});
