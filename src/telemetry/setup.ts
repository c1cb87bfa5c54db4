import { type Attributes, type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { safeUrl } from '../util/url.js';
import { createGenAiInstruments, type GenAiInstruments } from './metrics.js';
import { Attr } from './names.js';
import { createSpoolProcessor, type SpoolWriter } from './spool.js';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** Extra resource attributes (`tau2.run.*`). */
  resource?: Attributes;
  /** Spans go here (the run's `spans.otlp.jsonl`); shared with an in-process simulated server. */
  spool?: SpoolWriter;
  /** Export over OTLP/HTTP too. Default: when a standard `OTEL_EXPORTER_OTLP_*ENDPOINT` variable is set. */
  otlp?: boolean;
  /** Tracing off: a no-op tracer and meter (the baseline of the overhead benchmark). */
  disabled?: boolean;
  /** Whether the spool writer is closed by shutdown (false when another provider shares it). */
  ownsSpool?: boolean;
}

/** What the OTLP export delivered, so a run can say when its collector did not take its spans. */
export interface ExportReport {
  /** Where spans went (the traces URL, without credentials). */
  endpoint: string;
  exportedSpans: number;
  /** Spans the exporter gave up on, or the queue dropped. */
  failedSpans: number;
  /** Metric exports that failed. */
  failedMetricExports: number;
  lastError?: string;
}

/** A running telemetry pipeline: use its tracer/meter, then `shutdown()` once (idempotent). */
export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  instruments: GenAiInstruments;
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

/** The traces URL the OTLP/HTTP exporter uses under `env`, for messages. */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    `${(env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  return safeUrl(url);
}

/** Counts what an exporter delivered and what it failed to, without changing what it does. */
function counted<T, E extends { export(items: T, done: (r: ExportResult) => void): void }>(
  exporter: E,
  size: (items: T) => number,
  onResult: (n: number, r: ExportResult) => void,
): E {
  const inner = exporter.export.bind(exporter);
  exporter.export = (items: T, done: (r: ExportResult) => void) =>
    inner(items, (r) => {
      onResult(size(items), r);
      done(r);
    });
  return exporter;
}

/** True when the standard environment asks for OTLP export. */
export function otlpRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Builds tracer and meter providers for one process role (harness or simulated server). Providers are not
 * registered globally: every component receives its tracer explicitly, so several pipelines (the harness and
 * an in-process server, or several runs in one test process) coexist, and parents are passed as contexts.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (options.disabled) {
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
  const otlp = options.otlp ?? otlpRequestedByEnv();
  const resource = defaultResource()
    .merge(detectResources({ detectors: [hostDetector] }))
    .merge(
      resourceFromAttributes({
        [Attr.serviceName]: options.serviceName,
        [Attr.serviceVersion]: options.serviceVersion,
        ...options.resource,
      }),
    )
    // OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME win, as the specification asks.
    .merge(detectResources({ detectors: [envDetector] }));

  const report: ExportReport = {
    endpoint: tracesEndpoint(process.env),
    exportedSpans: 0,
    failedSpans: 0,
    failedMetricExports: 0,
  };
  let queued = 0;
  const onExport = (n: number, r: ExportResult) => {
    if (r.code === ExportResultCode.SUCCESS) report.exportedSpans += n;
    else {
      report.failedSpans += n;
      report.lastError = r.error?.message ?? 'export failed';
    }
  };
  const spanProcessors: SpanProcessor[] = [];
  if (options.spool) spanProcessors.push(createSpoolProcessor(options.spool, options.ownsSpool ?? true));
  if (otlp) {
    const batch = new BatchSpanProcessor({
      exporter: counted(new OTLPTraceExporter(), (spans: ReadableSpan[]) => spans.length, onExport),
      maxQueueSize: 65536,
    });
    // Counts what enters the queue, so spans the queue drops (a collector too slow) count as failed.
    spanProcessors.push({
      onStart: (span, ctx) => batch.onStart(span, ctx),
      onEnd: (span) => {
        queued++;
        batch.onEnd(span);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    });
  }
  const tracerProvider = new TracerProvider({ resource, spanProcessors });

  // The specification's 60 s default is long for an evaluation that may last minutes: export every 10 s
  // unless OTEL_METRIC_EXPORT_INTERVAL says otherwise.
  const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL) || 10_000;
  const readers = otlp
    ? [
        new PeriodicExportingMetricReader({
          exporter: counted(
            new OTLPMetricExporter(),
            () => 1,
            (_n, r) => {
              if (r.code !== ExportResultCode.SUCCESS) {
                report.failedMetricExports++;
                report.lastError = r.error?.message ?? 'metric export failed';
              }
            },
          ),
          exportIntervalMillis: interval,
          exportTimeoutMillis: Math.min(interval, 30_000),
        }),
      ]
    : [];
  const meterProvider = new MeterProvider({ resource, readers });
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
    exportReport() {
      if (!otlp) return undefined;
      const dropped = queued - report.exportedSpans - report.failedSpans;
      return { ...report, failedSpans: report.failedSpans + Math.max(0, dropped) };
    },
    shutdown() {
      shut ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => {});
      return shut;
    },
  };
}
