import { closeSync, writeSync } from 'node:fs';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { openLinesForAppend } from '../util/append.js';

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
  /**
   * Writes everything buffered as one line, synchronously. Throws when the spool cannot be written (now or
   * at an earlier timed flush): a trial must not be recorded without its trace.
   */
  flush(): void;
  /** Spans written so far. */
  readonly written: number;
  close(): void;
}

/** Opens (appending) the spool file at `path`. */
export function createSpoolWriter(path: string, options: SpoolOptions = {}): SpoolWriter {
  const maxBuffered = options.maxBufferedSpans ?? 1024;
  const intervalMs = options.flushIntervalMs ?? 1000;
  let fd: number | undefined = openLinesForAppend(path);
  let buffer: ReadableSpan[] = [];
  let written = 0;
  let failure: Error | undefined;
  // Flushes made for the writer's own reasons (timer, full buffer) keep their error for the next flush().
  const quietly = () => {
    try {
      write();
    } catch {}
  };
  const timer = setInterval(quietly, intervalMs);
  timer.unref();

  function write(): void {
    if (failure) throw failure;
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
      failure = new Error(`spool ${path}: cannot write spans (${(err as Error).message})`, { cause: err });
      throw failure;
    }
  }
  const flush = write;

  return {
    path,
    add(span) {
      if (fd === undefined) return;
      buffer.push(span);
      if (buffer.length >= maxBuffered) quietly();
    },
    flush,
    get written() {
      return written;
    },
    close() {
      if (fd === undefined) return;
      clearInterval(timer);
      try {
        flush();
      } finally {
        closeSync(fd);
        fd = undefined;
      }
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
      // Ending a span never throws; a failed write is thrown by the harness's own flush before recording.
      if (span.parentSpanContext === undefined) {
        try {
          writer.flush();
        } catch {}
      }
    },
    // The SDK's own flushes must not throw into it; the harness calls writer.flush() where a failure counts.
    async forceFlush() {
      try {
        writer.flush();
      } catch {}
    },
    async shutdown() {
      try {
        if (ownsWriter) writer.close();
        else writer.flush();
      } catch {}
    },
  };
}
