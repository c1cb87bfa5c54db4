/** Line-by-line reading of large text files (spools, legacy logs) without readline's overhead. */
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The lines of a file as text with 1-based line numbers, read in 1 MiB chunks. Invalid UTF-8 becomes U+FFFD;
 * a trailing `\r` is dropped; a line of megabytes is one line.
 */
export function* readLines(path: string): Generator<[string, number]> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry: Buffer[] = [];
    let n = 0;
    const text = (b: Buffer, from: number, to: number) =>
      b.toString('utf8', from, to > from && b[to - 1] === 0x0d ? to - 1 : to);
    for (;;) {
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1 && nl < got; nl = chunk.indexOf(0x0a, from)) {
        if (carry.length === 0) yield [text(chunk, from, nl), ++n];
        else {
          const whole = Buffer.concat([...carry, chunk.subarray(from, nl)]);
          carry = [];
          yield [text(whole, 0, whole.length), ++n];
        }
        from = nl + 1;
      }
      if (from < got) carry.push(Buffer.from(chunk.subarray(from, got)));
    }
    if (carry.length > 0) {
      const whole = Buffer.concat(carry);
      yield [text(whole, 0, whole.length), ++n];
    }
  } finally {
    closeSync(fd);
  }
}
