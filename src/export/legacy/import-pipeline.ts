/**
 * The span pipeline of an import: the SDK's tracer provider with the same parts as a run's (the recording
 * sampler, the OTLP exporter the protocol variables select, the batch processor and `OTEL_BSP_*`), feeding
 * a spool draft and/or a collector. The batch processor is the draining kind: the importer awaits
 * `relieve()` between trials, so no span is dropped however fast the log is read.
 */
import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createDrainingBatch, type DrainingBatch } from '../../telemetry/draining-batch.js';
import { batchSettingsFromEnv, otlpProtocol } from '../../telemetry/env.js';
import { ExportTally } from '../../telemetry/export-report.js';
import { createOtlpSpanExporter, otlpTracesEndpoint } from '../../telemetry/exporters.js';
import { Attr, ServiceName } from '../../telemetry/names.js';
import { recordingSampler } from '../../telemetry/setup.js';
import { versions } from '../../util/about.js';
import { setting, UsageError } from '../../util/errors.js';
import { PresetIds } from './import.js';
import { SpoolDraft } from './spool-draft.js';

/** Options of {@link openImportPipeline}. */
export interface ImportPipelineOptions {
  runId: string;
  domains: string[];
  /** The spool to write (as a draft, published by the caller). */
  out?: string | undefined;
  /** A collector's base URL, or true for the one the standard variables name. */
  otlp?: string | true | undefined;
}

/** A running import pipeline. */
export interface ImportPipeline {
  tracer: Tracer;
  ids: PresetIds;
  spool: SpoolDraft | undefined;
  /** Where spans are exported (the traces URL, without credentials), when they are. */
  endpoint: string | undefined;
  /** Spans the collector took so far. */
  sent(): number;
  /** Lets the export catch up with the spans emitted so far; throws when the collector did not take some. */
  relieve(): Promise<void>;
  /** Exports what is left and stops; throws as `relieve` does. */
  finish(): Promise<void>;
  /** Stops without exporting what is left (the import failed). */
  abort(): Promise<void>;
}

/** The OTLP side: a draining batch over the protocol's exporter, and its account. */
function otlpExport(otlp: string | true) {
  const protocol = otlpProtocol('traces');
  const base = otlp === true ? undefined : otlp;
  const endpoint = otlpTracesEndpoint(protocol, base);
  const tally = new ExportTally(endpoint);
  const exporter = tally.spans(createOtlpSpanExporter(protocol, base));
  const batch: DrainingBatch = createDrainingBatch(exporter, batchSettingsFromEnv());
  // A span the collector refused is an error of the import, whichever flush (ours or the batch's own) sent it.
  const checked = async (step: () => Promise<void>) => {
    let failure: unknown;
    await step().catch((err: unknown) => {
      failure = err;
    });
    const r = tally.current();
    if (failure === undefined && r.failedSpans === 0) return;
    const why = r.lastError ?? (failure as Error | undefined)?.message ?? 'export failed';
    throw new UsageError(
      [setting('otlp'), ` ${endpoint}: ${why} (${r.exportedSpans} spans were sent before)`],
      { field: 'otlp', cause: failure },
    );
  };
  return { endpoint, tally, exporter, batch, checked };
}

/** Opens the pipeline: nothing is written or sent until spans end. */
export function openImportPipeline(o: ImportPipelineOptions): ImportPipeline {
  const spool = o.out === undefined ? undefined : new SpoolDraft(o.out);
  const otlp = o.otlp === undefined ? undefined : otlpExport(o.otlp);
  const processors: SpanProcessor[] = [];
  if (spool) processors.push(spool.processor);
  if (otlp) processors.push(otlp.batch);
  const ids = new PresetIds();
  // The resource describes the imported run, not this machine: no detectors, no OTEL_RESOURCE_ATTRIBUTES.
  const provider = new TracerProvider({
    idGenerator: ids,
    sampler: recordingSampler(),
    spanProcessors: processors,
    resource: resourceFromAttributes({
      [Attr.serviceName]: ServiceName.harness,
      [Attr.serviceVersion]: versions().tau2_trace,
      [Attr.runId]: o.runId,
      [Attr.runDomains]: o.domains,
      [Attr.runSource]: 'legacy-log',
    }),
  });
  return {
    tracer: provider.getTracer('tau2-trace-import', versions().tau2_trace),
    ids,
    spool,
    endpoint: otlp?.endpoint,
    sent: () => otlp?.tally.current().exportedSpans ?? 0,
    relieve: async () => otlp?.checked(() => otlp.batch.relieve()),
    async finish() {
      await otlp?.checked(() => otlp.batch.forceFlush());
      await provider.shutdown();
    },
    async abort() {
      await spool?.processor.shutdown();
      await otlp?.exporter.shutdown();
    },
  };
}
