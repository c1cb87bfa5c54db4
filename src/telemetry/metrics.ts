import type { Attributes, Meter } from '@opentelemetry/api';
import { createLlmCallRecorder, type LlmCallRecorder } from './genai-metrics.js';
import { MetricName } from './names.js';
import { type GenAiConvention, genAiConvention } from './semconv.js';

/** The instruments the harness records into: GenAI client metrics of LLM calls, and tau2's task metrics. */
export interface GenAiInstruments {
  /** LLM calls, under the GenAI conventions `OTEL_SEMCONV_STABILITY_OPT_IN` chose (semconv.ts). */
  llmCalls: LlmCallRecorder;
  /** Records the tau2-level outcome of one task trial. */
  taskCompleted(attributes: Attributes, reward: number): void;
  /** States how many task trials the run has in all (done or not). */
  tasksPlanned(total: number, attributes: Attributes): void;
}

/**
 * Creates the instruments on `meter` (a no-op meter makes them free). The GenAI convention defaults to the
 * one the process environment asks for, so every caller (run, tests, benchmarks) follows the opt-in alike.
 */
export function createGenAiInstruments(
  meter: Meter,
  convention: GenAiConvention = genAiConvention(),
): GenAiInstruments {
  const tasks = meter.createCounter(MetricName.tasksCompleted, { description: 'Task trials finished' });
  const reward = meter.createHistogram(MetricName.taskReward, {
    description: 'Reward of finished task trials',
    advice: { explicitBucketBoundaries: [0, 0.25, 0.5, 0.75, 1] },
  });
  const planned = meter.createGauge(MetricName.tasksPlanned, {
    description: 'Task trials of the run, done or not',
  });
  return {
    llmCalls: createLlmCallRecorder(meter, convention),
    taskCompleted(attributes, value) {
      tasks.add(1, attributes);
      reward.record(value, attributes);
    },
    tasksPlanned(total, attributes) {
      planned.record(total, attributes);
    },
  };
}
