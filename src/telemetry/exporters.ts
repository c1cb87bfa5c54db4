/**
 * The exporters `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` and the OTLP protocol variables select, as
 * sdk-node builds them: each OTLP exporter reads its own endpoint, headers, TLS, compression and timeout
 * variables, so only the class is chosen here.
 */
import { createRequire } from 'node:module';
import { getStringFromEnv } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { safeUrl } from '../util/url.js';
import type { OtlpProtocol } from './env.js';

// Each exporter package is loaded when its protocol is chosen: together they (gRPC and protobuf stacks) cost
// a CLI start-up about a second on a busy machine. They are CommonJS, so a synchronous require does it.
const require = createRequire(import.meta.url);
type TraceModule = {
  OTLPTraceExporter: new (config?: { url?: string; concurrencyLimit?: number }) => SpanExporter;
};
type MetricModule = { OTLPMetricExporter: new () => PushMetricExporter };
const TRACE_PACKAGES: Record<OtlpProtocol, string> = {
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
};
const METRIC_PACKAGES: Record<OtlpProtocol, string> = {
  grpc: '@opentelemetry/exporter-metrics-otlp-grpc',
  'http/protobuf': '@opentelemetry/exporter-metrics-otlp-proto',
  'http/json': '@opentelemetry/exporter-metrics-otlp-http',
};

/** `base` with the OTLP/HTTP traces path appended, unless it is already there. */
export function httpTracesUrl(base: string): string {
  return base.endsWith('/v1/traces') ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Where an OTLP trace exporter of `protocol` sends (without credentials, for messages): `baseUrl` when given
 * (a collector's base URL), else what the exporter itself reads from the standard variables.
 */
export function otlpTracesEndpoint(protocol: OtlpProtocol, baseUrl?: string): string {
  const own = getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const general = getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (protocol === 'grpc') return safeUrl(baseUrl ?? own ?? general ?? 'http://localhost:4317');
  // Over HTTP a signal's own variable is the full URL; the general one is a base the path is added to.
  const url =
    baseUrl !== undefined
      ? httpTracesUrl(baseUrl)
      : (own ?? httpTracesUrl(general ?? 'http://localhost:4318'));
  return safeUrl(url);
}

/**
 * An OTLP span exporter speaking `protocol`, to `baseUrl` when given, else where the variables say.
 * `concurrencyLimit` bounds the exports in flight (the exporters' default is 30): a batch processor's flush
 * sends every queued batch at once, and the exporter fails the batches beyond its limit, so a pipeline whose
 * queue can hold more batches than that passes its own count.
 */
export function createOtlpSpanExporter(
  protocol: OtlpProtocol,
  baseUrl?: string,
  concurrencyLimit?: number,
): SpanExporter {
  const { OTLPTraceExporter } = require(TRACE_PACKAGES[protocol]) as TraceModule;
  const limit = concurrencyLimit === undefined ? {} : { concurrencyLimit };
  if (baseUrl === undefined) return new OTLPTraceExporter(limit);
  // Over gRPC the URL is the collector's; over HTTP it is the traces path's.
  return new OTLPTraceExporter({ ...limit, url: protocol === 'grpc' ? baseUrl : httpTracesUrl(baseUrl) });
}

/** An OTLP metric exporter speaking `protocol`, where the variables say. */
export function createOtlpMetricExporter(protocol: OtlpProtocol): PushMetricExporter {
  const { OTLPMetricExporter } = require(METRIC_PACKAGES[protocol]) as MetricModule;
  return new OTLPMetricExporter();
}
