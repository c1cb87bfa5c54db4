/** The tau2 domains ported faithfully (tau2's own behaviour, quirks included), by name. */
import path from 'node:path';
import { airlineDomain } from './airline/index.js';
import { mockDomain } from './mock/index.js';
import type { OpenedTau2Domain, Tau2DomainPort } from './port.js';
import { retailDomain } from './retail/index.js';
import { readTasks, type Tau2Task } from './tasks.js';
import { telecomDomain } from './telecom/index.js';

/** The four domains of tau2-bench, ported or not. */
export const TAU2_DOMAINS = ['mock', 'retail', 'airline', 'telecom'] as const;

const PORTS: Record<string, Tau2DomainPort> = {
  mock: mockDomain,
  retail: retailDomain,
  airline: airlineDomain,
  telecom: telecomDomain,
};

/** Names of the domains ported faithfully so far. */
export const FAITHFUL_DOMAINS = Object.keys(PORTS);

/** The faithful port of `name`, or undefined when it has none (yet). */
export function faithfulPort(name: string): Tau2DomainPort | undefined {
  return Object.hasOwn(PORTS, name) ? PORTS[name] : undefined;
}

/** Opens `<dataDir>/domains/<name>/` with its port and reads its tasks. */
export function openFaithfulDomain(
  port: Tau2DomainPort,
  dataDir: string,
): { domain: OpenedTau2Domain; tasks: Tau2Task[] } {
  const dir = path.join(dataDir, 'domains', port.name);
  return { domain: port.open(dir), tasks: readTasks(path.join(dir, 'tasks.json')) };
}
