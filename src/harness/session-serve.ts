/**
 * The servers a run starts for its agent model (`serve`): started once the run directory exists (their logs go
 * there), checked as every endpoint is, recorded in `model_config.json` as the legacy runner wrote it, and
 * stopped with the run's other pieces.
 */
import { join } from 'node:path';
import { checkModelEndpoints } from '../llm/run-endpoints.js';
import { type Fleet, type ServerTracing, startFleet } from '../serve/fleet.js';
import { otlpProtocol } from '../telemetry/env.js';
import { otlpTracesEndpoint } from '../telemetry/exporters.js';
import { writeJsonAtomic } from './rundir.js';
import type { RunPlan, StartRunOptions } from './session.js';

/** The legacy model config of a run with servers of its own (loadable with `modelConfig`). */
export const MODEL_CONFIG_FILE = 'model_config.json';

/**
 * Where the servers send their spans: the run's own OTLP traces endpoint, in a protocol vLLM speaks (it has
 * gRPC and HTTP/protobuf; an OTLP/HTTP receiver takes protobuf wherever it takes JSON).
 */
function serverTracing(): ServerTracing {
  const protocol = otlpProtocol('traces');
  return {
    endpoint: otlpTracesEndpoint(protocol),
    protocol: protocol === 'grpc' ? 'grpc' : 'http/protobuf',
  };
}

/** The reason `died` gives within `ms`, if it aborts by then. */
function diedSoon(died: AbortSignal, ms: number): Promise<unknown> {
  if (died.aborted) return Promise.resolve(died.reason);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    died.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(died.reason);
    });
  });
}

/**
 * Starts the agent model's servers and waits for them (see serve/fleet.ts); `otlp` says whether the run
 * exports spans, and so whether the servers trace. The caller stops them with {@link Fleet.stop}.
 */
export async function startRunServers(
  plan: RunPlan,
  runDir: string,
  otlp: boolean,
  options: StartRunOptions,
  signal: AbortSignal,
): Promise<Fleet> {
  const env = options.env ?? process.env;
  const { models, config } = plan.endpoints;
  const fleet = await startFleet(plan.settings, {
    model: models.agent,
    runDir,
    env,
    tracing: otlp ? serverTracing() : undefined,
    signal,
    onNotice: options.onNotice,
  });
  try {
    // What the legacy runner wrote for tau2 to read, with the experts' mapping so that the file can be given
    // back as modelConfig to a run against these servers.
    writeJsonAtomic(join(runDir, MODEL_CONFIG_FILE), {
      [models.agent]: fleet.servers.map((sv) => ({ ip_addr: sv.launch.host, port: String(sv.launch.port) })),
      oss_expert_mapping: models.experts,
    });
    await checkModelEndpoints(models.agent, config, env);
  } catch (err) {
    // A server that died since it was healthy is refused by the check too: its death is the story to tell.
    const died = await diedSoon(fleet.died, 1000);
    await fleet.stop();
    throw died ?? err;
  }
  return fleet;
}
