/**
 * The `tools` entries tau2 sends to the model: `Tool.openai_schema` = `{"type": "function", "function": {name,
 * description, parameters}}`, where `parameters` is pydantic's `model_json_schema()` of a model built from the
 * method's signature and docstring: keys sorted inside each schema object, `properties` in parameter order,
 * titles derived from the names, `description` only where the docstring's `Args:` has an entry.
 */
import type { PyValue } from '../../../util/pyjson.js';
import type { FieldType, ModelType } from './model.js';
import type { MethodSpec } from './toolkit.js';

/** A JSON schema object as pydantic writes it (keys already in pydantic's order). */
export type JsonSchema = { [key: string]: unknown };

/** One entry of the `tools` list of a chat completion request, as tau2 builds it. */
export interface OpenAiToolSchema {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchema };
}

/** pydantic's default field title: `user_id` → `User Id`. */
export function fieldTitle(name: string): string {
  return name
    .split('_')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

const sortKeys = (o: JsonSchema): JsonSchema =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

// A default as JSON: ints and floats as numbers (the schema is sent with json.dumps, where 2 and 2.0 differ
// only in text; the goldens compare parsed values).
function jsonDefault(v: PyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonDefault);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonDefault(x)]));
  return v;
}

function typeSchema(type: FieldType, defs: Map<string, JsonSchema>): JsonSchema {
  switch (type.kind) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'any':
      return {};
    case 'literal':
      return { enum: [...type.values], type: 'string' };
    case 'optional':
      return { anyOf: [typeSchema(type.inner, defs), { type: 'null' }] };
    case 'list':
      return { items: typeSchema(type.item, defs), type: 'array' };
    case 'dict':
      // pydantic writes `additionalProperties: true` for a bare `dict` / `Dict[str, Any]`.
      return {
        additionalProperties: type.value.kind === 'any' ? true : typeSchema(type.value, defs),
        type: 'object',
      };
    case 'enum':
      if (!defs.has(type.name)) {
        defs.set(type.name, { enum: [...type.values], title: type.name, type: 'string' });
      }
      return { $ref: `#/$defs/${type.name}` };
    case 'date':
      return { format: 'date', type: 'string' };
    case 'datetime':
      return { format: 'date-time', type: 'string' };
    case 'union':
      return { anyOf: type.options.map((o) => typeSchema(o, defs)) };
    case 'model':
      if (!defs.has(type.model.name)) defs.set(type.model.name, modelSchema(type.model, defs));
      return { $ref: `#/$defs/${type.model.name}` };
  }
}

// A field that is only a `$ref` (a model or an enum) gets no title from pydantic, only its siblings.
const titled = (schema: JsonSchema, name: string): JsonSchema =>
  '$ref' in schema ? schema : { ...schema, title: fieldTitle(name) };

// A model in $defs: the class docstring as description; per field its description and a plain default (a
// default_factory writes none).
function modelSchema(model: ModelType, defs: Map<string, JsonSchema>): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(model.fields)) {
    const prop = titled(typeSchema(spec.type, defs), name);
    if (spec.description !== undefined) prop['description'] = spec.description;
    if (spec.default && !spec.defaultFactory) prop['default'] = jsonDefault(spec.default());
    properties[name] = sortKeys(prop);
    if (!spec.default) required.push(name);
  }
  return sortKeys({
    ...(model.extra === 'forbid' ? { additionalProperties: false } : {}),
    ...(model.description !== undefined ? { description: model.description } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
    title: model.name,
    type: 'object',
  });
}

/** `Tool.openai_schema` of one toolkit method. */
export function openAiSchema(method: MethodSpec): OpenAiToolSchema {
  const defs = new Map<string, JsonSchema>();
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const p of method.params) {
    const prop = titled(typeSchema(p.type, defs), p.name);
    if (p.description !== undefined) prop['description'] = p.description;
    if ('default' in p) prop['default'] = jsonDefault(p.default!);
    else required.push(p.name);
    properties[p.name] = sortKeys(prop);
  }
  const parameters: JsonSchema = {
    ...(defs.size > 0 ? { $defs: Object.fromEntries([...defs].sort(([a], [b]) => (a < b ? -1 : 1))) } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
    title: 'parameters',
    type: 'object',
  };
  return { type: 'function', function: { name: method.name, description: method.description, parameters } };
}
