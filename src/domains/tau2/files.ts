/** Reading tau2's data files: JSON as Python's `json.loads` reads it (ints and floats kept apart). */
import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlDate } from 'smol-toml';
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

// A TOML value as Python's toml 0.10.2 gives it to pydantic: ints as ints (bigint), floats as floats; a bare
// date or local date-time as the str() of the Python object, the form the port stores dates in.
function fromToml(v: unknown): PyValue {
  if (v instanceof TomlDate) {
    const iso = v.toISOString();
    return v.isDate() ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (Array.isArray(v)) return v.map(fromToml);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromToml(x)]));
  }
  return v as PyValue;
}

/** `toml.load(file)` (tau2's `DB.load` of a `.toml`): ints and floats kept apart; bad TOML names the file. */
export function readPyToml(file: string): PyValue {
  const text = readDataText(file);
  try {
    return fromToml(parseToml(text, { integersAsBigInt: true }));
  } catch (err) {
    throw new Tau2DataError(`invalid TOML in ${file}: ${(err as Error).message}`);
  }
}
