/** Resolves domain names given on the command line to {@link Domain}s: built-in ones or tau2 data. */
import { demoDomain } from './demo/index.js';
import {
  faithfulHarnessDomain,
  faithfulPort,
  listTau2Domains,
  loadTau2Domain,
  type SkippedTask,
} from './tau2/index.js';
import type { Domain } from './types.js';

const BUILTIN: Record<string, Domain> = { demo: demoDomain };

/** Names of the domains that need no data directory. */
export function listBuiltinDomains(): string[] {
  return Object.keys(BUILTIN);
}

/** Options of {@link resolveDomains}. */
export interface ResolveOptions {
  /** tau2-bench's `data/tau2` directory, holding `domains/<name>/`. */
  dataDir?: string | undefined;
  /** Told about the tasks a tau2 domain had to leave out. */
  onSkipped?: ((domain: string, skipped: SkippedTask[]) => void) | undefined;
}

/**
 * Returns the domains named in `names` (each once, in order). Built-in names win; any other name is loaded
 * from `opts.dataDir`, with its faithful port when it has one. Throws an Error listing what is available when a name is neither.
 */
export function resolveDomains(names: string[], opts: ResolveOptions = {}): Domain[] {
  const available = opts.dataDir === undefined ? [] : listTau2Domains(opts.dataDir);
  return [...new Set(names)].map((name) => {
    const builtin = Object.hasOwn(BUILTIN, name) ? BUILTIN[name] : undefined;
    if (builtin) return builtin;
    if (opts.dataDir === undefined || !available.includes(name)) {
      const found =
        opts.dataDir === undefined
          ? 'none given'
          : available.length > 0
            ? available.join(', ')
            : `no domains/ directory in ${opts.dataDir}`;
      throw new Error(
        `unknown domain "${name}" (built in: ${listBuiltinDomains().join(', ')}; with --data-dir: ${found})`,
      );
    }
    // A faithful port plays the domain as tau2 does; the older loader serves the domains not yet ported
    // (dropping it once every port has landed is a deletion of this fallback).
    const port = faithfulPort(name);
    if (port) return faithfulHarnessDomain(port, opts.dataDir);
    const { domain, skipped } = loadTau2Domain(opts.dataDir, name);
    if (skipped.length > 0) opts.onSkipped?.(name, skipped);
    return domain;
  });
}
