/**
 * The models and endpoints of a run: the embedded simulated server's models when no endpoint is configured,
 * otherwise the model config and base URLs, each endpoint contacted once before the run starts.
 */
import { fetch as undiciFetch } from 'undici';
import { setting, UsageError } from '../util/errors.js';
import { safeUrl } from '../util/url.js';
import { checkBaseUrl, DEFAULT_EXPERT_MAPPING, loadModelConfig, type ModelConfig } from './endpoints.js';

/** Names of the models playing each part. */
export interface RunModels {
  agent: string;
  user: string;
  judge: string;
  experts: Record<string, string>;
}

/** The endpoint settings of a run (a subset of `RunSettings`). */
export interface EndpointSettings {
  agentModel?: string | undefined;
  userLlm?: string | undefined;
  judgeLlm?: string | undefined;
  modelConfig?: string | undefined;
  agentBaseUrl?: string | undefined;
  userBaseUrl?: string | undefined;
  expertBaseUrl?: string | undefined;
  judgeBaseUrl?: string | undefined;
  useModelTool: boolean;
  /** The run starts the agent model's servers (ports from `startPort`), see serve/fleet.ts. */
  serve?: boolean | undefined;
  numServers?: number | undefined;
  startPort?: number | undefined;
}

/** Who plays what, and where each model is served. */
export interface RunEndpoints {
  /** No endpoint configured: the simulated server is started in-process and serves every model. */
  embedded: boolean;
  models: RunModels;
  /** Filled with the embedded server's URL once it listens. */
  config: ModelConfig;
}

/**
 * The models of the embedded simulated server. The simulated experts answer under the fork's default names:
 * it routes an expert by its model's name (gpt-5* to the OpenAI API with tools, qwen3 to vLLM without), and
 * refuses names it does not know.
 */
export const EMBEDDED_MODELS: RunModels = {
  agent: 'sim-orchestrator-8b',
  user: 'sim-user',
  judge: 'sim-judge',
  experts: { ...DEFAULT_EXPERT_MAPPING },
};

function usesEndpoints(s: EndpointSettings): boolean {
  return Boolean(
    s.serve || s.modelConfig || s.agentBaseUrl || s.userBaseUrl || s.expertBaseUrl || s.judgeBaseUrl,
  );
}

/**
 * With `serve`, the agent model's endpoints are the servers the run will start (on loopback, ports from
 * `startPort`); an endpoint for it given otherwise would be ignored, so it is refused.
 */
function servedAgent(s: EndpointSettings, config: ModelConfig, agent: string): void {
  if (!s.serve) return;
  if (s.agentBaseUrl) {
    throw new UsageError(
      ['with ', setting('serve'), ' the run starts the agent model; drop it or ', setting('agentBaseUrl')],
      {
        field: 'agentBaseUrl',
      },
    );
  }
  if (config.models[agent]) {
    throw new UsageError(
      [`${s.modelConfig}: names the agent model "${agent}", whose servers `, setting('serve'), ' starts'],
      { field: 'modelConfig' },
    );
  }
  const first = s.startPort ?? 1900;
  config.models[agent] = Array.from({ length: s.numServers ?? 1 }, (_, i) => ({
    baseURL: `http://127.0.0.1:${first + i}/v1`,
    provider: 'vllm',
  }));
}

/** Models and endpoints for real-endpoint mode. */
function realEndpoints(
  s: EndpointSettings,
  env: NodeJS.ProcessEnv,
): { models: RunModels; config: ModelConfig } {
  const config: ModelConfig = s.modelConfig
    ? loadModelConfig(s.modelConfig)
    : { models: {}, expertMapping: {} };
  if (!s.agentModel) throw new UsageError('is required when endpoints are given', { field: 'agentModel' });
  const user = s.userLlm ?? 'gpt-4.1';
  const models: RunModels = {
    agent: s.agentModel,
    user,
    judge: s.judgeLlm ?? user,
    experts: { ...DEFAULT_EXPERT_MAPPING, ...config.expertMapping },
  };
  servedAgent(s, config, models.agent);
  const add = (model: string, url: string | undefined, keyEnv: string, field: string) => {
    if (!url) return;
    const baseURL = checkBaseUrl(url, '', field);
    config.models[model] ??= [{ baseURL, provider: 'vllm', apiKeyEnv: keyEnv }];
  };
  add(models.agent, s.agentBaseUrl, 'TAU2_AGENT_API_KEY', 'agentBaseUrl');
  add(models.user, s.userBaseUrl, 'TAU2_USER_API_KEY', 'userBaseUrl');
  add(models.judge, s.judgeBaseUrl ?? s.userBaseUrl, 'TAU2_JUDGE_API_KEY', 'judgeBaseUrl');
  for (const m of Object.values(models.experts))
    add(m, s.expertBaseUrl, 'TAU2_EXPERT_API_KEY', 'expertBaseUrl');
  if (!config.models[models.agent]) {
    throw new UsageError(
      `${s.modelConfig ?? '(none)'}: no endpoint for the agent model "${models.agent}" ` +
        `(key "${models.agent}" missing; has: ${Object.keys(config.models).join(', ') || 'nothing'})`,
      { field: 'modelConfig' },
    );
  }
  const used = [models.user, models.judge, ...(s.useModelTool ? Object.values(models.experts) : [])];
  for (const model of used) {
    if (!config.models[model] && !env.OPENAI_API_KEY) {
      const urls = ['agentBaseUrl', 'userBaseUrl', 'judgeBaseUrl', 'expertBaseUrl'].flatMap((u, i) => [
        i === 0 ? '' : ', ',
        setting(u),
      ]);
      throw new UsageError([
        `model "${model}" has no endpoint in `,
        setting('modelConfig'),
        ' or a base URL (',
        ...urls,
        '), and OPENAI_API_KEY is not set',
      ]);
    }
  }
  return { models, config };
}

/** Why an endpoint could not be reached, from what fetch threw. */
function unreachable(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { name?: string }).name;
  if (code === 'ECONNREFUSED') return 'refused the connection';
  if (code === 'ENOTFOUND') return 'has a host name that does not resolve';
  if (code === 'TimeoutError') return 'did not answer within 5 s';
  return `cannot be reached (${code ?? err})`;
}

/**
 * Contacts one endpoint, and fails naming the URL when it cannot be reached, refuses the key, or does not
 * serve the model the run will ask it for (`GET /models`). An endpoint without a `/models` listing (404) is
 * only reached, not checked for the model.
 */
async function preflight(
  model: string,
  baseURL: string,
  apiKeyEnv: string | undefined,
  env: NodeJS.ProcessEnv,
) {
  const where = `endpoint ${safeUrl(baseURL)} (model "${model}")`;
  const key = apiKeyEnv ? env[apiKeyEnv] : undefined;
  let res: Awaited<ReturnType<typeof undiciFetch>>;
  try {
    res = await undiciFetch(`${baseURL}/models`, {
      signal: AbortSignal.timeout(5000),
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
    });
  } catch (err) {
    throw new UsageError(`${where} ${unreachable(err)}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status === 401 || res.status === 403) {
    throw new UsageError(
      `${where} refused the API key (HTTP ${res.status}${apiKeyEnv ? `; key from ${apiKeyEnv}` : ''})`,
    );
  }
  if (!res.ok) return;
  let served: string[] | undefined;
  try {
    const data = (JSON.parse(text) as { data?: { id?: unknown }[] }).data;
    if (Array.isArray(data)) served = data.map((m) => String(m.id));
  } catch {}
  if (served && !served.includes(model)) {
    const list = served.slice(0, 10).join(', ') + (served.length > 10 ? ', …' : '');
    throw new UsageError(
      `${where}: the endpoint does not serve "${model}" (it serves: ${list || 'nothing'})`,
    );
  }
}

/**
 * The run's models and endpoints; with real endpoints, every endpoint of every model the run uses is
 * contacted once first, so a wrong URL, key or model fails the run before it starts.
 */
export async function resolveEndpoints(s: EndpointSettings, env: NodeJS.ProcessEnv): Promise<RunEndpoints> {
  if (!usesEndpoints(s)) {
    const models = { ...EMBEDDED_MODELS, ...(s.agentModel ? { agent: s.agentModel } : {}) };
    return { embedded: true, models, config: { models: {}, expertMapping: {} } };
  }
  const { models, config } = realEndpoints(s, env);
  const used = new Set([
    models.agent,
    models.user,
    models.judge,
    ...(s.useModelTool ? Object.values(models.experts) : []),
  ]);
  // The agent's servers are not started yet: the run checks them once they are healthy.
  if (s.serve) used.delete(models.agent);
  await Promise.all([...used].map((model) => checkModelEndpoints(model, config, env)));
  return { embedded: false, models, config };
}

/** Contacts every endpoint of `model` once (see {@link resolveEndpoints}). */
export async function checkModelEndpoints(
  model: string,
  config: ModelConfig,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await Promise.all(
    (config.models[model] ?? []).map((spec) => preflight(model, spec.baseURL, spec.apiKeyEnv, env)),
  );
}
