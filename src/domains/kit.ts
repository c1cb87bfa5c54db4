/**
 * Building blocks shared by every domain: declarative tool definitions, checked argument access, per-trial
 * environments over a private copy of the database, and the canonical database digest.
 */
import { createHash } from 'node:crypto';
import type { Domain, DomainEnvironment, Task, ToolResult, ToolSchema } from './types.js';

/** A tool failure the agent sees as `Error: <message>`. Tool implementations throw it; anything else is a bug. */
export class ToolError extends Error {}

/** Checked access to a tool call's arguments: a missing or mistyped argument becomes a {@link ToolError}. */
export class Args {
  constructor(private readonly raw: Record<string, unknown>) {}

  str(name: string): string {
    const v = this.raw[name];
    if (typeof v !== 'string') throw new ToolError(`argument '${name}' must be a string`);
    return v;
  }

  /** An optional string: absent or null reads as undefined. */
  optStr(name: string): string | undefined {
    return this.raw[name] == null ? undefined : this.str(name);
  }

  strs(name: string): string[] {
    const v = this.raw[name];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new ToolError(`argument '${name}' must be an array of strings`);
    }
    return v;
  }
}

/** A tool: the schema the agent sees and its implementation over the domain database `Db`. */
export interface ToolDef<Db> {
  schema: ToolSchema;
  /** Returns the result (a string is sent as is, anything else as JSON) or throws a {@link ToolError}. */
  run(db: Db, args: Args): unknown;
}

/** JSON-schema shorthands for tool parameters. */
export const param = {
  str: (description: string) => ({ type: 'string', description }),
  strs: (description: string) => ({ type: 'array', items: { type: 'string' }, description }),
  enum: (values: string[], description: string) => ({ type: 'string', enum: values, description }),
};

/**
 * Defines a tool. `params` maps parameter names to JSON schemas; a name ending in `?` is optional (the `?` is
 * not part of the name).
 */
export function tool<Db>(
  name: string,
  description: string,
  params: Record<string, Record<string, unknown>>,
  run: (db: Db, args: Args) => unknown,
): ToolDef<Db> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [key, schema] of Object.entries(params)) {
    const optional = key.endsWith('?');
    const prop = optional ? key.slice(0, -1) : key;
    properties[prop] = schema;
    if (!optional) required.push(prop);
  }
  return {
    schema: {
      name,
      description,
      parameters: { type: 'object', properties, required, additionalProperties: false },
    },
    run,
  };
}

const fail = (message: string): ToolResult => ({ ok: false, content: `Error: ${message}` });

/** An environment whose tools work on `db` in place; pass it a private copy (see {@link privateCopy}). */
export function createToolEnvironment<Db>(
  db: Db,
  tools: ReadonlyMap<string, ToolDef<Db>>,
): DomainEnvironment {
  return {
    execute(toolName, args) {
      const def = tools.get(toolName);
      if (!def) return fail(`unknown tool '${toolName}'`);
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return fail('tool arguments must be a JSON object');
      }
      const known = def.schema.parameters.properties;
      const unexpected = Object.keys(args).filter((k) => !Object.hasOwn(known, k));
      if (unexpected.length > 0)
        return fail(`unexpected argument(s) for ${toolName}: ${unexpected.join(', ')}`);
      try {
        const out = def.run(db, new Args(args));
        return { ok: true, content: typeof out === 'string' ? out : (JSON.stringify(out) ?? '') };
      } catch (err) {
        if (err instanceof ToolError) return fail(err.message);
        throw err;
      }
    },
    dbHash: () => hashJson(db),
  };
}

/**
 * Assembles a {@link Domain}. `db` maps table names to tables of records (`{ orders: { '#1': {...} } }`); it is
 * deep-frozen here and shared by all environments, each of which gets a {@link privateCopy}.
 */
export function makeToolDomain<Db extends object>(spec: {
  name: string;
  policy: string;
  tasks: Task[];
  db: Db;
  tools: ToolDef<Db>[];
}): Domain {
  const byName = new Map(spec.tools.map((t) => [t.schema.name, t]));
  const shared = deepFreeze(spec.db);
  return {
    name: spec.name,
    policy: spec.policy,
    tools: spec.tools.map((t) => t.schema),
    tasks: spec.tasks,
    createEnvironment: () => createToolEnvironment(privateCopy(shared), byName),
  };
}

// Copying tau2 retail's 2.8 MB database for every trial, and serializing it whole for every hash, cost ~300 ms
// of event-loop time per trial, which would skew the latencies this harness measures. So environments share
// the frozen records, copy one only when a tool looks it up, and the serialization of frozen data is cached.
const frozen = new WeakSet<object>();
const frozenJson = new WeakMap<object, string>();

/** Freezes `value` and everything in it, and marks it as safe to share between environments. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !frozen.has(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
    frozen.add(value);
  }
  return value;
}

/**
 * A copy of a two-level database whose top level and tables are new objects while the records stay shared
 * (and frozen): {@link lookup} replaces a shared record with a private deep copy before a tool can change it.
 */
export function privateCopy<Db extends object>(db: Db): Db {
  const copy: Record<string, unknown> = {};
  for (const [name, table] of Object.entries(db)) {
    copy[name] = Array.isArray(table)
      ? [...table]
      : typeof table === 'object' && table !== null
        ? { ...table }
        : table;
  }
  return copy as Db;
}

/**
 * Looks `id` up in a table or throws a {@link ToolError} like `order not found: #W1`. The record returned is
 * the environment's own, safe to modify.
 */
export function lookup<T>(table: Record<string, T>, id: string, what: string): T {
  let found = Object.hasOwn(table, id) ? table[id] : undefined;
  if (found === undefined) throw new ToolError(`${what} not found: ${id}`);
  if (typeof found === 'object' && found !== null && frozen.has(found)) {
    found = structuredClone(found);
    table[id] = found;
  }
  return found;
}

/** JSON with object keys sorted at every level, so equal data always serializes the same way. */
export function canonicalJson(value: unknown): string {
  // A tau2 port's arguments hold Python ints as bigints; compared as numbers, 2 equals 2.0 as in Python.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const cached = frozenJson.get(value);
  if (cached !== undefined) return cached;
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  } else {
    const obj = value as Record<string, unknown>;
    const fields = Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
    text = `{${fields.join(',')}}`;
  }
  if (frozen.has(value)) frozenJson.set(value, text);
  return text;
}

/** sha256 (hex) of {@link canonicalJson}. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Rounds an amount of money to cents. */
export const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

/** The `transfer_to_human_agents` tool every domain offers. */
export function transferTool<Db>(): ToolDef<Db> {
  return tool(
    'transfer_to_human_agents',
    'Transfer the user to a human agent, with a summary of the issue. Use it only when the request cannot be ' +
      'handled with the other tools.',
    { summary: param.str("A summary of the user's issue.") },
    (_db, args) => {
      args.str('summary');
      return 'Transfer successful';
    },
  );
}
