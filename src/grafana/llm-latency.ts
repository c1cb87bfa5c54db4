/**
 * "LLM latency": where an LLM call's time goes, seen from the client (the harness's GenAI histograms and span
 * metrics, per run) and from the server (vLLM's or the simulator's /metrics, per model, for every client of
 * the server; and the server's llm_request spans under this run's calls, through TraceQL metrics).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { Attr, Kind, SpanName } from '../telemetry/names.js';
import { Datasource } from './datasources.js';
import { meanTokensPerCall, tokenRate } from './genai-queries.js';
import { Gauge, GenAiHistogram, Histogram, Label, LLM_KINDS, VLLM_JOB } from './metrics.js';
import { baseDashboard, promTimeseries, runVariable, traceqlMetrics } from './panels.js';
import {
  type Metric,
  matcher,
  mean,
  quantile,
  RUN_MATCHER,
  sel,
  spanset,
  sumBy,
  traceqlAttr,
  traceqlEq,
} from './queries.js';

export const LLM_LATENCY_UID = 'tau2-llm-latency';

const BY_MODEL_KIND = [Label.model, Label.kind];
/** vLLM series as the collector scraped them (Prometheus may hold a second copy under another job). */
const VLLM = matcher(Label.job, '=', VLLM_JOB);
const MODEL_KIND_LEGEND = `{{${Label.kind}}} {{${Label.model}}}`;

/** p50 and p95 of a harness histogram per model and kind. */
function p50p95(histogram: Metric, matchers: string[] = [RUN_MATCHER]) {
  return [0.5, 0.95].map((q) => ({
    expr: quantile(q, histogram, BY_MODEL_KIND, matchers),
    legend: `p${q * 100} ${MODEL_KIND_LEGEND}`,
  }));
}

/** The server's llm_request spans that are direct children of this run's LLM call spans. */
const RUN_LLM_REQUESTS = `${spanset(`${traceqlAttr('span', Attr.kind)} =~ "${LLM_KINDS.join('|')}"`)} > { ${traceqlEq('name', SpanName.llmRequest)} }`;

/**
 * TraceQL metrics: mean of one of vLLM's `gen_ai.latency.*` attributes (seconds) on those spans, per model.
 * A mean, not a quantile: Tempo 3.0's quantile_over_time returns no series for fractional attribute values
 * below 1 (it works for `duration` and integer attributes), which is what these are.
 */
function serverLatencyMean(attribute: string): string {
  return `${RUN_LLM_REQUESTS} | avg_over_time(${traceqlAttr('span', attribute)}) by (${traceqlAttr('span', Attr.genAiRequestModel)})`;
}

/** One TraceQL metrics panel per phase: Tempo series cannot be renamed per query like Prometheus legends. */
function serverSplitPanel(phase: string, attribute: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(`${phase} time of this run’s requests (mean)`)
    .description(
      `TraceQL metrics: mean ${attribute} (seconds) of the server's llm_request spans nested under this run’s LLM calls, per model.`,
    )
    .datasource(Datasource.tempo)
    .unit('s')
    .min(0)
    .targets([traceqlMetrics(serverLatencyMean(attribute))])
    .height(8)
    .span(8);
}

export function llmLatencyDashboard(): dashboard.Dashboard {
  const vllm = (histogram: string, what: string) => ({
    expr: mean(histogram, [Label.vllmModel], [VLLM]),
    legend: `${what} {{${Label.vllmModel}}}`,
  });
  return baseDashboard(
    LLM_LATENCY_UID,
    'tau2-trace / LLM latency',
    'Time to first chunk, decode speed, call latency, tokens, and the server-side queue / prefill / decode split.',
  )
    .refresh('30s')
    .withVariable(runVariable())
    .withRow(new RowBuilder('Client side (harness)'))
    .withPanel(
      promTimeseries(
        'Time to first chunk',
        'gen_ai.client.operation.time_to_first_chunk (gen_ai.client.inference.time_to_first_chunk under the latest GenAI conventions): request sent → first chunk carrying content, tool calls or reasoning (streamed calls).',
        's',
        p50p95(GenAiHistogram.timeToFirstChunk),
      ),
    )
    .withPanel(
      promTimeseries(
        'Decode time per output chunk',
        'gen_ai.client.operation.time_per_output_chunk (latest conventions: gen_ai.client.inference.time_per_output_chunk): decode time / (chunks − 1) of each streamed call.',
        's',
        p50p95(GenAiHistogram.timePerOutputChunk),
      ),
    )
    .withPanel(
      promTimeseries(
        'Call duration',
        'gen_ai.client.operation.duration (latest conventions: gen_ai.client.inference.duration): the whole call, retries included.',
        's',
        p50p95(GenAiHistogram.callDuration),
      ),
    )
    .withPanel(
      promTimeseries(
        'Tokens per second',
        'gen_ai.client.token.usage summed (latest conventions: the gen_ai.client.inference.usage.* counters): input and output tokens per second.',
        'short',
        [
          {
            expr: tokenRate([Label.tokenType, Label.kind], [RUN_MATCHER]),
            legend: `{{${Label.tokenType}}} {{${Label.kind}}}`,
          },
        ],
      ),
    )
    .withPanel(
      promTimeseries(
        'Client prefill vs decode (mean)',
        'Mean duration of the prefill and decode child spans of streamed calls (span metrics).',
        'ms',
        [Kind.prefill, Kind.decode].map((kind) => ({
          expr: mean(Histogram.spanDuration, [], [RUN_MATCHER, matcher(Label.kind, '=', kind)]),
          legend: kind,
        })),
      ),
    )
    .withPanel(
      promTimeseries(
        'Mean tokens per call',
        'Mean input and output tokens per answered call, by kind.',
        'short',
        [
          {
            expr: meanTokensPerCall([Label.tokenType, Label.kind], [RUN_MATCHER]),
            legend: `{{${Label.tokenType}}} {{${Label.kind}}}`,
          },
        ],
      ),
    )
    .withRow(new RowBuilder('Server side (vLLM / simulator, all clients)'))
    .withPanel(
      promTimeseries(
        'Requests in flight',
        'vLLM: requests running in the batch and waiting in the queue.',
        'short',
        [
          {
            expr: sumBy([Label.vllmModel], sel(Gauge.vllmRequestsRunning, VLLM)),
            legend: `running {{${Label.vllmModel}}}`,
          },
          {
            expr: sumBy([Label.vllmModel], sel(Gauge.vllmRequestsWaiting, VLLM)),
            legend: `waiting {{${Label.vllmModel}}}`,
          },
        ],
      ),
    )
    .withPanel(
      promTimeseries(
        'Queue / prefill / decode per request (mean)',
        'vLLM: mean time a request spends waiting, in prefill and in decode (stacked).',
        's',
        [
          vllm(Histogram.vllmQueueTime, 'queue'),
          vllm(Histogram.vllmPrefillTime, 'prefill'),
          vllm(Histogram.vllmDecodeTime, 'decode'),
        ],
      ).stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
    )
    .withPanel(
      promTimeseries(
        'Server vs client time to first token (p95)',
        'vLLM time_to_first_token (server, every client) against the harness time to first chunk (client, this run), per model.',
        's',
        [
          {
            expr: quantile(0.95, Histogram.vllmTimeToFirstToken, [Label.vllmModel], [VLLM]),
            legend: `server {{${Label.vllmModel}}}`,
          },
          {
            expr: quantile(0.95, GenAiHistogram.timeToFirstChunk, [Label.model], [RUN_MATCHER]),
            legend: `client {{${Label.model}}}`,
          },
        ],
      ),
    )
    .withPanel(
      promTimeseries('Server end-to-end latency (p95)', 'vLLM e2e_request_latency per model.', 's', [
        {
          expr: quantile(0.95, Histogram.vllmE2eLatency, [Label.vllmModel], [VLLM]),
          legend: `{{${Label.vllmModel}}}`,
        },
      ]),
    )
    .withRow(new RowBuilder('This run on the server (Tempo, llm_request spans)'))
    .withPanel(serverSplitPanel('Queue', Attr.latencyTimeInQueue))
    .withPanel(serverSplitPanel('Prefill', Attr.latencyPrefill))
    .withPanel(serverSplitPanel('Decode', Attr.latencyDecode))
    .build();
}
