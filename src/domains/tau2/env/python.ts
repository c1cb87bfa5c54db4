/**
 * The few Python semantics tau2's tools lean on, so ported tools fail where and as Python fails: exceptions whose
 * `str()` is what `get_response` shows after `Error: `, `repr`/`str` of values (f-strings echo arguments with
 * `str()`), `in` on a dict (unhashable keys raise), `==` across ints, floats and bools, attribute access on a
 * pydantic model. Values are {@link PyValue}s: `bigint` is a Python int, `number` a Python float.
 */
import { pyFloatRepr } from '../../../export/legacy/json.js';
import type { PyValue } from '../../../util/pyjson.js';

/** A Python dict as the tools see it (also a pydantic model instance, see {@link modelName}). */
export type PyDict = { [key: string]: PyValue };

/**
 * A Python exception raised inside tau2 code. `message` is `str(exception)`, which is what tau2 puts after
 * `Error: `; `pyType` is the exception class name (`ValueError`, `TypeError`, ...).
 */
export class PyError extends Error {
  override readonly name = 'PyError';
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

/** `raise ValueError(message)`, the error every tau2 tool raises for a bad id or state. */
export const valueError = (message: string): PyError => new PyError('ValueError', message);
/** `raise TypeError(message)`. */
export const typeError = (message: string): PyError => new PyError('TypeError', message);
/** `KeyError(key)`: its `str()` is the key's `repr`, hence `Error: 'first'`. */
export const keyError = (key: PyValue): PyError => new PyError('KeyError', pyRepr(key));
/** `AttributeError` as `obj.name` raises it on an object without that attribute. */
export const attributeError = (owner: string, attr: string): PyError =>
  new PyError('AttributeError', `'${owner}' object has no attribute '${attr}'`);

// Which objects are pydantic model instances, and of which class. A WeakMap keeps the tag out of the object's
// own keys, so json.dumps of a model_dump() sees exactly the fields.
const MODELS = new WeakMap<object, { readonly name: string }>();

/** Marks `obj` as an instance of the pydantic model class `cls` (done by the model layer on construction). */
export function tagModel<T extends object>(obj: T, cls: { readonly name: string }): T {
  MODELS.set(obj, cls);
  return obj;
}

/** `type(v)` of a model instance; undefined for a plain dict or any other value. */
export function modelClass(v: unknown): { readonly name: string } | undefined {
  return typeof v === 'object' && v !== null ? MODELS.get(v) : undefined;
}

/** The pydantic class name of a model instance; undefined for a plain dict or any other value. */
export function modelName(v: unknown): string | undefined {
  return modelClass(v)?.name;
}

/** `type(v).__name__`. */
export function pyTypeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return modelName(v) ?? 'dict';
}

/** `repr(s)` of a str: single quotes unless the text has `'` and no `"`; printable non-ASCII kept as is. */
function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0x7f && /[\p{C}\p{Z}]/u.test(ch)) {
      // Python's str.isprintable(): other controls, format characters and separators (but ' ') are escaped.
      out +=
        code <= 0xff
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : code <= 0xffff
            ? `\\u${code.toString(16).padStart(4, '0')}`
            : `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** `repr(v)`; a model instance as pydantic writes it: `Task(task_id='task_1', ...)`. */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'string') return reprStr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  const model = modelName(v);
  if (model !== undefined) {
    return `${model}(${Object.entries(v)
      .map(([k, x]) => `${k}=${pyRepr(x)}`)
      .join(', ')})`;
  }
  return `{${Object.entries(v)
    .map(([k, x]) => `${reprStr(k)}: ${pyRepr(x)}`)
    .join(', ')}}`;
}

/** `str(v)`, as an f-string writes it: strings as they are, a model as `a='x' b=1`, anything else its repr. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (modelName(v) !== undefined) {
    return Object.entries(v as PyDict)
      .map(([k, x]) => `${k}=${pyRepr(x)}`)
      .join(' ');
  }
  return pyRepr(v);
}

/** `key in d` for a dict with str keys: unhashable keys raise `TypeError`, other non-str keys are absent. */
export function pyIn(key: PyValue, d: PyDict): boolean {
  if (Array.isArray(key) || (typeof key === 'object' && key !== null)) {
    throw typeError(`unhashable type: '${pyTypeName(key)}'`);
  }
  return typeof key === 'string' && Object.hasOwn(d, key);
}

/** `obj.name` on a pydantic model: an unknown field raises `AttributeError` naming the model class. */
export function getattr<T extends PyValue = PyValue>(obj: PyDict, name: string): T {
  if (!Object.hasOwn(obj, name)) throw attributeError(pyTypeName(obj), name);
  return obj[name] as T;
}

const numeric = (v: PyValue): number | bigint | undefined =>
  typeof v === 'boolean' ? BigInt(v) : typeof v === 'bigint' || typeof v === 'number' ? v : undefined;

/** Python `a == b` for JSON-like values: `1 == 1.0 == True`, dicts regardless of key order. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined || y !== undefined) {
    if (x === undefined || y === undefined) return false;
    // biome-ignore lint/suspicious/noDoubleEquals: bigint and number compare by value only with ==
    return x == y;
  }
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]!))
    );
  }
  const da = a as PyDict;
  const db = b as PyDict;
  const ka = Object.keys(da);
  return (
    ka.length === Object.keys(db).length && ka.every((k) => Object.hasOwn(db, k) && pyEquals(da[k]!, db[k]!))
  );
}
