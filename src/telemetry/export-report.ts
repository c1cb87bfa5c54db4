/**
 * What an OTLP export delivered, counted around the SDK's own parts (whatever the protocol): the exporter's
 * results, and the sampled spans handed to the batch processor, so spans its queue dropped count as failed.
 */
import { TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';

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

/** Anything with the SDK exporters' callback-style `export`. */
interface Exporting<T> {
  export(items: T, done: (r: ExportResult) => void): void;
}

/** Counts what `exporter` delivered and failed to, without changing what it does. */
export function counted<T, E extends Exporting<T>>(
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

/** The account of one pipeline's OTLP export. */
export class ExportTally {
  private readonly report: ExportReport;
  private queued = 0;

  constructor(endpoint: string) {
    this.report = { endpoint, exportedSpans: 0, failedSpans: 0, failedMetricExports: 0 };
  }

  /** `exporter`, counting the spans it delivers and fails to deliver. */
  spans<E extends Exporting<ReadableSpan[]>>(exporter: E): E {
    return counted(
      exporter,
      (spans: ReadableSpan[]) => spans.length,
      (n, r) => {
        if (r.code === ExportResultCode.SUCCESS) this.report.exportedSpans += n;
        else {
          this.report.failedSpans += n;
          this.report.lastError = r.error?.message ?? 'export failed';
        }
      },
    );
  }

  /** `exporter`, counting its failed metric exports. */
  metrics<T, E extends Exporting<T>>(exporter: E): E {
    return counted(
      exporter,
      () => 1,
      (_n, r) => {
        if (r.code === ExportResultCode.SUCCESS) return;
        this.report.failedMetricExports++;
        this.report.lastError = r.error?.message ?? 'metric export failed';
      },
    );
  }

  /**
   * `batch`, counting the sampled spans that enter it (the batch processor itself skips the others), so that
   * spans its full queue dropped show up as failed.
   */
  entering(batch: SpanProcessor): SpanProcessor {
    return {
      onStart: (span, ctx) => batch.onStart(span, ctx),
      onEnd: (span) => {
        if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.queued++;
        batch.onEnd(span);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    };
  }

  /** The account so far; complete after the processor's `forceFlush()`. */
  current(): ExportReport {
    const r = this.report;
    const dropped = this.queued - r.exportedSpans - r.failedSpans;
    return { ...r, failedSpans: r.failedSpans + Math.max(0, dropped) };
  }
}
