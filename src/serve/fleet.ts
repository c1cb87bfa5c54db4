/**
 * The servers a run starts for its agent model (`run --serve`), as the legacy `run_local.py` started them: N
 * `vllm serve <model>` processes (or anything with vLLM's command line, such as `tau2-trace sim`), one GPU
 * each through `CUDA_VISIBLE_DEVICES`, ports from `startPort`, started a stagger apart, each waited for on
 * `/health`, each with its log in the run directory (`servers/<i>.log`). A server that exits while the run
 * needs it aborts {@link Fleet.died}. {@link Fleet.stop} stops them all; so does the harness's exit, and
 * (through each server's supervisor) the harness's death.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setting, Tau2Error, UsageError } from '../util/errors.js';
import { waitOrAbort } from '../util/retry.js';
import { logTail, type ServerLaunch, ServerProcess, words } from './server-process.js';
import type { ServeSettings } from './settings.js';

/** Where the run's servers send their `llm_request` spans, when the run exports OTLP. */
export interface ServerTracing {
  /** The value of `--otlp-traces-endpoint`. */
  endpoint: string;
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` for the servers: vLLM speaks `grpc` or `http/protobuf`. */
  protocol: 'grpc' | 'http/protobuf';
}

/** What {@link startFleet} needs besides the settings. */
export interface FleetOptions {
  model: string;
  runDir: string;
  env: NodeJS.ProcessEnv;
  tracing?: ServerTracing | undefined;
  /** Stops the start-up (the servers started so far are stopped). */
  signal?: AbortSignal | undefined;
  /** A line about each server's progress (started, healthy). */
  onNotice?: ((text: string) => void) | undefined;
}

/** A server that exited while the run needed it. */
export class ServerDiedError extends Tau2Error {
  override readonly name: string = 'ServerDiedError';
  /** `code`: `usage` when it never became healthy (a wrong model or command), `io` when it died later. */
  constructor(
    readonly server: ServerLaunch,
    how: string,
    code: 'usage' | 'io' = 'usage',
  ) {
    super(`server ${server.index} (port ${server.port}) ${how}; see its log ${server.logPath}`, { code });
  }
}

/** The running servers of a run. */
export interface Fleet {
  /** `http://127.0.0.1:<port>/v1` of each server, in order. */
  baseUrls: string[];
  servers: ServerProcess[];
  /** Aborted (with a {@link ServerDiedError}) when a server exits before {@link stop}. */
  died: AbortSignal;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The `CUDA_VISIBLE_DEVICES` of each server. */
export function gpuAssignment(s: ServeSettings, env: NodeJS.ProcessEnv): string[] {
  const inherited = env.CUDA_VISIBLE_DEVICES?.split(',').filter(Boolean);
  const ids = s.gpuIds ?? inherited ?? Array.from({ length: s.numServers }, (_, i) => String(i));
  if (ids.length < s.numServers) {
    const from = s.gpuIds ? 'gpuIds' : 'CUDA_VISIBLE_DEVICES';
    throw new UsageError(
      [setting('numServers'), ` ${s.numServers}: ${from} names only ${ids.length} (${ids.join(',')})`],
      { field: 'gpuIds' },
    );
  }
  return ids.slice(0, s.numServers).map((id) => id.split('+').join(','));
}

/**
 * The command line of server `index`: `<vllmCommand> serve <model> --host … --port … --enable-auto-tool-choice
 * --tool-call-parser … --enable-prompt-tokens-details`, the tracing flags when the run exports OTLP, then `serveArg` (last: vLLM's parser
 * keeps the last value of a flag given twice).
 */
export function serverArgv(s: ServeSettings, model: string, port: number, tracing?: ServerTracing): string[] {
  const extra = s.serveArg.flatMap(words);
  const detailed = extra.some((a) => a.split('=')[0] === '--collect-detailed-traces')
    ? []
    : ['--collect-detailed-traces', 'all'];
  return [
    ...words(s.vllmCommand),
    'serve',
    model,
    '--host',
    HOST,
    '--port',
    String(port),
    '--enable-auto-tool-choice',
    '--tool-call-parser',
    s.toolCallParser,
    // Without it vLLM leaves `prompt_tokens_details.cached_tokens` out of its usage, and the run cannot see
    // its prefix-cache hits (analyze/cache.ts).
    '--enable-prompt-tokens-details',
    ...(tracing ? ['--otlp-traces-endpoint', tracing.endpoint, ...detailed] : []),
    ...extra,
  ];
}

/** Refuses a port something already listens on: its `/health` would answer for a server that never started. */
function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          [setting('startPort'), `: port ${port} on ${HOST} is taken (${err.code}); pick another start port`],
          { field: 'startPort' },
        ),
      ),
    );
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

/** Refuses a server command or extra arguments that do not split into words (see {@link words}), or none. */
export function checkServeCommand(s: Pick<ServeSettings, 'vllmCommand' | 'serveArg'>): void {
  const wordsOf = (field: 'vllmCommand' | 'serveArg', text: string) => {
    try {
      return words(text);
    } catch (err) {
      throw new UsageError([setting(field), ` ${JSON.stringify(text)}: ${(err as Error).message}`], {
        field,
      });
    }
  };
  if (wordsOf('vllmCommand', s.vllmCommand).length === 0) {
    throw new UsageError([setting('vllmCommand'), ': empty'], { field: 'vllmCommand' });
  }
  for (const arg of s.serveArg) wordsOf('serveArg', arg);
}

/** The launches of every server, checked before anything starts. */
function plan(s: ServeSettings, o: FleetOptions): ServerLaunch[] {
  // The command and extra arguments were checked with the run's settings (checkServeCommand).
  if (!(s.startPort >= 1) || s.startPort + s.numServers - 1 > 65535) {
    throw new UsageError([setting('startPort'), ` ${s.startPort}: the servers' ports must lie in 1-65535`], {
      field: 'startPort',
    });
  }
  const gpus = gpuAssignment(s, o.env);
  const dir = join(o.runDir, 'servers');
  mkdirSync(dir, { recursive: true });
  const env = { ...o.env, ...(o.tracing ? { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: o.tracing.protocol } : {}) };
  return gpus.map((gpu, index) => ({
    index,
    argv: serverArgv(s, o.model, s.startPort + index, o.tracing),
    env: { ...env, CUDA_VISIBLE_DEVICES: gpu },
    host: HOST,
    port: s.startPort + index,
    logPath: join(dir, `${index}.log`),
  }));
}

/**
 * Waits until `server` answers `/health` with 200, polling every half second. Rejects when it exits first,
 * when `timeoutMs` passes, or when `signal` aborts.
 */
async function waitHealthy(server: ServerProcess, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const { launch } = server;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (server.exit) {
      const how = server.exit.signal ?? `code ${server.exit.code}`;
      // Its last words usually say why (a wrong model path, a command not found, no GPU memory).
      const tail = logTail(launch.logPath, 3).replace(/\s*\n\s*/g, ' | ');
      throw new ServerDiedError(
        launch,
        `exited (${how}) before it was healthy${tail ? ` (log ends: ${tail})` : ''}`,
      );
    }
    if (await server.healthy()) return;
    if (performance.now() > deadline) {
      throw new ServerDiedError(
        launch,
        `did not answer ${server.url}/health within ${timeoutMs / 1000} s (serverTimeout)`,
      );
    }
    await Promise.race([waitOrAbort(500, signal), server.exited]);
  }
}

/** How a server exited, in words. */
const howExited = (sv: ServerProcess) => `exited (${sv.exit?.signal ?? `code ${sv.exit?.code}`})`;

/**
 * Starts one server after the other, each `staggerDelay` after the previous one or as soon as that one is
 * healthy, then waits until every one is healthy (`serverTimeout` from its own start). Any failure stops the
 * servers started so far and rejects, naming the server's log.
 */
export async function startFleet(s: ServeSettings, o: FleetOptions): Promise<Fleet> {
  const launches = plan(s, o);
  for (const l of launches) await checkPortFree(l.port);
  const servers: ServerProcess[] = [];
  const deaths = new AbortController();
  let stopping = false;
  // A harness that exits (process.exit, an uncaught error) takes its servers along, synchronously.
  const onExit = () => {
    for (const sv of servers) sv.killNow();
  };
  process.on('exit', onExit);
  const stop = async () => {
    stopping = true;
    await Promise.all(servers.map((sv) => sv.stop()));
    process.off('exit', onExit);
  };
  try {
    const startedAt: number[] = [];
    for (const l of launches) {
      const sv = new ServerProcess(l);
      servers.push(sv);
      startedAt.push(performance.now());
      void sv.exited.then(() => {
        if (!stopping) deaths.abort(new ServerDiedError(l, `${howExited(sv)} during the run`, 'io'));
      });
      o.onNotice?.(`server ${l.index}: pid ${sv.pid}, ${sv.url}, log ${l.logPath}\n`);
      if (l.index === launches.length - 1) break;
      try {
        await waitHealthy(sv, s.staggerDelay * 1000, o.signal);
      } catch (err) {
        // The stagger passed before it was healthy: the next one starts anyway, as the legacy runner's did.
        if (sv.exit || o.signal?.aborted) throw err;
      }
    }
    await Promise.all(
      servers.map((sv, i) =>
        waitHealthy(sv, s.serverTimeout * 1000 - (performance.now() - startedAt[i]!), o.signal),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  o.onNotice?.(`${servers.length} servers healthy\n`);
  return { baseUrls: servers.map((sv) => `${sv.url}/v1`), servers, died: deaths.signal, stop };
}
