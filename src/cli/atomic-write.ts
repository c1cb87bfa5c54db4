/** Writing an output file whole or not at all. */
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

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

/**
 * Writes `value` as JSON.stringify would (same bytes), via a temporary file and a rename, without ever
 * holding the whole text: each top-level array is written element by element in ~1 MiB chunks. A 300,000-span
 * Perfetto export is 170 MB of text, which as one string (and its UTF-8 copy) would double the peak memory.
 */
export function writeJsonOutput(path: string, value: Record<string, unknown>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let open = true;
  try {
    let chunk = '';
    const put = (text: string) => {
      chunk += text;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    };
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      const json = Array.isArray(v) ? undefined : JSON.stringify(v);
      if (json === undefined && !Array.isArray(v)) continue; // as JSON.stringify leaves out undefined members
      put(`${first ? '{' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (json !== undefined) put(json);
      else {
        const list = v as unknown[];
        put('[');
        for (let i = 0; i < list.length; i++)
          put(`${i === 0 ? '' : ','}${JSON.stringify(list[i]) ?? 'null'}`);
        put(']');
      }
    }
    put(first ? '{}' : '}');
    writeSync(fd, chunk);
    closeSync(fd);
    open = false;
    renameSync(tmp, path);
  } catch (err) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
