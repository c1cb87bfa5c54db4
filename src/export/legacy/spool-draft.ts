/**
 * The spool an import writes: a temporary file beside `out`, created when the first span ends (an import that
 * finds nothing to import creates nothing), and put in place by {@link SpoolDraft.publish} only when the
 * import succeeded, never over a file that appeared there in the meantime.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { createSpoolProcessor, createSpoolWriter, type SpoolWriter } from '../../telemetry/spool.js';
import { setting, UsageError } from '../../util/errors.js';
import { fileKind } from './files.js';

/** A spool being written to a temporary file, published to `out` at the end or discarded. */
export class SpoolDraft {
  readonly tmp: string;
  private writer: SpoolWriter | undefined;
  private inner: SpanProcessor | undefined;
  /** Feeds the temporary file (every span: the spool ignores sampling). */
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

  /** Moves the finished spool to `out`; on failure the temporary file is removed. */
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
  return new UsageError(
    [setting('out'), ` ${out} appeared while importing; it was left as it was and nothing was written`],
    { field: 'out' },
  );
}
