import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { MetricName } from './names.js';

// Bucket boundaries recommended by the GenAI semantic conventions for these instruments.
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const CHUNK_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

/** The GenAI client instruments the LLM client records into (seconds and tokens, per semconv). */
export interface GenAiInstruments {
  operationDuration: Histogram;
  tokenUsage: Histogram;
  timeToFirstChunk: Histogram;
  timePerOutputChunk: Histogram;
  /** Records the tau2-level outcome of one task trial. */
  taskCompleted(attributes: Attributes, reward: number): void;
  /** States how many task trials the run has in all (done or not). */
  tasksPlanned(total: number, attributes: Attributes): void;
}

/** Creates the instruments on `meter` (a no-op meter makes them free). */
export function createGenAiInstruments(meter: Meter): GenAiInstruments {
  const tasks = meter.createCounter(MetricName.tasksCompleted, { description: 'Task trials finished' });
  const reward = meter.createHistogram(MetricName.taskReward, {
    description: 'Reward of finished task trials',
    advice: { explicitBucketBoundaries: [0, 0.25, 0.5, 0.75, 1] },
  });
  const planned = meter.createGauge(MetricName.tasksPlanned, {
    description: 'Task trials of the run, done or not',
  });
  return {
    operationDuration: meter.createHistogram(MetricName.operationDuration, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    tokenUsage: meter.createHistogram(MetricName.tokenUsage, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    timeToFirstChunk: meter.createHistogram(MetricName.timeToFirstChunk, {
      description: 'Time to receive the first chunk of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    timePerOutputChunk: meter.createHistogram(MetricName.timePerOutputChunk, {
      description: 'Time between consecutive chunks of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: CHUNK_BUCKETS },
    }),
    taskCompleted(attributes, value) {
      tasks.add(1, attributes);
      reward.record(value, attributes);
    },
    tasksPlanned(total, attributes) {
      planned.record(total, attributes);
    },
  };
}
