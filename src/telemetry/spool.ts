import { closeSync, openSync, writeSync } from 'node:fs';
import { diag } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Options of {@link createSpoolWriter}. */
export interface SpoolOptions {
  /** Spans buffered before a line is written regardless of timers (bounds memory and loss). */
  maxBufferedSpans?: number;
  /** A buffered span reaches the disk at the latest after this many milliseconds. */
  flushIntervalMs?: number;
}

/**
 * The local spool: `spans.otlp.jsonl`, one OTLP/JSON `ExportTraceServiceRequest` per line, appended with one
 * `write(2)` per line on an `O_APPEND` descriptor so that concurrent writers (the harness and an in-process
 * simulated server) never interleave inside a line and a crash leaves only whole lines behind.
 */
export interface SpoolWriter {
  readonly path: string;
  add(span: ReadableSpan): void;
  /** Writes everything buffered as one line, synchronously. */
  flush(): void;
  /** Spans written so far. */
  readonly written: number;
  close(): void;
}

/** Opens (appending) the spool file at `path`. */
export function createSpoolWriter(path: string, options: SpoolOptions = {}): SpoolWriter {
  const maxBuffered = options.maxBufferedSpans ?? 1024;
  const intervalMs = options.flushIntervalMs ?? 1000;
  let fd: number | undefined = openSync(path, 'a');
  let buffer: ReadableSpan[] = [];
  let written = 0;
  let failed = false;
  const timer = setInterval(() => flush(), intervalMs);
  timer.unref();

  function flush(): void {
    if (buffer.length === 0 || fd === undefined) return;
    const spans = buffer;
    buffer = [];
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (!body) return;
      const line = new Uint8Array(body.length + 1);
      line.set(body);
      line[body.length] = 0x0a;
      writeSync(fd, line);
      written += spans.length;
    } catch (err) {
      // Telemetry must never take the run down: report once, keep going.
      if (!failed) diag.error(`spool ${path}: cannot write spans`, err);
      failed = true;
    }
  }

  return {
    path,
    add(span) {
      if (fd === undefined) return;
      buffer.push(span);
      if (buffer.length >= maxBuffered) flush();
    },
    flush,
    get written() {
      return written;
    },
    close() {
      if (fd === undefined) return;
      flush();
      clearInterval(timer);
      closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * A span processor feeding a {@link SpoolWriter}. The end of a root span (a task trial) flushes the buffer, so
 * every finished task's whole trace is on disk before its result is recorded; a crash loses at most the spans
 * of tasks that had not finished, plus those buffered in the last flush interval.
 */
export function createSpoolProcessor(writer: SpoolWriter, ownsWriter = true): SpanProcessor {
  return {
    onStart() {},
    onEnd(span) {
      writer.add(span);
      if (span.parentSpanContext === undefined) writer.flush();
    },
    async forceFlush() {
      writer.flush();
    },
    async shutdown() {
      if (ownsWriter) writer.close();
      else writer.flush();
    },
  };
}
