/**
 * The endpoints an LLM client sends to: one openai client per endpoint (no retries of its own; HTTP on the
 * I/O thread's fetch), made when a model is first asked for; a call picks one of its model's endpoints at
 * random and counts itself in flight there. The pool also knows the API keys it sends, to keep them out of
 * error messages.
 */
import OpenAI from 'openai';
import { type EndpointSpec, type ModelConfig, openAiEndpoint } from './endpoints.js';
import type { LlmError } from './errors.js';

/** One endpoint of a model. */
export interface Endpoint {
  spec: EndpointSpec;
  client: OpenAI;
  /** `server.address` and `server.port` of the call spans. */
  address: string;
  port: number;
  /** Calls in flight to this endpoint (`tau2.llm.inflight` of the next one). */
  inflight: number;
}

/** Options of {@link EndpointPool}. */
export interface EndpointPoolOptions {
  config: ModelConfig;
  env: NodeJS.ProcessEnv;
  /** The fetch every endpoint's client sends with. */
  fetch: typeof globalThis.fetch;
  /** Whole-request timeout of the openai client (the attempt has its own, see ./attempt.ts). */
  timeoutMs: number;
}

/**
 * The openai client takes an error's message from `{"error": {"message": …}}` and shows any other JSON body as
 * "(no body)". vLLM (and the simulator) answer `{"object": "error", "message": …}`: such bodies are nested
 * under `error` here, so what the server said reaches the error, the span and results.json.
 */
function withErrorBodies(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (res.ok) return res;
    const text = await res.text();
    let body = text;
    try {
      const json = JSON.parse(text) as Record<string, unknown> | null;
      if (json && typeof json === 'object' && !('error' in json) && typeof json.message === 'string') {
        body = JSON.stringify({ error: json });
      }
    } catch {}
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** The endpoints of every model a client has been asked for; models the config does not name go to OpenAI. */
export class EndpointPool {
  private readonly pools = new Map<string, Endpoint[]>();
  private readonly secrets: string[];

  constructor(private readonly options: EndpointPoolOptions) {
    const { config, env } = options;
    // An endpoint may echo the request's key in an error body; no message leaves the client with a key in it.
    this.secrets = [
      ...new Set(
        [...Object.values(config.models).flat(), openAiEndpoint(env)]
          .map((spec) => (spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined))
          .filter((k): k is string => typeof k === 'string' && k.length >= 4),
      ),
    ];
  }

  /** One of `model`'s endpoints, chosen with `random` (uniform in [0, 1)). */
  pick(model: string, random: () => number): Endpoint {
    let endpoints = this.pools.get(model);
    if (!endpoints) {
      endpoints = (this.options.config.models[model] ?? [openAiEndpoint(this.options.env)]).map((spec) =>
        this.endpointOf(spec),
      );
      this.pools.set(model, endpoints);
    }
    return endpoints[Math.floor(random() * endpoints.length)]!;
  }

  /** `error` with every API key of the pool cut out of its message. */
  redact(error: LlmError): LlmError {
    for (const key of this.secrets) error.message = error.message.split(key).join('[REDACTED]');
    return error;
  }

  private endpointOf(spec: EndpointSpec): Endpoint {
    const { env } = this.options;
    const url = new URL(spec.baseURL);
    const client = new OpenAI({
      baseURL: spec.baseURL,
      apiKey: (spec.apiKeyEnv && env[spec.apiKeyEnv]) || 'EMPTY',
      maxRetries: 0,
      timeout: this.options.timeoutMs,
      logLevel: 'off',
      fetch: withErrorBodies(this.options.fetch),
    });
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    return { spec, client, address: url.hostname.replace(/^\[|\]$/g, ''), port, inflight: 0 };
  }
}
