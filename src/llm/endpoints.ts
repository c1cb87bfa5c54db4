/**
 * Model endpoints: the legacy model-config JSON (`{"<model>": [{"ip_addr", "port"}], "oss_expert_mapping":
 * {...}}`), base-URL flags, and the pool a request picks its endpoint from at random.
 */
import { readFileSync } from 'node:fs';
import { EXPERT_NAMES } from '../domains/protocol.js';
import { UsageError } from '../util/errors.js';
import { safeUrl } from '../util/url.js';

/** One OpenAI-compatible endpoint serving a model. */
export interface EndpointSpec {
  /** Base URL including `/v1`. */
  baseURL: string;
  /** Environment variable holding the API key; none means a placeholder key (vLLM ignores it). */
  apiKeyEnv?: string;
  /** `gen_ai.provider.name`. */
  provider: string;
}

/** Which endpoints serve which model, and which model each expert name means. */
export interface ModelConfig {
  models: Record<string, EndpointSpec[]>;
  expertMapping: Record<string, string>;
}

/** The experts' models when nothing maps them (the legacy defaults). */
export const DEFAULT_EXPERT_MAPPING: Record<string, string> = {
  'expert-1': 'gpt-5',
  'expert-2': 'gpt-5-mini',
  'expert-3': 'Qwen/Qwen3-32B',
};

const OPENAI_BASE = 'https://api.openai.com/v1';

/** Where a model config came from: the text's name in messages, and the setting that named it, if any. */
interface ConfigSource {
  name: string;
  field?: string;
}

function fail(source: ConfigSource, message: string): never {
  throw new UsageError(
    `${source.name}: ${message}`,
    source.field === undefined ? {} : { field: source.field },
  );
}

/**
 * Checks a base URL given by the user: it must parse, and must not carry credentials (fetch refuses such URLs,
 * and they would end up in logs and files; keys come from the environment). Messages never echo the password.
 * `culprit` says where the URL came from; `field`, the setting that gave it (the error is then about it).
 */
export function checkBaseUrl(url: string, culprit: string, field?: string): string {
  let parsed: URL;
  const about = field === undefined ? {} : { field };
  // Without a culprit the message starts with the URL, and `field` (put in front of it) names the setting.
  const head = culprit ? `${culprit} ${safeUrl(url)}` : safeUrl(url);
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${head}: not a URL`, about);
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      `${head}: credentials in a URL are not accepted; put the key in the environment`,
      about,
    );
  }
  return url.replace(/\/+$/, '');
}

function parseEntry(source: ConfigSource, key: string, i: number, entry: unknown): EndpointSpec {
  const where = `"${key}"[${i}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    fail(source, `${where} is not an object`);
  const e = entry as Record<string, unknown>;
  const apiKeyEnv = typeof e.api_key_env === 'string' ? { apiKeyEnv: e.api_key_env } : {};
  if (typeof e.base_url === 'string') {
    const baseURL = checkBaseUrl(e.base_url, `${source.name}: ${where}.base_url`, source.field);
    const provider = new URL(baseURL).hostname === 'api.openai.com' ? 'openai' : 'vllm';
    return { baseURL, provider, ...apiKeyEnv };
  }
  if (e.ip_addr === undefined) fail(source, `${where} lacks "ip_addr" (or "base_url")`);
  if (e.port === undefined) fail(source, `${where} lacks "port"`);
  const port = Number(e.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    fail(source, `${where}.port is not a port: ${e.port}`);
  const host = String(e.ip_addr).includes(':') ? `[${e.ip_addr}]` : String(e.ip_addr);
  return { baseURL: `http://${host}:${port}/v1`, provider: 'vllm', ...apiKeyEnv };
}

/**
 * Parses the legacy model-config JSON text; `name` names the file in error messages, and `field` is the setting
 * that named the file (errors are then about it).
 */
export function parseModelConfig(text: string, name: string, field?: string): ModelConfig {
  const source: ConfigSource = field === undefined ? { name } : { name, field };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(source, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(source, 'top level is not a JSON object');
  const models: Record<string, EndpointSpec[]> = {};
  let expertMapping: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'oss_expert_mapping') {
      if (typeof value !== 'object' || value === null) fail(source, '"oss_expert_mapping" is not an object');
      for (const [name, model] of Object.entries(value)) {
        if (!(EXPERT_NAMES as readonly string[]).includes(name)) {
          fail(
            source,
            `"oss_expert_mapping" has unknown expert "${name}" (expected ${EXPERT_NAMES.join(', ')})`,
          );
        }
        if (typeof model !== 'string') fail(source, `"oss_expert_mapping"."${name}" is not a model name`);
      }
      expertMapping = value as Record<string, string>;
      continue;
    }
    if (!Array.isArray(value) || value.length === 0)
      fail(source, `"${key}" must be a non-empty list of endpoints`);
    models[key] = value.map((entry, i) => parseEntry(source, key, i, entry));
  }
  if (Object.keys(models).length === 0) fail(source, 'names no model');
  return { models, expertMapping };
}

/** Reads and parses a model-config file, the value of the `modelConfig` setting (which errors are about). */
export function loadModelConfig(path: string): ModelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`, {
      field: 'modelConfig',
    });
  }
  return parseModelConfig(text, path, 'modelConfig');
}

/** An endpoint for a model that no config names: the OpenAI API (or `OPENAI_BASE_URL`). */
export function openAiEndpoint(env: NodeJS.ProcessEnv = process.env): EndpointSpec {
  const baseURL = env.OPENAI_BASE_URL ? checkBaseUrl(env.OPENAI_BASE_URL, 'OPENAI_BASE_URL') : OPENAI_BASE;
  return { baseURL, apiKeyEnv: 'OPENAI_API_KEY', provider: baseURL === OPENAI_BASE ? 'openai' : 'vllm' };
}
