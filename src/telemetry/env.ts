/**
 * The standard `OTEL_*` variables, read the way `@opentelemetry/sdk-node` reads them. The sampler, span limits
 * and resource detectors come from sdk-node's own env builders (the functions `NodeSDK` calls), so those
 * variables mean exactly what they mean in every other Node service. Exporter choice and protocol are read
 * here because tau2-trace differs on two defaults (see README, "Telemetry and the OTEL_* variables"):
 * - nothing is exported unless an OTLP endpoint variable is set or `OTEL_*_EXPORTER` names an exporter: a
 *   fresh machine has no collector on localhost:4318, and the spool already keeps every span;
 * - the OTLP protocol defaults to `http/json` (what tau2-trace always sent), not `http/protobuf`.
 * A value the SDK would only warn about (an unknown exporter or protocol) is an error here: a typo must not
 * silently send nothing.
 */

import { createRequire } from 'node:module';
import {
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
} from '@opentelemetry/core';
import type { ResourceDetector } from '@opentelemetry/resources';
import { hostDetector } from '@opentelemetry/resources';
import type { Sampler, SpanLimits } from '@opentelemetry/sdk-trace';
import { UsageError } from '../util/errors.js';

// sdk-node does not re-export its env builders; 0.223.x (a caret on a 0.x version pins the minor) has them
// here. Loading them loads every exporter sdk-node knows (a second of start-up on a busy machine), so they
// are required (CommonJS, synchronously) only when a variable they read is set.
const require = createRequire(import.meta.url);
type CreateFromEnv = typeof import('@opentelemetry/sdk-node/build/src/create-from-env.js');
type SdkNodeUtils = typeof import('@opentelemetry/sdk-node/build/src/utils.js');
const createFromEnv = () => require('@opentelemetry/sdk-node/build/src/create-from-env.js') as CreateFromEnv;
const sdkNodeUtils = () => require('@opentelemetry/sdk-node/build/src/utils.js') as SdkNodeUtils;

/** An OTLP wire protocol, as `OTEL_EXPORTER_OTLP_PROTOCOL` spells it. */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';
/** An exporter `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` may name. */
export type ExporterName = 'otlp' | 'console';
/** A signal with its own variables. */
export type Signal = 'traces' | 'metrics';

const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];
const EXPORTERS: readonly ExporterName[] = ['otlp', 'console'];
const upper = (s: Signal) => s.toUpperCase();

/** The OTLP protocol for `signal`: `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`, else the general one, else http/json. */
export function otlpProtocol(signal: Signal): OtlpProtocol {
  const own = `OTEL_EXPORTER_OTLP_${upper(signal)}_PROTOCOL`;
  const name = getStringFromEnv(own) !== undefined ? own : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = getStringFromEnv(name) ?? 'http/json';
  if (!PROTOCOLS.includes(value as OtlpProtocol)) {
    throw new UsageError(`${name}=${value}: not an OTLP protocol (${PROTOCOLS.join(', ')})`);
  }
  return value as OtlpProtocol;
}

/** True when an OTLP endpoint variable for `signal` (or the general one) is set. */
export function otlpEndpointSet(signal: Signal): boolean {
  return (
    getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined ||
    getStringFromEnv(`OTEL_EXPORTER_OTLP_${upper(signal)}_ENDPOINT`) !== undefined
  );
}

/**
 * The exporters `OTEL_<SIGNAL>_EXPORTER` asks for. Unset: `otlp` when an OTLP endpoint is set, else none.
 * `none` (alone, as the specification has it) and `OTEL_SDK_DISABLED=true` turn exporting off.
 */
export function exportersFor(signal: Signal): ExporterName[] {
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return [];
  const name = `OTEL_${upper(signal)}_EXPORTER`;
  const listed = [...new Set(getStringListFromEnv(name) ?? [])].filter((s) => s !== '');
  if (listed.length === 0) return otlpEndpointSet(signal) ? ['otlp'] : [];
  if (listed.includes('none')) {
    if (listed.length > 1) throw new UsageError(`${name}=${listed.join(',')}: none cannot be combined`);
    return [];
  }
  for (const e of listed) {
    if (!EXPORTERS.includes(e as ExporterName)) {
      throw new UsageError(`${name}=${e}: tau2-trace exports with ${EXPORTERS.join(', ')} or none`);
    }
  }
  return listed as ExporterName[];
}

/**
 * The sampler `OTEL_TRACES_SAMPLER` / `_ARG` name (sdk-node's reading), or undefined for the default
 * (parent-based always-on).
 */
export function samplerFromEnv(): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  if (name === undefined) return undefined;
  const sampler = createFromEnv().createSamplerFromEnv();
  // sdk-node logs an unknown name and samples everything; an evaluation would then export what it was told not to.
  if (sampler === undefined) {
    throw new UsageError(
      `OTEL_TRACES_SAMPLER=${name}: not a sampler (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)`,
    );
  }
  return sampler;
}

/** Span limits from `OTEL_SPAN_*_LIMIT` / `OTEL_ATTRIBUTE_*_LIMIT` (sdk-node's reading). */
export function spanLimitsFromEnv(): SpanLimits {
  const set = Object.keys(process.env).some((k) => /^OTEL_(SPAN_)?(ATTRIBUTE|EVENT|LINK)_\w*LIMIT$/.test(k));
  if (!set) return {};
  const limits = createFromEnv().createSpanLimitsFromEnv() ?? {};
  // Unset limits come back as undefined keys, which would override the SDK's defaults.
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as SpanLimits;
}

/**
 * Resource detectors run before tau2-trace's own attributes: `OTEL_NODE_RESOURCE_DETECTORS` when set (as
 * sdk-node reads it), else the host detector alone (sdk-node's default adds the process detector, which would
 * copy the command line into every spool line). The env detector runs again last in any case (see setup.ts).
 */
export function resourceDetectorsFromEnv(): ResourceDetector[] {
  if (getStringFromEnv('OTEL_NODE_RESOURCE_DETECTORS') === undefined) return [hostDetector];
  return sdkNodeUtils().getResourceDetectorsFromEnv();
}

/** The batch span processor's settings, resolved. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/**
 * `OTEL_BSP_*`, with the SDK's defaults except the queue: 65,536 spans instead of 2,048, because 48 tasks in
 * flight end thousands of spans within one export interval and a full queue drops spans.
 */
export function batchSettingsFromEnv(): BatchSettings {
  const positive = (name: string, fallback: number) => {
    const v = getNumberFromEnv(name);
    return v !== undefined && v > 0 ? v : fallback;
  };
  return {
    maxQueueSize: positive('OTEL_BSP_MAX_QUEUE_SIZE', 65_536),
    maxExportBatchSize: positive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    scheduledDelayMillis: positive('OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: positive('OTEL_BSP_EXPORT_TIMEOUT', 30_000),
  };
}

/**
 * The metric export interval and timeout: `OTEL_METRIC_EXPORT_INTERVAL` / `_TIMEOUT`. The specification's
 * 60 s default interval is long for an evaluation that may last minutes: tau2-trace exports every 10 s.
 */
export function metricExportTimingFromEnv(): { intervalMs: number; timeoutMs: number } {
  const interval = getNumberFromEnv('OTEL_METRIC_EXPORT_INTERVAL');
  const intervalMs = interval !== undefined && interval > 0 ? interval : 10_000;
  const timeout = getNumberFromEnv('OTEL_METRIC_EXPORT_TIMEOUT');
  return {
    intervalMs,
    timeoutMs: Math.min(intervalMs, timeout !== undefined && timeout > 0 ? timeout : 30_000),
  };
}
