import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Opens a line-based file (a spool, a journal) for appending. When a crash cut its last line short, the
 * next line starts on a line of its own, so only the cut line is lost and everything appended later parses.
 * Reads one byte, however large the file.
 */
export function openLinesForAppend(path: string): number {
  const fd = openSync(path, 'a');
  const size = fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    const probe = openSync(path, 'r');
    try {
      readSync(probe, last, 0, 1, size - 1);
    } finally {
      closeSync(probe);
    }
    if (last[0] !== 0x0a) writeSync(fd, '\n');
  }
  return fd;
}
