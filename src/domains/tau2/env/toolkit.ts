/**
 * tau2's `ToolKitBase`: a class whose `@is_tool` methods are the tools, plus plain methods that only
 * initialization actions and environment assertions reach (`add_notification`, `assert_task_status`), all over
 * one DB. Methods are called as Python calls them, `method(**arguments)`: the arguments are bound to the
 * signature with Python's own `TypeError`s, then reach the tool unvalidated.
 */
import { createHash } from 'node:crypto';
import { dumpsPy, type PyValue } from '../../../util/pyjson.js';
import { type FieldType, updateModel } from './model.js';
import { attributeError, type PyDict, typeError, valueError } from './python.js';

/** tau2's `ToolType`: what a tool does, for prompts and metrics. */
export type ToolType = 'read' | 'write' | 'think' | 'generic';

/** One parameter of a method's signature. */
export interface ParamSpec {
  name: string;
  /** The annotation, for the schema only: tools get their arguments unvalidated. */
  type: FieldType;
  /** The docstring's `Args:` entry; absent when the docstring has none. */
  description?: string;
  /** The default value; absent for a required parameter. */
  default?: PyValue;
}

/** A method of a toolkit: a tool, or a helper when it is listed in {@link ToolKitSpec.methods}. */
export interface MethodSpec {
  name: string;
  /** The docstring's short description, plus `\n\n` and the long description when there is one. */
  description: string;
  params: readonly ParamSpec[];
  /** `@is_tool(tool_type)`; helpers have none. */
  toolType?: ToolType;
  /** `mutates_state`: re-run when a message history is replayed; default: `toolType === 'write'`. */
  mutatesState?: boolean;
  /** The class that defines the method, when inherited (Python's `TypeError`s name it). */
  owner?: string;
  /** The body: `db` is the toolkit's DB at call time, `args` the bound arguments (defaults filled in). */
  run(db: PyDict, args: Readonly<Record<string, PyValue>>): PyValue;
}

/** A toolkit class: its name, its tools in tau2's order (class definition order), its other methods. */
export interface ToolKitSpec {
  className: string;
  tools: readonly MethodSpec[];
  methods?: readonly MethodSpec[];
}

/** A toolkit instance over a DB (`MockTools(db)`). `db` is reassigned by `set_state`, as tau2 does. */
export interface ToolKit {
  readonly spec: ToolKitSpec;
  db: PyDict;
  hasTool(name: string): boolean;
  /** Whether replaying a message history re-runs the tool (`tool_mutates_state`). */
  toolMutatesState(name: string): boolean;
  /** `use_tool(tool_name, **kwargs)`: unknown names raise `ValueError: Tool 'x' not found.`. */
  useTool(name: string, kwargs: PyDict): PyValue;
  /** `getattr(toolkit, name)(**kwargs)`: any method, tool or not (initialization actions, assertions). */
  callMethod(name: string, kwargs: PyDict): PyValue;
  /** `update_db(data)`: the DB deep-merged with `data` and validated again. */
  updateDb(data: PyDict): void;
  /** `get_db_hash()`: sha256 hex of `json.dumps(db.model_dump(), sort_keys=True, default=str)`. */
  dbHash(): string;
}

/** Python's `TypeError` texts for a call `qualname(**kwargs)` that does not fit the signature. */
export function bindArguments(
  qualname: string,
  params: readonly ParamSpec[],
  kwargs: PyDict,
): Record<string, PyValue> {
  // CPython binds keywords before it looks for missing parameters: an unknown keyword is reported first.
  for (const key of Object.keys(kwargs)) {
    if (!params.some((p) => p.name === key)) {
      throw typeError(`${qualname}() got an unexpected keyword argument '${key}'`);
    }
  }
  const missing = params
    .filter((p) => !('default' in p) && !Object.hasOwn(kwargs, p.name))
    .map((p) => `'${p.name}'`);
  if (missing.length > 0) {
    const names =
      missing.length === 1
        ? missing[0]
        : missing.length === 2
          ? `${missing[0]} and ${missing[1]}`
          : `${missing.slice(0, -1).join(', ')}, and ${missing.at(-1)}`;
    throw typeError(
      `${qualname}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${names}`,
    );
  }
  const bound: Record<string, PyValue> = {};
  for (const p of params) bound[p.name] = Object.hasOwn(kwargs, p.name) ? kwargs[p.name]! : p.default!;
  return bound;
}

/** sha256 hex of `json.dumps(value, sort_keys=True, default=str)` (tau2's `get_dict_hash`). */
export function dictHash(value: PyValue): string {
  return createHash('sha256')
    .update(dumpsPy(value, { sortKeys: true }), 'utf8')
    .digest('hex');
}

/** Instantiates the toolkit `spec` over `db` (a model instance). */
export function createToolKit(spec: ToolKitSpec, db: PyDict): ToolKit {
  const tools = new Map(spec.tools.map((m) => [m.name, m]));
  const methods = new Map([...(spec.methods ?? []), ...spec.tools].map((m) => [m.name, m]));
  const invoke = (kit: ToolKit, m: MethodSpec, kwargs: PyDict): PyValue =>
    m.run(kit.db, bindArguments(`${m.owner ?? spec.className}.${m.name}`, m.params, kwargs));
  const kit: ToolKit = {
    spec,
    db,
    hasTool: (name) => tools.has(name),
    toolMutatesState(name) {
      const m = tools.get(name);
      return m?.mutatesState ?? m?.toolType === 'write';
    },
    useTool(name, kwargs) {
      const m = tools.get(name);
      if (!m) throw valueError(`Tool '${name}' not found.`);
      return invoke(kit, m, kwargs);
    },
    callMethod(name, kwargs) {
      const m = methods.get(name);
      if (!m) throw attributeError(spec.className, name);
      return invoke(kit, m, kwargs);
    },
    updateDb(data) {
      kit.db = updateModel(kit.db, data);
    },
    // model_dump() would only copy: the instance already holds exactly the dumped fields.
    dbHash: () => dictHash(kit.db),
  };
  return kit;
}
