/**
 * The simulated OpenAI-compatible (vLLM-like) server: `/v1/chat/completions` (streamed and not),
 * `/v1/models`, `/health`, `/metrics`. Each served model has its own engine (its own GPU, in vLLM terms);
 * the role a model plays decides what it answers (see roles.ts), the engine decides when.
 *
 * Every chat request for a served model has one `llm_request` span and is counted once in
 * `tau2_sim_requests_total`, both when its outcome is final (a {@link SimOutcome}): `ok` once every byte of
 * the answer reached the kernel, an injected fault's name (its span ERROR, with `tau2.sim.fault`) whatever
 * the client did next, else `client_closed`, or `shutdown` for requests cut off by {@link SimServer.close}.
 * Requests that name no served model (`not_found`) or have no valid body (`bad_request`) are counted but
 * have no span, as in vLLM.
 *
 * Where things are: the state every request shares (state.ts), the routes (routes.ts), a chat request's
 * admission (chat.ts), its life until its outcome is final (exchange.ts), and its answer played token by token
 * (answer.ts).
 */
import type { Tracer } from '@opentelemetry/api';
import type { Task } from '../domains/types.js';
import type { ServedRole } from './custom-role.js';
import type { EngineConfig } from './engine.js';
import type { FaultConfig } from './faults.js';
import { type HttpThread, startHttpThread } from './http-thread.js';
import { route } from './routes.js';
import { createSimState } from './state.js';

/** Options of {@link startSimServer}. */
export interface SimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  seed: number;
  /** Served model name → the role it plays: a built-in role's name, or a {@link SimRole} of your own. */
  models: Record<string, ServedRole>;
  /** The tasks the roles play (the built-in agent replays their expected actions). */
  tasks: Task[];
  engine?: Partial<EngineConfig>;
  faults?: Partial<FaultConfig>;
  /** Where `llm_request` spans go; none when absent. */
  tracer?: Tracer;
}

/** A running simulated server. */
export interface SimServer {
  /** `http://host:port` (append `/v1` for an OpenAI base URL). */
  url: string;
  port: number;
  /** Stops listening and cuts off the requests in flight (their outcome: `shutdown`); idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the server; resolves once it listens. Rejects with a RangeError naming a bad fault rate or a model
 * whose role is neither a built-in role's name nor a function, or with the errno error when it cannot listen.
 */
export async function startSimServer(options: SimOptions): Promise<SimServer> {
  const state = createSimState(options);
  let http: HttpThread;
  try {
    http = await startHttpThread(options.host ?? '127.0.0.1', options.port ?? 0, (req, res) =>
      route(state, req, res),
    );
  } catch (err) {
    for (const engine of state.engines.values()) engine.close();
    throw err;
  }
  const host = http.family === 'IPv6' ? `[${http.address}]` : http.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${http.port}`,
    port: http.port,
    close() {
      closing ??= (async () => {
        // Requests still in flight end now, counted and recorded as `shutdown`.
        state.shuttingDown = true;
        for (const engine of state.engines.values()) engine.close();
        await http.close();
      })();
      return closing;
    },
  };
}
