/** Which files a legacy `--log-path` / `--log-dir` + `--log-glob` names, in the legacy analyzer's order. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Converts a simple glob (`*` and `?` only) to an anchored RegExp. */
export function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * One file, or every file of a directory matching `glob` in sorted order (Python `sorted(glob(...))`:
 * code-unit order of the names). Throws an Error naming a missing path.
 */
export function legacyLogFiles(path: string, glob = 'tau2_*.log'): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`legacy log path not found: ${path}`);
  }
  if (!st.isDirectory()) return [path];
  const re = globRegex(glob);
  return readdirSync(path)
    .filter((f) => re.test(f))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => join(path, f));
}

/** The domain a legacy log file is about: `tau2_<domain>.log` → `<domain>` (else the name without `.log`). */
export function domainOfLogFile(file: string): string {
  const name = basename(file);
  const m = /^tau2_(.+)\.log$/.exec(name);
  return m?.[1] ?? name.replace(/\.log$/, '');
}
