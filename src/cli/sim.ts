/**
 * `tau2-trace sim`: the simulated server as a standalone HTTP server, plus the flags it shares with `run`
 * (which starts the same server in-process when no endpoint is configured).
 */
import { resolveDomains } from '../domains/registry.js';
import { type Role, startSimServer } from '../sim/index.js';
import { parentGone } from '../sim/parent-watch.js';
import { engineConfigOf, faultConfigOf } from '../sim/settings.js';
import { ServiceName } from '../telemetry/names.js';
import { startTelemetry } from '../telemetry/setup.js';
import { createSpoolWriter } from '../telemetry/spool.js';
import { versions } from '../util/about.js';
import { messageParts, setting, UsageError } from '../util/errors.js';
import type { SimFlags } from './sim-flags.js';

export { addSimFlags, type SimFlags } from './sim-flags.js';

/** Options of `tau2-trace sim`. */
export interface SimCommandOptions extends SimFlags {
  host: string;
  port: number;
  seed: number;
  domains: string[];
  dataDir?: string;
  agentModels: string[];
  userModels: string[];
  judgeModels: string[];
  expertModels: string[];
  spansFile?: string;
  /** Stop, as on SIGTERM, when the parent process is gone (`sim serve`: a server must not outlive its harness). */
  watchParent?: boolean;
}

/**
 * Runs the server until SIGINT/SIGTERM, then stops it: in-flight requests are cut off (and recorded as
 * `shutdown`), the spans file is flushed, and the exit code is 0. Prints one line once it listens:
 * `tau2-trace sim listening on http://HOST:PORT/v1 (models: …)`.
 */
export async function simCommand(o: SimCommandOptions): Promise<number> {
  // Listening for signals before the server starts, so a stop asked for during start-up is a clean one too.
  const signal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (o.watchParent) void parentGone().then(() => resolve('its parent process is gone'));
  });
  let domains: ReturnType<typeof resolveDomains>;
  try {
    domains = resolveDomains(o.domains, { dataDir: o.dataDir });
  } catch (err) {
    throw new UsageError([setting('domains'), ': ', ...messageParts(err)], { field: 'domains', cause: err });
  }
  const models: Record<string, Role> = {};
  for (const [list, role] of [
    [o.agentModels, 'agent'],
    [o.userModels, 'user'],
    [o.judgeModels, 'judge'],
    [o.expertModels, 'expert'],
  ] as const) {
    for (const m of list) models[m] = role;
  }
  const spool = o.spansFile ? createSpoolWriter(o.spansFile) : undefined;
  const telemetry = startTelemetry({
    serviceName: ServiceName.sim,
    serviceVersion: versions().tau2_trace,
    ...(spool ? { spool } : {}),
  });
  const faults = faultConfigOf(o);
  let server: Awaited<ReturnType<typeof startSimServer>>;
  try {
    await telemetry.ready();
    server = await startSimServer({
      host: o.host,
      port: o.port,
      seed: o.seed,
      models,
      tasks: domains.flatMap((d) => d.tasks),
      engine: engineConfigOf(o),
      faults,
      tracer: telemetry.tracer,
    });
  } catch (err) {
    await telemetry.shutdown();
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--host ${o.host} --port ${o.port}: cannot listen (${code ?? (err as Error).message})`,
    );
  }
  process.stdout.write(
    `tau2-trace sim listening on ${server.url}/v1 (models: ${Object.keys(models).join(', ')})\n`,
  );
  const stopped = await signal;
  await server.close();
  await telemetry.shutdown();
  process.stderr.write(`tau2-trace sim: stopped (${stopped})\n`);
  return 0;
}
