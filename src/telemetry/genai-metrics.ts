/**
 * The GenAI client metrics of one LLM call, under either version of the conventions (semconv.ts): the LLM
 * client describes a finished call once ({@link LlmCallMeasurement}) and the recorder writes it into the
 * instruments of the chosen version, so the two namings cannot drift apart in what they measure.
 *
 * v1.41 (semantic-conventions v1.41.0, docs/gen-ai/gen-ai-metrics.md): `gen_ai.client.operation.duration`,
 * `…operation.time_to_first_chunk`, `…operation.time_per_output_chunk` (s) and `gen_ai.client.token.usage`
 * (`{token}`, one histogram split by `gen_ai.token.type`).
 *
 * Latest (semantic-conventions-genai v0.1.0, docs/gen-ai/client-inference.md and gen-ai-token-metrics.md;
 * model/gen-ai/token-metrics.yaml):
 * - `gen_ai.client.inference.duration`, `…inference.time_to_first_chunk`, `…inference.time_per_output_chunk`:
 *   histograms in `s`, the v1.41 attributes, each advised [0.01, 0.02, … 81.92] (the duration buckets; v1.41
 *   advised finer buckets up to 2.5 s for time per chunk, kept for the v1.41 name);
 * - `gen_ai.client.inference.usage.{input,output}_tokens`: monotonic counters (`{token}`) with the required
 *   `gen_ai.token.modality`, recorded for every call, failed ones included (0, modality `unknown`);
 * - `gen_ai.client.inference.usage.cache_read.input_tokens`: input tokens served from the provider's cache, a
 *   subset of the input tokens. The conventions ask for it on every call, 0 when unknown; the harness records
 *   it only for responses that report cached tokens (vLLM with --enable-prompt-tokens-details, the simulator),
 *   because servers that do not report (vLLM by default, most OpenAI-compatible ones) would otherwise read as a
 *   cache that always misses;
 * - `gen_ai.client.inference.operation.{input,output}_tokens`: histograms of tokens per call (`{token}`,
 *   advised [1, 4, 16, … 67108864]), with `error.type` and 0 for failed calls, and no modality (percentiles
 *   across modalities do not add up).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { Attr, LatestMetricName, MetricName, TokenModality } from './names.js';
import type { GenAiConvention } from './semconv.js';

/** v1.41's and the latest advice for durations, in seconds: 10 ms to 82 s, doubling. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** v1.41's advice for `gen_ai.client.operation.time_per_output_chunk`. */
const V141_CHUNK_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
/** v1.41's advice for `gen_ai.client.token.usage` as the harness has always recorded it. */
const V141_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];
/** The latest advice for tokens per call: powers of 4 up to 2^26. */
const TOKEN_BUCKETS = [...V141_TOKEN_BUCKETS, 16777216, 67108864];

/** What one finished LLM call measured; the recorder picks what its conventions want. */
export interface LlmCallMeasurement {
  /** Call start → end in seconds, retries included. */
  durationS: number;
  /** The call's low-cardinality attributes: operation, provider, models, server, `tau2.kind`, run id. */
  attributes: Attributes;
  /** Set when the call failed: it then has no usage and no stream timings. */
  errorType?: string;
  /** Streamed calls: request sent → first chunk carrying anything, in seconds. */
  timeToFirstChunkS?: number;
  /** Streamed calls of two chunks or more: decode time / (chunks − 1), in seconds. */
  timePerOutputChunkS?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens the server says it served from its prefix cache, when it says so (vLLM with prompt details). */
  cacheReadInputTokens?: number;
}

/** Records LLM calls into the GenAI client instruments of one convention. */
export interface LlmCallRecorder {
  readonly convention: GenAiConvention;
  record(call: LlmCallMeasurement): void;
}

const seconds = (meter: Meter, name: string, description: string, buckets: number[]): Histogram =>
  meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: buckets } });

function v141Recorder(meter: Meter): LlmCallRecorder {
  const duration = seconds(meter, MetricName.operationDuration, 'GenAI operation duration', DURATION_BUCKETS);
  const ttfc = seconds(
    meter,
    MetricName.timeToFirstChunk,
    'Time to receive the first chunk of a streamed response',
    DURATION_BUCKETS,
  );
  const perChunk = seconds(
    meter,
    MetricName.timePerOutputChunk,
    'Time between consecutive chunks of a streamed response',
    V141_CHUNK_BUCKETS,
  );
  const tokens = meter.createHistogram(MetricName.tokenUsage, {
    description: 'Number of input and output tokens used',
    unit: '{token}',
    advice: { explicitBucketBoundaries: V141_TOKEN_BUCKETS },
  });
  return {
    convention: 'v1.41',
    record(c) {
      if (c.errorType !== undefined) {
        duration.record(c.durationS, { ...c.attributes, [Attr.errorType]: c.errorType });
        return;
      }
      if (c.timeToFirstChunkS !== undefined) ttfc.record(c.timeToFirstChunkS, c.attributes);
      if (c.timePerOutputChunkS !== undefined) perChunk.record(c.timePerOutputChunkS, c.attributes);
      duration.record(c.durationS, c.attributes);
      tokens.record(c.inputTokens ?? 0, { ...c.attributes, [Attr.genAiTokenType]: 'input' });
      tokens.record(c.outputTokens ?? 0, { ...c.attributes, [Attr.genAiTokenType]: 'output' });
    },
  };
}

function latestRecorder(meter: Meter): LlmCallRecorder {
  const M = LatestMetricName;
  const duration = seconds(meter, M.inferenceDuration, 'GenAI client inference duration', DURATION_BUCKETS);
  const ttfc = seconds(
    meter,
    M.timeToFirstChunk,
    'Time to receive the first chunk of a streamed response',
    DURATION_BUCKETS,
  );
  const perChunk = seconds(
    meter,
    M.timePerOutputChunk,
    'Time between consecutive chunks of a streamed response',
    DURATION_BUCKETS,
  );
  const counter = (name: string, description: string): Counter =>
    meter.createCounter(name, { description, unit: '{token}' });
  const usageIn = counter(M.usageInputTokens, 'Input tokens used, cached ones included');
  const usageOut = counter(M.usageOutputTokens, 'Output tokens used, reasoning ones included');
  const cacheRead = counter(M.usageCacheReadInputTokens, "Input tokens served from the provider's cache");
  const perCall = (name: string, description: string): Histogram =>
    meter.createHistogram(name, {
      description,
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
  const callIn = perCall(M.operationInputTokens, 'Input tokens per inference call');
  const callOut = perCall(M.operationOutputTokens, 'Output tokens per inference call');
  return {
    convention: 'latest',
    record(c) {
      const failed = c.errorType !== undefined;
      const withError = failed ? { ...c.attributes, [Attr.errorType]: c.errorType } : c.attributes;
      duration.record(c.durationS, withError);
      if (c.timeToFirstChunkS !== undefined) ttfc.record(c.timeToFirstChunkS, c.attributes);
      if (c.timePerOutputChunkS !== undefined) perChunk.record(c.timePerOutputChunkS, c.attributes);
      // The harness sends text only (messages and tool schemas), and chat completions count text tokens; a
      // failed call received no usage, which the conventions record as 0 of modality `unknown`.
      const modality = {
        ...c.attributes,
        [Attr.genAiTokenModality]: failed ? TokenModality.unknown : TokenModality.text,
      };
      usageIn.add(c.inputTokens ?? 0, modality);
      usageOut.add(c.outputTokens ?? 0, modality);
      // Only what the server reported: a 0 for a server that does not report its cache would claim misses.
      if (c.cacheReadInputTokens !== undefined) cacheRead.add(c.cacheReadInputTokens, modality);
      callIn.record(c.inputTokens ?? 0, withError);
      callOut.record(c.outputTokens ?? 0, withError);
    },
  };
}

/** The recorder for `convention`, its instruments created on `meter`. */
export function createLlmCallRecorder(meter: Meter, convention: GenAiConvention): LlmCallRecorder {
  return convention === 'latest' ? latestRecorder(meter) : v141Recorder(meter);
}
