/** Resolves domain names (the `domains` setting) to {@link Domain}s: built-in ones or tau2 data. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type MessagePart, setting, UsageError } from '../util/errors.js';
import { demoDomain } from './demo/index.js';
import { FAITHFUL_DOMAINS, faithfulHarnessDomain, faithfulPort } from './tau2/index.js';
import type { Domain } from './types.js';

const BUILTIN: Record<string, Domain> = { demo: demoDomain };

/** Names of the domains that need no data directory. */
export function listBuiltinDomains(): string[] {
  return Object.keys(BUILTIN);
}

/** The domain directories of a tau2 data directory (`<dataDir>/domains/<name>/`), sorted. */
export function listTau2Domains(dataDir: string): string[] {
  const dir = path.join(dataDir, 'domains');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Options of {@link resolveDomains}. */
export interface ResolveOptions {
  /** tau2-bench's `data/tau2` directory, holding `domains/<name>/`. */
  dataDir?: string | undefined;
}

const isDirectory = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** What a data directory offers, for the message about a name it lacks. */
function offered(dataDir: string | undefined): MessagePart[] {
  if (dataDir === undefined) return ['none given'];
  if (!isDirectory(dataDir)) return [`${dataDir} does not exist`];
  const names = listTau2Domains(dataDir);
  if (names.length > 0) return [names.join(', ')];
  // A tau2-bench checkout keeps its data two levels down.
  const nested = path.join(dataDir, 'data', 'tau2');
  const hint = isDirectory(path.join(nested, 'domains'))
    ? ['; did you mean ', setting('dataDir'), ` ${nested}?`]
    : [];
  return [`no domains/ directory in ${dataDir}`, ...hint];
}

/**
 * Returns the domains named in `names` (each once, in order). Built-in names win; any other name is a tau2
 * domain read from `opts.dataDir` and played by its faithful port (tau2's own behaviour,
 * docs/tau2-fidelity.md). Throws a {@link UsageError} about `domains` naming what is available when a name
 * is neither (or is a tau2 domain without a port), and a `Tau2DataError` naming the file when the domain's data
 * cannot be used.
 */
export function resolveDomains(names: string[], opts: ResolveOptions = {}): Domain[] {
  return [...new Set(names)].map((name) => {
    const builtin = Object.hasOwn(BUILTIN, name) ? BUILTIN[name] : undefined;
    if (builtin) return builtin;
    const { dataDir } = opts;
    if (dataDir === undefined || !listTau2Domains(dataDir).includes(name)) {
      const builtIn = listBuiltinDomains().join(', ');
      const parts = [`unknown domain "${name}" (built in: ${builtIn}; with `, setting('dataDir'), ': '];
      throw new UsageError([...parts, ...offered(dataDir), ')'], { field: 'domains' });
    }
    const port = faithfulPort(name);
    if (!port) {
      throw new UsageError(
        [
          `tau2 domain "${name}" at ${path.join(dataDir, 'domains', name)} has no port here (ported: ${FAITHFUL_DOMAINS.join(', ')})`,
        ],
        { field: 'domains' },
      );
    }
    return faithfulHarnessDomain(port, dataDir);
  });
}
