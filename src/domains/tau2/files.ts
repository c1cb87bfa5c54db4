/** Reading tau2's data files: JSON as Python's `json.loads` reads it (ints and floats kept apart). */
import { readFileSync } from 'node:fs';
import { loadsPy, type PyValue } from '../../util/pyjson.js';
import { Tau2DataError } from './port.js';

/** The text of `file`; a missing or unreadable file is a {@link Tau2DataError} naming it. */
export function readDataText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Tau2DataError(
      code === 'ENOENT' ? `tau2 file not found: ${file}` : `cannot read ${file}: ${String(err)}`,
    );
  }
}

/** `json.loads` of `file`'s text; invalid JSON is a {@link Tau2DataError} naming the file. */
export function readPyJson(file: string): PyValue {
  const text = readDataText(file);
  try {
    return loadsPy(text);
  } catch (err) {
    throw new Tau2DataError(`invalid JSON in ${file}: ${(err as Error).message}`);
  }
}
