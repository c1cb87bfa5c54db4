/**
 * The exporters `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` and the OTLP protocol variables select, as
 * sdk-node builds them: each OTLP exporter reads its own endpoint, headers, TLS, compression and timeout
 * variables, so only the class is chosen here.
 */
import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { safeUrl } from '../util/url.js';
import type { OtlpProtocol } from './env.js';

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

/** An OTLP span exporter speaking `protocol`, to `baseUrl` when given, else where the variables say. */
export function createOtlpSpanExporter(protocol: OtlpProtocol, baseUrl?: string): SpanExporter {
  if (protocol === 'grpc') return new GrpcTraceExporter(baseUrl === undefined ? {} : { url: baseUrl });
  const config = baseUrl === undefined ? {} : { url: httpTracesUrl(baseUrl) };
  return protocol === 'http/json' ? new JsonTraceExporter(config) : new ProtoTraceExporter(config);
}

/** An OTLP metric exporter speaking `protocol`, where the variables say. */
export function createOtlpMetricExporter(protocol: OtlpProtocol): PushMetricExporter {
  if (protocol === 'grpc') return new GrpcMetricExporter();
  return protocol === 'http/json' ? new JsonMetricExporter() : new ProtoMetricExporter();
}
