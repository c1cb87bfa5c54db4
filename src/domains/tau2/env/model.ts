/**
 * Pydantic models as tau2's data models use them: a model validates its input in lax mode when it is built
 * (`Task(...)`, `MockDB.model_validate(json)`), fields are then plain attributes (no `validate_assignment`:
 * anything assigned later is stored and hashed as is), and `model_dump()` is the fields in declaration order.
 * An instance is a plain object of its fields, tagged with its class name (see `tagModel`).
 */
import { orderedDict, type PyValue } from '../../../util/pyjson.js';
import { modelClass, modelName, type PyDict, PyError, pyRepr, pyTypeName, tagModel } from './python.js';

/** A field's type annotation, as far as tau2's models use them. */
export type FieldType =
  | { kind: 'str' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'any' }
  | { kind: 'literal'; values: readonly string[] }
  | { kind: 'optional'; inner: FieldType }
  | { kind: 'list'; item: FieldType }
  | { kind: 'dict'; value: FieldType }
  | { kind: 'model'; model: ModelType }
  /** A `str`-mixin `Enum` class; a member is stored as its value (it equals its value in Python). */
  | { kind: 'enum'; name: string; values: readonly string[] }
  /** `datetime.date`, stored as `str(date)` (`2025-01-20`): what `json.dumps(default=str)` writes of it. */
  | { kind: 'date' }
  /** `datetime.datetime` (naive), stored as `str(datetime)` (`2025-01-20 14:30:00`), for the same reason. */
  | { kind: 'datetime' }
  /** `Union[A, B]`: tried left to right (pydantic's smart mode agrees for the unions tau2's tools declare). */
  | { kind: 'union'; options: readonly FieldType[] };

/** One field: its type and, when it has one, its default (a factory, as `default_factory` or a copy). */
export interface FieldSpec {
  type: FieldType;
  default?: () => PyValue;
  /** `Field(default_factory=...)`: pydantic then writes no `default` in the JSON schema. */
  defaultFactory?: boolean;
  /** `Field(description=...)`, for the JSON schema. */
  description?: string;
}

/** A pydantic model class. */
export interface ModelType {
  name: string;
  fields: Readonly<Record<string, FieldSpec>>;
  /** `extra="forbid"` (tau2's `BaseModelNoExtra`, every `DB`) or pydantic's default `ignore`. */
  extra: 'ignore' | 'forbid';
  /** The class docstring, which pydantic writes as the schema's `description`. */
  description?: string;
}

/** Builders of {@link FieldType}s, named as the Python annotations. */
export const t = {
  str: { kind: 'str' } as FieldType,
  int: { kind: 'int' } as FieldType,
  float: { kind: 'float' } as FieldType,
  bool: { kind: 'bool' } as FieldType,
  any: { kind: 'any' } as FieldType,
  literal: (...values: string[]): FieldType => ({ kind: 'literal', values }),
  optional: (inner: FieldType): FieldType => ({ kind: 'optional', inner }),
  list: (item: FieldType): FieldType => ({ kind: 'list', item }),
  dict: (value: FieldType): FieldType => ({ kind: 'dict', value }),
  model: (model: ModelType): FieldType => ({ kind: 'model', model }),
  enum: (name: string, ...values: string[]): FieldType => ({ kind: 'enum', name, values }),
  date: { kind: 'date' } as FieldType,
  datetime: { kind: 'datetime' } as FieldType,
  union: (...options: FieldType[]): FieldType => ({ kind: 'union', options }),
};

/** Declares a model class; fields in declaration order (the order `model_dump()` writes them). */
export function defineModel(
  name: string,
  fields: Record<string, FieldType | FieldSpec>,
  extra: ModelType['extra'] = 'ignore',
  description?: string,
): ModelType {
  const specs: Record<string, FieldSpec> = {};
  for (const [k, f] of Object.entries(fields)) specs[k] = 'type' in f ? f : { type: f };
  return description === undefined
    ? { name, fields: specs, extra }
    : { name, fields: specs, extra, description };
}

/** The pydantic minor version in the documentation links of validation errors (the goldens' 2.12.4). */
export const PYDANTIC_DOCS_VERSION = '2.12';

interface LineError {
  loc: (string | number)[];
  type: string;
  msg: string;
  input: PyValue;
}

// pydantic-core shortens an input repr longer than 50 UTF-8 bytes to its first 25 bytes, '...', its last 24
// (cut at character boundaries; measured with pydantic 2.12.4).
const MAX_REPR_BYTES = 50;
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');
function shortRepr(v: PyValue): string {
  const r = pyRepr(v);
  if (utf8Length(r) <= MAX_REPR_BYTES) return r;
  const chars = [...r];
  let head = '';
  for (const ch of chars) {
    if (utf8Length(head + ch) > 25) break;
    head += ch;
  }
  let tail = '';
  for (const ch of chars.reverse()) {
    if (utf8Length(ch + tail) > 24) break;
    tail = ch + tail;
  }
  return `${head}...${tail}`;
}

/** pydantic's `ValidationError`; its message is `str(error)`, the multi-line text tau2 shows after `Error: `. */
export function validationError(title: string, errors: LineError[]): PyError {
  const n = errors.length;
  const lines = [`${n} validation error${n === 1 ? '' : 's'} for ${title}`];
  for (const e of errors) {
    if (e.loc.length > 0) lines.push(e.loc.join('.'));
    lines.push(
      `  ${e.msg} [type=${e.type}, input_value=${shortRepr(e.input)}, input_type=${pyTypeName(e.input)}]`,
    );
    lines.push(
      `    For further information visit https://errors.pydantic.dev/${PYDANTIC_DOCS_VERSION}/v/${e.type}`,
    );
  }
  return new PyError('ValidationError', lines.join('\n'));
}

const isDict = (v: PyValue): v is PyDict => typeof v === 'object' && v !== null && !Array.isArray(v);

function literalMessage(values: readonly string[]): string {
  const quoted = values.map((v) => pyRepr(v));
  const last = quoted.pop();
  return `Input should be ${quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : last}`;
}

type Result = { ok: true; value: PyValue } | { ok: false };
/** Records an error of the value being checked, at its location; the failed result. */
type Fail = (errType: string, msg: string) => Result;

/** Lax-mode validation of one value; errors are appended to `errors` with their location. */
function check(type: FieldType, v: PyValue, loc: (string | number)[], errors: LineError[]): Result {
  const fail: Fail = (errType, msg) => {
    errors.push({ loc, type: errType, msg, input: v });
    return { ok: false };
  };
  switch (type.kind) {
    case 'any':
      // A copy: the validated instance must not share containers with its input (a DB file read once).
      return { ok: true, value: modelDump(v) };
    case 'str':
      return typeof v === 'string'
        ? { ok: true, value: v }
        : fail('string_type', 'Input should be a valid string');
    case 'int':
      return checkInt(v, fail);
    case 'float':
      return checkFloat(v, fail);
    case 'bool':
      return checkBool(v, fail);
    case 'literal':
      return typeof v === 'string' && type.values.includes(v)
        ? { ok: true, value: v }
        : fail('literal_error', literalMessage(type.values));
    case 'optional':
      return v === null ? { ok: true, value: null } : check(type.inner, v, loc, errors);
    case 'list':
      return Array.isArray(v)
        ? checkList(type.item, v, loc, errors)
        : fail('list_type', 'Input should be a valid list');
    case 'dict':
      return isDict(v)
        ? checkDict(type.value, v, loc, errors)
        : fail('dict_type', 'Input should be a valid dictionary');
    case 'enum':
      // A member or its value; a member is kept as its value, which it equals (a str mixin).
      return typeof v === 'string' && type.values.includes(v)
        ? { ok: true, value: v }
        : fail('enum', literalMessage(type.values));
    case 'date':
    case 'datetime':
      return checkDate(type.kind, v, fail);
    case 'union':
      return checkUnion(type.options, v, loc, errors);
    case 'model':
      // pydantic's default revalidate_instances='never': an instance of the model is taken as it is.
      if (modelName(v) === type.model.name) return { ok: true, value: v };
      if (!isDict(v)) {
        return fail('model_type', `Input should be a valid dictionary or instance of ${type.model.name}`);
      }
      return checkModel(type.model, v, loc, errors);
  }
}

/** An `int` in lax mode: a bool, a whole number, or a string that spells one (kept as a bigint). */
function checkInt(v: PyValue, fail: Fail): Result {
  if (typeof v === 'bigint') return { ok: true, value: v };
  if (typeof v === 'boolean') return { ok: true, value: BigInt(v) };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail('finite_number', 'Input should be a finite number');
    return Number.isInteger(v)
      ? { ok: true, value: BigInt(v) }
      : fail('int_from_float', 'Input should be a valid integer, got a number with a fractional part');
  }
  if (typeof v === 'string') {
    // pydantic also takes '12.0', '+3', '1_000' and surrounding blanks as ints.
    return /^[-+]?\d+(_\d+)*(\.0*)?$/.test(v.trim())
      ? { ok: true, value: BigInt(v.trim().replaceAll('_', '').replace(/\.0*$/, '')) }
      : fail('int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
  }
  return fail('int_type', 'Input should be a valid integer');
}

/** A `float` in lax mode: any number or bool, or a string that spells one (`inf` and `nan` included). */
function checkFloat(v: PyValue, fail: Fail): Result {
  if (typeof v === 'number') return { ok: true, value: v };
  if (typeof v === 'bigint' || typeof v === 'boolean') return { ok: true, value: Number(v) };
  if (typeof v === 'string') {
    const s = v.trim().replaceAll('_', '');
    if (/^[-+]?(inf|infinity|nan)$/i.test(s)) {
      return { ok: true, value: /nan/i.test(s) ? Number.NaN : s.startsWith('-') ? -Infinity : Infinity };
    }
    return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)
      ? { ok: true, value: Number(s) }
      : fail('float_parsing', 'Input should be a valid number, unable to parse string as a number');
  }
  return fail('float_type', 'Input should be a valid number');
}

/** A `bool` in lax mode: 0 and 1, and the strings pydantic reads as yes or no. */
function checkBool(v: PyValue, fail: Fail): Result {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if ((typeof v === 'bigint' || typeof v === 'number') && (Number(v) === 0 || Number(v) === 1)) {
    return { ok: true, value: Number(v) === 1 };
  }
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (['1', 'on', 't', 'true', 'y', 'yes'].includes(s)) return { ok: true, value: true };
    if (['0', 'off', 'f', 'false', 'n', 'no'].includes(s)) return { ok: true, value: false };
    return fail('bool_parsing', 'Input should be a valid boolean, unable to interpret input');
  }
  return fail('bool_type', 'Input should be a valid boolean');
}

/** Every item of a list; the errors of all of them are reported. */
function checkList(item: FieldType, v: PyValue[], loc: (string | number)[], errors: LineError[]): Result {
  const before = errors.length;
  const out = v.map((x, i) => check(item, x, [...loc, i], errors));
  return errors.length > before
    ? { ok: false }
    : { ok: true, value: out.map((r) => (r.ok ? r.value : null)) };
}

/** Every value of a dict; the errors of all of them are reported. */
function checkDict(value: FieldType, v: PyDict, loc: (string | number)[], errors: LineError[]): Result {
  const before = errors.length;
  const out: [string, PyValue][] = [];
  for (const [k, x] of Object.entries(v)) {
    const r = check(value, x, [...loc, k], errors);
    if (r.ok) out.push([k, r.value]);
  }
  // orderedDict: a dict keeps its keys' order even when they look like integers.
  return errors.length > before ? { ok: false } : { ok: true, value: orderedDict(out) };
}

/**
 * pydantic's smart mode as far as tau2's unions need it: their members are models told apart by a Literal
 * field (or a model and a plain dict), so at most one member fits and the first that does wins. When none
 * fits, every member's errors are reported under the member's tag (`CreditCard.source`).
 */
function checkUnion(
  options: readonly FieldType[],
  v: PyValue,
  loc: (string | number)[],
  errors: LineError[],
): Result {
  const tried: LineError[] = [];
  for (const option of options) {
    const r = check(option, v, [...loc, unionTag(option)], tried);
    if (r.ok) return r;
  }
  errors.push(...tried);
  return { ok: false };
}

// How pydantic names a union member in an error location: a model by its class name, a plain type by its name.
function unionTag(type: FieldType): string {
  switch (type.kind) {
    case 'model':
      return type.model.name;
    case 'enum':
      // tau2's enums are str mixins (pydantic 2.12: `str-enum[Name]`).
      return `str-enum[${type.name}]`;
    case 'literal':
      return `literal[${type.values.map((v) => pyRepr(v)).join(',')}]`;
    case 'list':
      return `list[${unionTag(type.item)}]`;
    case 'dict':
      return `dict[str,${unionTag(type.value)}]`;
    case 'optional':
      return `nullable[${unionTag(type.inner)}]`;
    case 'union':
      return `union[${type.options.map(unionTag).join(',')}]`;
    default:
      return type.kind;
  }
}

// An ISO 8601 string as pydantic reads it for a `date` or a `datetime` field (`T` or a space before the time,
// seconds optional), stored as the str() of the Python value: how every tau2 output and hash shows it. tau2's
// data only has such strings; other inputs (numbers, which pydantic takes as Unix times; zones; fractions) are
// not modelled and raise a JS error rather than a guessed pydantic text.
function checkDate(kind: 'date' | 'datetime', v: PyValue, fail: Fail): Result {
  const m =
    typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v) : null;
  if (m === null) throw new Error(`${kind} input ${pyRepr(v)} is not modelled`);
  const [, y, mo, d, hh = '00', mm = '00', ss = '00'] = m;
  const parsing = (what: string) =>
    kind === 'date'
      ? fail('date_from_datetime_parsing', `Input should be a valid date or datetime, ${what}`)
      : fail('datetime_from_date_parsing', `Input should be a valid datetime or date, ${what}`);
  const month = Number(mo);
  if (month < 1 || month > 12) return parsing('month value is outside expected range of 1-12');
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (Number(d) < 1 || Number(d) > daysInMonth) return parsing('day value is outside expected range');
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)
    throw new Error(`${kind} input ${pyRepr(v)} is not modelled`);
  const day = `${y}-${mo}-${d}`;
  if (kind === 'datetime') return { ok: true, value: `${day} ${hh}:${mm}:${ss}` };
  // A date takes a datetime string only when its time is midnight.
  return hh === '00' && mm === '00' && ss === '00'
    ? { ok: true, value: day }
    : fail(
        'date_from_datetime_inexact',
        'Datetimes provided to dates should have zero time - e.g. be exact dates',
      );
}

function checkModel(model: ModelType, input: PyDict, loc: (string | number)[], errors: LineError[]): Result {
  const before = errors.length;
  const out: PyDict = {};
  for (const [name, spec] of Object.entries(model.fields)) {
    if (Object.hasOwn(input, name)) {
      const r = check(spec.type, input[name]!, [...loc, name], errors);
      if (r.ok) out[name] = r.value;
    } else if (spec.default) out[name] = spec.default();
    else errors.push({ loc: [...loc, name], type: 'missing', msg: 'Field required', input });
  }
  if (model.extra === 'forbid') {
    for (const [name, v] of Object.entries(input)) {
      if (!Object.hasOwn(model.fields, name)) {
        errors.push({
          loc: [...loc, name],
          type: 'extra_forbidden',
          msg: 'Extra inputs are not permitted',
          input: v,
        });
      }
    }
  }
  return errors.length > before ? { ok: false } : { ok: true, value: tagModel(out, model) };
}

/**
 * `Model.model_validate(data)` or `Model(**data)`: a new instance, or a `ValidationError` (a {@link PyError})
 * listing every failing field. Nested dicts become nested model instances.
 */
export function validateModel<T extends PyDict = PyDict>(model: ModelType, data: PyValue): T {
  const errors: LineError[] = [];
  const r = isDict(data)
    ? checkModel(model, data, [], errors)
    : check({ kind: 'model', model }, data, [], errors);
  if (!r.ok) throw validationError(model.name, errors);
  return r.value as T;
}

/** `model.model_dump()`: the stored values, models as plain dicts, recursively (a deep copy). */
export function modelDump(v: PyValue): PyValue {
  if (Array.isArray(v)) return v.map(modelDump);
  if (isDict(v)) return orderedDict(Object.entries(v).map(([k, x]) => [k, modelDump(x)]));
  return v;
}

/**
 * A deep copy of a validated instance, models still tagged with their classes: what validating the same input
 * again gives, without the checks (a large DB is validated once, then copied for every environment). Also
 * Python's `copy.deepcopy(v)` of any value a tool holds (airline copies passengers and payments with it); values
 * shared inside `v` are not kept shared, which tau2 never relies on.
 */
export function copyInstance<T extends PyValue>(v: T): T {
  if (Array.isArray(v)) return v.map(copyInstance) as T;
  if (!isDict(v)) return v;
  const cls = modelClass(v);
  if (cls !== undefined) {
    // Field names are never integer-like, so a plain object keeps them in order.
    const out: PyDict = {};
    for (const k of Object.keys(v)) out[k] = copyInstance(v[k]!);
    return tagModel(out, cls) as T;
  }
  return orderedDict(Object.keys(v).map((k): [string, PyValue] => [k, copyInstance(v[k]!)])) as T;
}

/** `type(instance)` for a model instance built by {@link validateModel}. */
export function modelTypeOf(instance: PyDict): ModelType {
  const cls = modelClass(instance);
  if (cls === undefined) throw new Error('not a pydantic model instance');
  return cls as ModelType;
}

/**
 * tau2's `update_pydantic_model_with_dict`: `model_dump()` deep-merged with `update` as addict's `Dict.update`
 * merges (a dict into a dict recursively, anything else replaces; new keys go last), then validated again as
 * `type(instance)`. Returns the new instance; the old one is untouched.
 */
export function updateModel(instance: PyDict, update: PyDict): PyDict {
  const merge = (into: PyDict, from: PyDict): void => {
    for (const [k, v] of Object.entries(from)) {
      const cur = into[k];
      if (isDict(v) && cur !== undefined && isDict(cur)) merge(cur, v);
      else into[k] = modelDump(v);
    }
  };
  const data = modelDump(instance) as PyDict;
  merge(data, update);
  return validateModel(modelTypeOf(instance), data);
}
