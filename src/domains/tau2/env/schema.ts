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
      // A bare `dict` (or `Dict[str, Any]`) allows any value: pydantic writes `true`, not `{}`.
      return {
        additionalProperties: type.value.kind === 'any' ? true : typeSchema(type.value, defs),
        type: 'object',
      };
    case 'union':
      return { anyOf: type.options.map((o) => typeSchema(o, defs)) };
    case 'model':
      if (!defs.has(type.model.name)) defs.set(type.model.name, modelSchema(type.model, defs));
      return { $ref: `#/$defs/${type.model.name}` };
  }
}

// A model in $defs, its fields' `Field(description=...)` included. Not modelled (no tool parameter needs them
// yet): a field default in the schema, the class docstring as the model's description.
function modelSchema(model: ModelType, defs: Map<string, JsonSchema>): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(model.fields)) {
    properties[name] = sortKeys({
      ...typeSchema(spec.type, defs),
      title: fieldTitle(name),
      ...(spec.description === undefined ? {} : { description: spec.description }),
    });
    if (!spec.default) required.push(name);
  }
  return sortKeys({
    ...(model.extra === 'forbid' ? { additionalProperties: false } : {}),
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
    const prop: JsonSchema = { ...typeSchema(p.type, defs), title: fieldTitle(p.name) };
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
