/**
 * `tau2-trace import`: legacy `tau2_<domain>.log` files → spans per the span contract, into a spool file
 * and/or over OTLP/HTTP to a collector, so old runs show up in the new pipeline.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { domainOfLogFile, legacyLogFiles } from '../export/legacy/files.js';
import { emitTrial, PresetIds } from '../export/legacy/import.js';
import { parseRecord } from '../export/legacy/records.js';
import { type Rejection, type Trial, TrialBuilder } from '../export/legacy/trials.js';
import { readLines } from '../export/lines.js';
import { tracesUrl } from '../export/replay.js';
import { runIdOf, SPOOL_FILE } from '../harness/rundir.js';
import { Attr, ServiceName } from '../telemetry/names.js';
import { createSpoolProcessor, createSpoolWriter } from '../telemetry/spool.js';
import { UsageError } from '../util/errors.js';
import { versions } from './about.js';
import { defaultOtlpEndpoint } from './replay.js';

/** Options of `tau2-trace import`. */
export interface ImportOptions {
  logPath?: string;
  logDir?: string;
  logGlob: string;
  out?: string;
  /** `--otlp` alone: the standard environment's endpoint (or localhost:4318); `--otlp URL`: that base URL. */
  otlp?: string | boolean;
  runId?: string;
}

const BATCH = 512;

/** Ended spans exported over OTLP/HTTP in batches; a batch the collector does not take is an error. */
function otlpSink(baseUrl: string) {
  const url = tracesUrl(baseUrl);
  const exporter = new OTLPTraceExporter({ url });
  let pending: ReadableSpan[] = [];
  let sent = 0;
  const processor: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      pending.push(span);
    },
    async forceFlush() {},
    async shutdown() {},
  };
  return {
    url,
    processor,
    get sent() {
      return sent;
    },
    /** Exports until at most `keep` spans are pending. */
    async drain(keep = 0): Promise<void> {
      while (pending.length > keep) {
        const batch = pending.slice(0, BATCH);
        pending = pending.slice(BATCH);
        const result = await new Promise<ExportResult>((done) => exporter.export(batch, done));
        if (result.code !== ExportResultCode.SUCCESS) {
          throw new UsageError(
            `--otlp ${url}: ${result.error?.message ?? 'export failed'} (${sent} spans were sent before)`,
          );
        }
        sent += batch.length;
      }
    },
    shutdown: () => exporter.shutdown(),
  };
}

/** Imports; resolves with the exit code. */
export async function importCommand(o: ImportOptions): Promise<number> {
  if ((o.logPath === undefined) === (o.logDir === undefined)) {
    throw new UsageError('give exactly one of --log-path and --log-dir');
  }
  const flag = o.logDir !== undefined ? '--log-dir' : '--log-path';
  const input = o.logDir ?? o.logPath!;
  if (!existsSync(input)) throw new UsageError(`${flag} ${input}: no such file or directory`);
  const files = legacyLogFiles(input, o.logGlob);
  if (files.length === 0) throw new UsageError(`${flag} ${input}: no file matches ${o.logGlob}`);
  const dir = statSync(input).isDirectory() ? input : dirname(input);
  const runId = o.runId ?? runIdOf(resolve(dir));
  const otlpBase =
    o.otlp === undefined || o.otlp === false
      ? undefined
      : typeof o.otlp === 'string'
        ? o.otlp
        : defaultOtlpEndpoint();
  const out = o.out ?? (otlpBase === undefined ? join(dir, SPOOL_FILE) : undefined);
  // Never overwrite or append to spans someone already has.
  if (out !== undefined && existsSync(out)) {
    throw new UsageError(`${out} already exists; pass another --out (import never overwrites spans)`);
  }

  const processors: SpanProcessor[] = [];
  const spool = out === undefined ? undefined : createSpoolWriter(out);
  if (spool) processors.push(createSpoolProcessor(spool));
  const sink = otlpBase === undefined ? undefined : otlpSink(otlpBase);
  if (sink) processors.push(sink.processor);
  const ids = new PresetIds();
  const provider = new TracerProvider({
    idGenerator: ids,
    spanProcessors: processors,
    resource: resourceFromAttributes({
      [Attr.serviceName]: ServiceName.harness,
      [Attr.serviceVersion]: versions().tau2_trace,
      [Attr.runId]: runId,
      [Attr.runDomains]: files.map(domainOfLogFile),
      [Attr.runSource]: 'legacy-log',
    }),
  });
  const tracer = provider.getTracer('tau2-trace-import', versions().tau2_trace);

  let lines = 0;
  let trials = 0;
  let spans = 0;
  const rejected: { file: string; line: number; why: Rejection }[] = [];
  try {
    for (const file of files) {
      const done: Trial[] = [];
      const builder = new TrialBuilder(domainOfLogFile(file), (t) => done.push(t));
      const emit = async () => {
        for (const t of done.splice(0)) {
          spans += emitTrial(tracer, ids, runId, t);
          trials++;
        }
        await sink?.drain(BATCH);
      };
      for (const [text, n] of readLines(file)) {
        lines++;
        const record = parseRecord(text, n);
        // Tracebacks and other loggers' lines between ours are not ours to count; a marked line we cannot
        // read (truncated, garbled) is.
        const why: Rejection | undefined = record
          ? builder.add(record)
          : /\[(PROFILE|USER_JUDGE)\]/.test(text)
            ? 'unreadable timestamp or level'
            : undefined;
        if (why) rejected.push({ file, line: n, why });
        if (done.length > 0) await emit();
      }
      builder.end();
      await emit();
    }
    await sink?.drain();
  } finally {
    await provider.shutdown();
    await sink?.shutdown();
  }

  if (rejected.length > 0) {
    const first = rejected
      .slice(0, 5)
      .map((r) => `${r.file}:${r.line} (${r.why})`)
      .join(', ');
    process.stderr.write(`${rejected.length} lines could not be used (first: ${first})\n`);
  }
  const where = [out, sink && `${sink.url} (${sink.sent} spans sent)`].filter(Boolean).join(' and ');
  process.stderr.write(
    `imported ${lines} lines of ${files.length} files as run ${runId}: ${trials} trials, ${spans} spans → ${where}\n`,
  );
  return 0;
}
