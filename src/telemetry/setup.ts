/**
 * One process role's telemetry pipeline (the harness, or a simulated server), built from the SDK's parts the
 * way `NodeSDK` builds them from the standard `OTEL_*` variables (see env.ts), with two things of ours:
 *
 * - **The spool never loses a span to sampling.** The provider's sampler is the one `OTEL_TRACES_SAMPLER`
 *   names (default parent-based always-on) wrapped in the SDK's always-record sampler: a span the sampler
 *   drops is still recorded (RECORD_ONLY, not SAMPLED). The spool processor takes every recorded span; the
 *   batch processor in front of the exporters takes only SAMPLED ones. The sampled flag travels in
 *   `traceparent`, so a parent-based sampler decides once per trace, at its root (`traceidratio` hashes the
 *   trace id), and every child span, here or in a simulated server or vLLM, follows: exported traces are whole.
 * - **Why not `NodeSDK` itself.** It registers its providers as process globals and keeps them private, while
 *   one process holds several pipelines (the harness and an in-process simulator, or several runs in one
 *   test); and a pipeline with a spool, the always-record sampler and counted exporters would override every
 *   part NodeSDK builds from the environment. So every pipeline, CLI or library, is built here from the same
 *   parts, and nothing is registered globally: components receive their tracer explicitly.
 */
import { type Attributes, type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  type IMetricReader,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  createAlwaysRecordSampler,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  batchSettingsFromEnv,
  type ExporterName,
  exportersFor,
  metricExportTimingFromEnv,
  otlpProtocol,
  resourceDetectorsFromEnv,
  samplerFromEnv,
  spanLimitsFromEnv,
} from './env.js';
import { type ExportReport, ExportTally } from './export-report.js';
import { createOtlpMetricExporter, createOtlpSpanExporter, otlpTracesEndpoint } from './exporters.js';
import { createGenAiInstruments, type GenAiInstruments } from './metrics.js';
import { Attr } from './names.js';
import { createSpoolProcessor, type SpoolWriter } from './spool.js';

export type { ExportReport } from './export-report.js';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** Extra resource attributes (`tau2.run.*`, `tau2.shard.*`); `OTEL_RESOURCE_ATTRIBUTES` overrides them. */
  resource?: Attributes;
  /** Spans go here (the run's `spans.otlp.jsonl`), every one of them; may be shared with a simulated server. */
  spool?: SpoolWriter;
  /**
   * OTLP export: true adds it, false turns every exporter off. Default: as `OTEL_TRACES_EXPORTER` /
   * `OTEL_METRICS_EXPORTER` say, and when unset, when an `OTEL_EXPORTER_OTLP_*ENDPOINT` variable is set.
   */
  otlp?: boolean;
  /** Tracing off: a no-op tracer and meter (the baseline of the overhead benchmark). */
  disabled?: boolean;
  /** Whether the spool writer is closed by shutdown (false when another provider shares it). */
  ownsSpool?: boolean;
}

/** A running telemetry pipeline: use its tracer/meter, then `shutdown()` once (idempotent). */
export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  instruments: GenAiInstruments;
  /** Whether spans or metrics go out over OTLP. */
  otlp: boolean;
  /**
   * Resolves once the resource's detected attributes (`host.id`, read from a file) are in. The OTLP exporter
   * waits for them itself; the spool serialises spans as they end, so spans must not end before this.
   */
  ready(): Promise<void>;
  forceFlush(): Promise<void>;
  /** The OTLP export's account so far (undefined without OTLP export); call after `forceFlush()`. */
  exportReport(): ExportReport | undefined;
  shutdown(): Promise<void>;
}

function noopTelemetry(): Telemetry {
  const meter = metrics.getMeterProvider().getMeter('tau2-trace-noop');
  return {
    tracer: trace.getTracerProvider().getTracer('tau2-trace-noop'),
    meter,
    instruments: createGenAiInstruments(meter),
    otlp: false,
    ready: async () => {},
    forceFlush: async () => {},
    exportReport: () => undefined,
    shutdown: async () => {},
  };
}

/** Detected attributes, then ours, then `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME`, which win (spec). */
function resourceOf(o: TelemetryOptions): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: resourceDetectorsFromEnv() }))
    .merge(
      resourceFromAttributes({
        [Attr.serviceName]: o.serviceName,
        [Attr.serviceVersion]: o.serviceVersion,
        ...o.resource,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
}

/** The exporters of `signal`, with `otlp` (the option) applied. */
function exporterNames(signal: 'traces' | 'metrics', otlp: boolean | undefined): ExporterName[] {
  if (otlp === false) return [];
  const names = exportersFor(signal);
  return otlp === true && !names.includes('otlp') ? [...names, 'otlp'] : names;
}

/** The span processors in front of the exporters: batched OTLP (counted), console span by span. */
function exportProcessors(names: ExporterName[], tally: ExportTally | undefined): SpanProcessor[] {
  return names.map((name) => {
    if (name === 'console') return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
    const settings = batchSettingsFromEnv();
    // The run's last flush may find the whole queue full (a collector slower than the run): every batch of
    // it must be allowed in flight, or the exporter refuses those beyond its default of 30.
    const inFlight = Math.ceil(settings.maxQueueSize / settings.maxExportBatchSize);
    const exporter: SpanExporter = createOtlpSpanExporter(otlpProtocol('traces'), undefined, inFlight);
    const batch = new BatchSpanProcessor({ ...settings, exporter: tally!.spans(exporter) });
    return tally!.entering(batch);
  });
}

function metricReaders(names: ExporterName[], tally: ExportTally | undefined): IMetricReader[] {
  const { intervalMs, timeoutMs } = metricExportTimingFromEnv();
  return names.map((name) => {
    const exporter: PushMetricExporter =
      name === 'console'
        ? new ConsoleMetricExporter()
        : tally!.metrics(createOtlpMetricExporter(otlpProtocol('metrics')));
    return new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: intervalMs,
      exportTimeoutMillis: timeoutMs,
    });
  });
}

/** Every span recorded (for the spool); SAMPLED, and so exported, as the configured sampler decides. */
export function recordingSampler(): Sampler {
  return createAlwaysRecordSampler(
    samplerFromEnv() ?? new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  );
}

/**
 * Builds tracer and meter providers for one process role (harness or simulated server). Providers are not
 * registered globally, so several pipelines coexist in one process; parents are passed as contexts.
 * Throws a UsageError when an `OTEL_*` variable names an exporter, protocol or sampler that does not exist.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (options.disabled) return noopTelemetry();
  const traceNames = exporterNames('traces', options.otlp);
  const metricNames = exporterNames('metrics', options.otlp);
  const otlp = traceNames.includes('otlp') || metricNames.includes('otlp');
  const tally = otlp ? new ExportTally(otlpTracesEndpoint(otlpProtocol('traces'))) : undefined;
  const resource = resourceOf(options);
  const spool = options.spool ? [createSpoolProcessor(options.spool, options.ownsSpool ?? true)] : [];
  const tracerProvider = new TracerProvider({
    resource,
    sampler: recordingSampler(),
    spanLimits: spanLimitsFromEnv(),
    spanProcessors: [...spool, ...exportProcessors(traceNames, tally)],
  });
  const meterProvider = new MeterProvider({ resource, readers: metricReaders(metricNames, tally) });
  const meter = meterProvider.getMeter('tau2-trace', options.serviceVersion);

  let shut: Promise<void> | undefined;
  return {
    tracer: tracerProvider.getTracer('tau2-trace', options.serviceVersion),
    meter,
    instruments: createGenAiInstruments(meter),
    otlp,
    ready: async () => {
      await resource.waitForAsyncAttributes?.();
    },
    async forceFlush() {
      await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    exportReport: () => tally?.current(),
    shutdown() {
      shut ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => {});
      return shut;
    },
  };
}
