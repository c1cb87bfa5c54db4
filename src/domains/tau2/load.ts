/** Loads a tau2-bench domain (`<dataDir>/domains/<name>/{db.json,tasks.json,policy.md}`) at run time. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeToolDomain, type ToolDef } from '../kit.js';
import type { Domain, ExpectedAction, RewardBasis, Task } from '../types.js';
import { isMockDb, mockTools } from './mock.js';
import { retailTools } from './retail.js';
import { isRetailDb } from './retail-db.js';

/** A task of the data set that the loader left out, and why. */
export interface SkippedTask {
  id: string;
  reason: string;
}

/** A loaded tau2 domain and the tasks it had to skip. */
export interface Tau2Load {
  domain: Domain;
  skipped: SkippedTask[];
}

interface Implementation {
  toolNames: Set<string>;
  build(name: string, policy: string, tasks: Task[], db: unknown, dbFile: string): Domain;
}

function implementation<Db extends object>(
  tools: ToolDef<Db>[],
  isDb: (db: unknown) => db is Db,
): Implementation {
  return {
    toolNames: new Set(tools.map((t) => t.schema.name)),
    build(name, policy, tasks, db, dbFile) {
      if (!isDb(db)) throw new Error(`${dbFile} does not look like the ${name} domain's database`);
      return makeToolDomain({ name, policy, tasks, db, tools });
    },
  };
}

const IMPLEMENTATIONS: Record<string, Implementation> = {
  mock: implementation(mockTools, isMockDb),
  retail: implementation(retailTools, isRetailDb),
};

/** Names of the tau2 domains whose tools are implemented here. */
export const SUPPORTED_TAU2_DOMAINS = Object.keys(IMPLEMENTATIONS);

/** Names of the domain directories under `<dataDir>/domains` (empty when there is none). */
export function listTau2Domains(dataDir: string): string[] {
  const dir = path.join(dataDir, 'domains');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Reads the tau2 domain `name` from `dataDir` (tau2-bench's `data/tau2`). Tasks that need features this
 * harness does not support are returned in `skipped`. Throws an Error naming the culprit path when a
 * directory or file is missing, a JSON file is invalid, or the domain has no tool implementation here.
 */
export function loadTau2Domain(dataDir: string, name: string): Tau2Load {
  if (!isDirectory(dataDir)) throw new Error(`tau2 data directory not found: ${dataDir}`);
  const dir = path.join(dataDir, 'domains', name);
  if (!isDirectory(dir)) {
    const nested = path.join(dataDir, 'data', 'tau2');
    const hint = isDirectory(path.join(nested, 'domains')) ? ` (did you mean --data-dir ${nested}?)` : '';
    throw new Error(`tau2 domain directory not found: ${dir}${hint}`);
  }
  const impl = Object.hasOwn(IMPLEMENTATIONS, name) ? IMPLEMENTATIONS[name] : undefined;
  if (!impl) {
    throw new Error(
      `tau2 domain "${name}" at ${dir} has no tool implementation (supported: ${SUPPORTED_TAU2_DOMAINS.join(', ')})`,
    );
  }
  const policy = readText(path.join(dir, 'policy.md'));
  const dbFile = path.join(dir, 'db.json');
  const db = readJson(dbFile);
  const tasksFile = path.join(dir, 'tasks.json');
  const rawTasks = readJson(tasksFile);
  if (!Array.isArray(rawTasks)) throw new Error(`${tasksFile} must hold a JSON array of tasks`);

  const tasks: Task[] = [];
  const skipped: SkippedTask[] = [];
  for (const [i, raw] of rawTasks.entries()) {
    const rec = asRecord(raw);
    const id = String(rec['id'] ?? `#${i}`);
    const reasons = unsupportedFeatures(rec, impl.toolNames);
    if (reasons.length > 0) skipped.push({ id, reason: reasons.join('; ') });
    else tasks.push(toTask(rec, id, name));
  }
  return { domain: impl.build(name, policy, tasks, db, dbFile), skipped };
}

const REWARD_BASES: readonly string[] = ['DB', 'ACTION', 'NL_ASSERTION'] satisfies RewardBasis[];
const INITIAL_STATE_FEATURES = ['message_history', 'initialization_data', 'initialization_actions'];

function unsupportedFeatures(rec: Record<string, unknown>, toolNames: Set<string>): string[] {
  const reasons: string[] = [];
  const initial = asRecord(rec['initial_state']);
  for (const key of INITIAL_STATE_FEATURES) {
    if (isPresent(initial[key])) reasons.push(`initial_state.${key} is not supported`);
  }
  const criteria = asRecord(rec['evaluation_criteria']);
  if (isPresent(criteria['env_assertions']))
    reasons.push('evaluation_criteria.env_assertions is not supported');
  const unknown = actionsOf(criteria).filter((a) => !toolNames.has(a.name));
  if (unknown.length > 0)
    reasons.push(`unknown tool(s): ${[...new Set(unknown.map((a) => a.name))].join(', ')}`);
  const basis = criteria['reward_basis'];
  if (Array.isArray(basis) && basis.length > 0 && !basis.some((b) => REWARD_BASES.includes(b))) {
    reasons.push(`reward_basis ${basis.join(', ')} is not supported`);
  }
  return reasons;
}

function toTask(rec: Record<string, unknown>, id: string, domain: string): Task {
  const criteria = asRecord(rec['evaluation_criteria']);
  const nlAssertions = Array.isArray(criteria['nl_assertions']) ? criteria['nl_assertions'].map(String) : [];
  const basis = criteria['reward_basis'];
  const rewardBasis: RewardBasis[] = Array.isArray(basis)
    ? basis.filter((b): b is RewardBasis => REWARD_BASES.includes(b))
    : ['DB', 'ACTION', ...(nlAssertions.length > 0 ? (['NL_ASSERTION'] as const) : [])];
  return {
    id,
    domain,
    userInstructions: instructionsText(asRecord(rec['user_scenario'])),
    expectedActions: actionsOf(criteria),
    nlAssertions,
    rewardBasis,
  };
}

function actionsOf(criteria: Record<string, unknown>): ExpectedAction[] {
  const actions = Array.isArray(criteria['actions']) ? criteria['actions'] : [];
  return actions.map((raw) => {
    const a = asRecord(raw);
    const action: ExpectedAction = { name: String(a['name']), arguments: asRecord(a['arguments']) };
    if (Array.isArray(a['compare_args'])) action.compareArgs = a['compare_args'].map(String);
    return action;
  });
}

const INSTRUCTION_PARTS: [string, string][] = [
  ['reason_for_call', 'Reason for call'],
  ['known_info', 'Known info'],
  ['unknown_info', 'Unknown info'],
  ['task_instructions', 'Task instructions'],
];

/** The user simulator's text: the persona (if any), then the instructions, structured ones as labelled parts. */
function instructionsText(scenario: Record<string, unknown>): string {
  const { persona, instructions } = scenario;
  const lines = isPresent(persona) ? [`Persona: ${String(persona)}`] : [];
  if (typeof instructions === 'string') return [...lines, instructions].join('\n');
  const parts = asRecord(instructions);
  if (isPresent(parts['domain'])) lines.push(`Domain: ${String(parts['domain'])}`);
  for (const [key, label] of INSTRUCTION_PARTS) {
    if (isPresent(parts[key])) lines.push(`${label}: ${String(parts[key])}`);
  }
  return lines.join('\n');
}

const isPresent = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `tau2 file not found: ${file}` : `cannot read ${file}: ${String(err)}`,
    );
  }
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid JSON in ${file}: ${(err as Error).message}`);
  }
}
