import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SimOutcome } from '../telemetry/names.js';
import type { EngineGauges } from './engine.js';

/**
 * The simulator's own counter of chat requests by `model_name` and `outcome` (a {@link SimOutcome}), counted
 * once per request when its outcome is final. vLLM has no counter that tells faults apart; its own names
 * below stay as vLLM spells them.
 */
export const REQUESTS_TOTAL = 'tau2_sim_requests_total';

// vLLM's own bucket boundaries for its latency histograms (seconds).
const LATENCY_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640,
];
const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

/** What the server records per finished request (seconds and tokens). */
export interface RequestTimings {
  model: string;
  queue: number;
  prefill: number;
  decode: number;
  ttft: number;
  e2e: number;
  promptTokens: number;
  /** Prompt tokens found in the prefix cache. */
  cachedTokens: number;
  outputTokens: number;
  finishedReason: string;
}

/** vLLM's `/metrics` names, so scrapers and dashboards built for vLLM work against the simulator. */
export interface SimMetrics {
  registry: Registry;
  observe(t: RequestTimings): void;
  /** Counts one chat request whose outcome is final; `model` is '' when it names no served model. */
  count(model: string, outcome: SimOutcome): void;
  /** Refreshes the running/waiting gauges from the engine before a scrape. */
  collectGauges(model: string, gauges: EngineGauges): void;
}

/** Creates the metrics of a server that serves `models` (whose request counters start at zero). */
export function createSimMetrics(models: string[] = []): SimMetrics {
  const registry = new Registry();
  const requests = requestCounter(registry, models);
  const vllm = vllmInstruments(registry);
  return {
    registry,
    observe: (t) => observeRequest(vllm, t),
    count(model, outcome) {
      requests.inc({ model_name: model, outcome });
    },
    collectGauges(model, g) {
      const labels = { model_name: model, engine: '0' };
      vllm.running.set(labels, g.running);
      vllm.waiting.set(labels, g.waiting);
    },
  };
}

/** {@link REQUESTS_TOTAL}, with every series of `models` at 0. */
function requestCounter(registry: Registry, models: string[]) {
  const requests = new Counter({
    name: REQUESTS_TOTAL,
    help: 'Chat requests by how they ended',
    labelNames: ['model_name', 'outcome'],
    registers: [registry],
  });
  // Every series exists from the start at 0, so a scrape before the first fault already shows it and
  // increase() over a soak counts from zero. Requests for no served model are counted under model_name="",
  // so a client cannot add series at will.
  for (const model of models) {
    for (const outcome of Object.values(SimOutcome)) {
      if (outcome !== SimOutcome.notFound) requests.inc({ model_name: model, outcome }, 0);
    }
  }
  for (const outcome of [SimOutcome.notFound, SimOutcome.badRequest])
    requests.inc({ model_name: '', outcome }, 0);
  return requests;
}

type VllmInstruments = ReturnType<typeof vllmInstruments>;

/** vLLM's own histograms, counters and gauges, under its names and labels. */
function vllmInstruments(registry: Registry) {
  const labelNames = ['model_name', 'engine'] as const;
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    ttft: histogram('vllm:time_to_first_token_seconds', 'Time to first token', LATENCY_BUCKETS),
    queue: histogram('vllm:request_queue_time_seconds', 'Time spent waiting in the queue', LATENCY_BUCKETS),
    prefill: histogram('vllm:request_prefill_time_seconds', 'Time spent in prefill', LATENCY_BUCKETS),
    decode: histogram('vllm:request_decode_time_seconds', 'Time spent in decode', LATENCY_BUCKETS),
    e2e: histogram('vllm:e2e_request_latency_seconds', 'End-to-end request latency', LATENCY_BUCKETS),
    itl: histogram('vllm:inter_token_latency_seconds', 'Inter-token latency', ITL_BUCKETS),
    tpot: histogram('vllm:time_per_output_token_seconds', 'Time per output token', ITL_BUCKETS),
    promptTokens: counter('vllm:prompt_tokens_total', 'Prefill tokens processed'),
    generationTokens: counter('vllm:generation_tokens_total', 'Generation tokens processed'),
    // vLLM's counters `vllm:prefix_cache_queries` and `…_hits`, in tokens (Prometheus adds `_total`).
    cacheQueries: counter('vllm:prefix_cache_queries_total', 'Prefix cache queries, in queried tokens'),
    cacheHits: counter('vllm:prefix_cache_hits_total', 'Prefix cache hits, in cached tokens'),
    success: new Counter({
      name: 'vllm:request_success_total',
      help: 'Successfully processed requests',
      labelNames: [...labelNames, 'finished_reason'],
      registers: [registry],
    }),
    running: gauge('vllm:num_requests_running', 'Requests in model execution batches'),
    waiting: gauge('vllm:num_requests_waiting', 'Requests waiting to be processed'),
  };
}

/** Records one finished request as vLLM does. */
function observeRequest(m: VllmInstruments, t: RequestTimings): void {
  const labels = { model_name: t.model, engine: '0' };
  m.ttft.observe(labels, t.ttft);
  m.queue.observe(labels, t.queue);
  m.prefill.observe(labels, t.prefill);
  m.decode.observe(labels, t.decode);
  m.e2e.observe(labels, t.e2e);
  if (t.outputTokens > 1) {
    const perToken = t.decode / (t.outputTokens - 1);
    m.itl.observe(labels, perToken);
    m.tpot.observe(labels, perToken);
  }
  m.promptTokens.inc(labels, t.promptTokens);
  m.generationTokens.inc(labels, t.outputTokens);
  m.cacheQueries.inc(labels, t.promptTokens);
  m.cacheHits.inc(labels, t.cachedTokens);
  m.success.inc({ ...labels, finished_reason: t.finishedReason });
}
