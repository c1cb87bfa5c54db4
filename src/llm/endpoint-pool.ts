/**
 * The endpoints an LLM client sends to: one openai client per endpoint (no retries of its own; HTTP on the
 * I/O thread's fetch), made when a model is first asked for; each attempt of a call is routed to one of its
 * model's endpoints by the run's routing policy (./routing.ts), and the pool keeps each endpoint's health from
 * the attempts' outcomes. The pool also knows the API keys it sends, to keep them out of error messages.
 */
import OpenAI from 'openai';
import { type EndpointSpec, type ModelConfig, openAiEndpoint } from './endpoints.js';
import type { LlmError } from './errors.js';
import {
  type AttemptVerdict,
  createRouter,
  type EndpointHealth,
  newHealth,
  noteAttempt,
  type Router,
  type RoutingPolicy,
} from './routing.js';

/** One endpoint of a model. */
export interface Endpoint {
  spec: EndpointSpec;
  client: OpenAI;
  /** `server.address` and `server.port` of the call spans. */
  address: string;
  port: number;
  /** Attempts in flight to this endpoint (`tau2.llm.inflight` of the next call). */
  inflight: number;
  health: EndpointHealth;
}

/** Options of {@link EndpointPool}. */
export interface EndpointPoolOptions {
  config: ModelConfig;
  env: NodeJS.ProcessEnv;
  /** The fetch every endpoint's client sends with. */
  fetch: typeof globalThis.fetch;
  /** Whole-request timeout of the openai client (the attempt has its own, see ./attempt.ts). */
  timeoutMs: number;
  /** How a model's endpoints share its calls (default `sticky`). */
  routing?: RoutingPolicy;
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
  private readonly pools = new Map<string, { endpoints: Endpoint[]; router: Router<Endpoint> }>();
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

  /**
   * One of `model`'s endpoints for an attempt, chosen by the routing policy; `key` names the trial the call
   * belongs to (sticky routing keeps a key on one endpoint), `random` is uniform in [0, 1).
   */
  pick(model: string, key: string | undefined, random: () => number): Endpoint {
    let pool = this.pools.get(model);
    if (!pool) {
      const specs = this.options.config.models[model] ?? [openAiEndpoint(this.options.env)];
      pool = {
        endpoints: specs.map((spec) => this.endpointOf(spec)),
        router: createRouter<Endpoint>(this.options.routing ?? 'sticky'),
      };
      this.pools.set(model, pool);
    }
    if (pool.endpoints.length === 1) {
      // No choice to make; the draw is kept so that the generator's later draws (retry jitter) stay as they
      // were before routing policies existed.
      random();
      return pool.endpoints[0]!;
    }
    return pool.router.choose(pool.endpoints, key, random, performance.now());
  }

  /** Records what an attempt's outcome says about the endpoint's health. */
  note(ep: Endpoint, verdict: AttemptVerdict): void {
    noteAttempt(ep.health, verdict, performance.now());
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
    return {
      spec,
      client,
      address: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      inflight: 0,
      health: newHealth(),
    };
  }
}
