/** Writing an output file whole or not at all. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes via a temporary file and a rename, so an output is either the old file or the new one, whole: a
 * failure part way leaves no half-written chart or JSON behind.
 */
export function writeOutput(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
