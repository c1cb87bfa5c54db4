/**
 * `tau2-trace import`: legacy `tau2_<domain>.log` files → spans per the span contract, into a spool file
 * and/or over OTLP/HTTP to a collector, so old runs show up in the new pipeline.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { domainOfLogFile, fileKind } from '../export/legacy/files.js';
import { emitTrial, PresetIds } from '../export/legacy/import.js';
import { parseRecord } from '../export/legacy/records.js';
import { type Rejection, type Trial, TrialBuilder } from '../export/legacy/trials.js';
import { readLines } from '../export/lines.js';
import { tracesUrl } from '../export/replay.js';
import { legacyLogFiles } from '../export/sources.js';
import { runIdOf, SPOOL_FILE } from '../harness/rundir.js';
import { Attr, ServiceName } from '../telemetry/names.js';
import { createSpoolProcessor, createSpoolWriter, type SpoolWriter } from '../telemetry/spool.js';
import { versions } from '../util/about.js';
import { UsageError } from '../util/errors.js';
import { printWarnings } from './errors.js';
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

/**
 * The spool being written: a temporary file beside `out`, created when the first span ends (an import that
 * finds nothing to import creates nothing), and put in place by {@link SpoolDraft.publish} only when the
 * import succeeded.
 */
class SpoolDraft {
  readonly tmp: string;
  private writer: SpoolWriter | undefined;
  private inner: SpanProcessor | undefined;
  readonly processor: SpanProcessor;

  constructor(readonly out: string) {
    this.tmp = `${out}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.processor = {
      onStart: () => {},
      onEnd: (span) => {
        if (!this.inner) {
          // `wx`: the temporary name is ours alone; then the spool writer appends to it.
          closeSync(openSync(this.tmp, 'wx'));
          this.writer = createSpoolWriter(this.tmp);
          this.inner = createSpoolProcessor(this.writer);
        }
        this.inner.onEnd(span);
      },
      forceFlush: async () => this.inner?.forceFlush(),
      shutdown: async () => this.inner?.shutdown(),
    };
  }

  /** Spans written to the temporary file. */
  get written(): number {
    return this.writer?.written ?? 0;
  }

  /** Removes the temporary file, if this import created it (even when closing it fails). */
  discard(): void {
    if (!this.writer) return;
    try {
      this.writer.close();
    } catch {
      // A writer that failed to write is what brought us here; the file goes either way.
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }

  /**
   * Moves the finished spool to `out`, never over a file that appeared there in the meantime; on failure the
   * temporary file is removed.
   */
  publish(): void {
    try {
      try {
        // A hard link fails rather than replace a file, where a rename would replace it.
        linkSync(this.tmp, this.out);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw appeared(this.out);
        // A file system without hard links: rename, after checking once more that nothing is in the way.
        if (fileKind(this.out) !== 'missing') throw appeared(this.out);
        renameSync(this.tmp, this.out);
        return;
      }
      rmSync(this.tmp, { force: true });
    } catch (err) {
      this.discard();
      throw err;
    }
  }
}

function appeared(out: string): UsageError {
  return new UsageError(`${out} appeared while importing; it was left as it was and nothing was written`);
}

/** The run id: `--run-id`, else the log directory's name; either must be a name Tempo can be asked for. */
function runIdFor(o: ImportOptions, dir: string): string {
  const runId = o.runId ?? runIdOf(resolve(dir));
  const from =
    o.runId !== undefined ? '--run-id' : `the log directory's name (${resolve(dir)}); pass --run-id`;
  if (runId === '' || /[\x00-\x1f\x7f]/.test(runId)) {
    throw new UsageError(
      `run id ${JSON.stringify(runId)} from ${from}: it must be non-empty, without control characters`,
    );
  }
  return runId;
}

/** What an input must show for `import`: the legacy logger's lines. */
const EXPECTED_LOG =
  'a legacy log has [PROFILE] or [USER_JUDGE] lines with a timestamp, task=, thread= and type=';

/** Imports; resolves with the exit code. */
export async function importCommand(o: ImportOptions): Promise<number> {
  if ((o.logPath === undefined) === (o.logDir === undefined)) {
    throw new UsageError('give exactly one of --log-path and --log-dir');
  }
  const flag = o.logDir !== undefined ? '--log-dir' : '--log-path';
  const input = o.logDir ?? o.logPath!;
  const { files } = legacyLogFiles(
    o.logDir !== undefined
      ? { kind: 'legacy-logs', dir: o.logDir, glob: o.logGlob }
      : { kind: 'legacy-log', path: o.logPath! },
    { onWarning: (w) => printWarnings([w]) },
  );
  const dir = flag === '--log-dir' ? input : dirname(input);
  const runId = runIdFor(o, dir);
  const otlpBase =
    o.otlp === undefined || o.otlp === false
      ? undefined
      : typeof o.otlp === 'string'
        ? o.otlp
        : defaultOtlpEndpoint();
  const out = o.out ?? (otlpBase === undefined ? join(dir, SPOOL_FILE) : undefined);
  // Never overwrite or append to spans someone already has (a dangling symlink would be written through).
  if (out !== undefined && fileKind(out) !== 'missing') {
    throw new UsageError(`${out} already exists; pass another --out (import never overwrites spans)`);
  }
  if (out !== undefined && fileKind(dirname(out)) !== 'directory') {
    throw new UsageError(`--out ${out}: ${dirname(out)} is not a directory`);
  }

  const processors: SpanProcessor[] = [];
  const spool = out === undefined ? undefined : new SpoolDraft(out);
  if (spool) processors.push(spool.processor);
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
  let rejectedCount = 0;
  const rejected: { file: string; line: number; why: Rejection }[] = [];
  const unrecognised: string[] = [];
  let failed = true;
  try {
    for (const file of files) {
      let ours = 0;
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
        if (record || why) ours++;
        if (why) {
          rejectedCount++;
          // The first few name the lines; a file of a million bad lines must not cost a million records.
          if (rejected.length < 5) rejected.push({ file, line: n, why });
        }
        if (done.length > 0) await emit();
      }
      builder.end();
      await emit();
      if (ours === 0) unrecognised.push(file);
    }
    await sink?.drain();
    failed = false;
  } finally {
    await provider.shutdown();
    await sink?.shutdown();
    if (failed) spool?.discard();
  }

  const first = rejected.map((r) => `${r.file}:${r.line} (${r.why})`).join(', ');
  const badLines = rejectedCount === 0 ? '' : `${rejectedCount} lines could not be used (first: ${first})`;
  if (trials === 0) {
    spool?.discard();
    if (unrecognised.length === files.length) {
      const where = files.length === 1 ? files[0] : `its ${files.length} files`;
      throw new UsageError(
        `${flag} ${input}: nothing to import in ${where}: ${EXPECTED_LOG}; nothing written`,
      );
    }
    throw new UsageError(`${flag} ${input}: no line could be used; ${badLines}; nothing written`);
  }
  for (const f of unrecognised) process.stderr.write(`${f}: no legacy log line in it (${EXPECTED_LOG})\n`);
  if (badLines) process.stderr.write(`${badLines}\n`);
  if (spool && spool.written !== spans) {
    spool.discard();
    throw new Error(`${spool.out}: only ${spool.written} of ${spans} spans could be written; nothing kept`);
  }
  spool?.publish();
  const where = [out, sink && `${sink.url} (${sink.sent} spans sent)`].filter(Boolean).join(' and ');
  process.stderr.write(
    `imported ${lines} lines of ${files.length} files as run ${runId}: ${trials} trials, ${spans} spans → ${where}\n`,
  );
  return 0;
}
