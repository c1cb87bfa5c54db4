/** Which files a legacy `--log-path` / `--log-dir` + `--log-glob` names, in the legacy analyzer's order. */
import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Converts a simple glob (`*` and `?` only) to an anchored RegExp. */
export function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** What a path is, as far as reading it goes (see {@link fileKind}). */
export type FileKind = 'file' | 'missing' | 'directory' | 'dangling symlink' | 'FIFO' | 'socket' | 'device';

/**
 * What a path is, without opening it (opening a FIFO would block until someone writes to it): `file` for a
 * regular file or a symlink to one, else a word for the message that names it.
 */
export function fileKind(path: string): FileKind {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    try {
      return lstatSync(path).isSymbolicLink() ? 'dangling symlink' : 'missing';
    } catch {
      return 'missing';
    }
  }
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  return st.isSocket() ? 'socket' : 'device';
}

/** The files of a directory that match a glob: the readable ones, and the others with why they are skipped. */
export interface LegacyLogListing {
  /** Regular files (or symlinks to one), sorted as Python's `sorted(glob(...))` (code-unit order). */
  files: string[];
  /** Matching names that are not regular files, with what they are (`a directory`, `a FIFO`, …). */
  skipped: { path: string; why: string }[];
}

/**
 * Every name of directory `dir` matching `glob`, split into regular files to read and the rest. Nothing is
 * opened: a FIFO named `tau2_x.log` would block a reader forever.
 */
export function listLegacyLogs(dir: string, glob = 'tau2_*.log'): LegacyLogListing {
  const re = globRegex(glob);
  const out: LegacyLogListing = { files: [], skipped: [] };
  const names = readdirSync(dir)
    .filter((f) => re.test(f))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const path = join(dir, name);
    const kind = fileKind(path);
    if (kind === 'file') out.files.push(path);
    else out.skipped.push({ path, why: kind === 'missing' ? 'gone while listed' : `a ${kind}` });
  }
  return out;
}

/**
 * One file, or every regular file of a directory matching `glob` in sorted order (Python
 * `sorted(glob(...))`: code-unit order of the names); matching names that are not regular files are left
 * out. Throws an Error naming a path that is missing or neither a directory nor a regular file.
 */
export function legacyLogFiles(path: string, glob = 'tau2_*.log'): string[] {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`legacy log path not found: ${path}`);
  }
  if (st.isDirectory()) return listLegacyLogs(path, glob).files;
  if (!st.isFile()) throw new Error(`legacy log path is not a regular file: ${path}`);
  return [path];
}

/** The domain a legacy log file is about: `tau2_<domain>.log` → `<domain>` (else the name without `.log`). */
export function domainOfLogFile(file: string): string {
  const name = basename(file);
  const m = /^tau2_(.+)\.log$/.exec(name);
  return m?.[1] ?? name.replace(/\.log$/, '');
}
