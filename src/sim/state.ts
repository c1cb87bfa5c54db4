/**
 * What every request to one simulated server shares, built once by startSimServer and passed explicitly to
 * the routes and the chat handler: the served models and their engines, the task catalog, the fault picker,
 * the metrics, the tracer, and whether the server is shutting down.
 */
import type { Tracer } from '@opentelemetry/api';
import { type ServedRole, servedRoleProblem } from './custom-role.js';
import { createEngine, defaultEngineConfig, type Engine } from './engine.js';
import { createFaultPicker, type Fault, type FaultConfig, faultConfigProblem, noFaults } from './faults.js';
import { createSimMetrics, type SimMetrics } from './metrics.js';
import { createTaskCatalog, type TaskCatalog } from './roles.js';
import type { SimOptions } from './server.js';

/** The shared state of one server. */
export interface SimState {
  readonly seed: number;
  /** Served model name → the role it plays. */
  readonly models: Readonly<Record<string, ServedRole>>;
  /** One engine per served model (its own GPU, in vLLM terms). */
  readonly engines: ReadonlyMap<string, Engine>;
  readonly catalog: TaskCatalog;
  readonly faults: FaultConfig;
  /** The fault of a request, from its body (see faults.ts). */
  readonly pickFault: (body: string) => Fault;
  readonly metrics: SimMetrics;
  /** Where `llm_request` spans go; none when absent. */
  readonly tracer: Tracer | undefined;
  /** When the server started, in Unix seconds: the `created` of its models and answers. */
  readonly created: number;
  /** A new `chatcmpl-…` id. */
  nextId(): string;
  /** Set by close(): requests cut off from then on end as `shutdown`, not `client_closed`. */
  shuttingDown: boolean;
}

/** Checks `options` and builds the state; a RangeError names a bad fault rate or role. */
export function createSimState(options: SimOptions): SimState {
  const faults = { ...noFaults, ...options.faults };
  const problem = faultConfigProblem(faults);
  if (problem) throw new RangeError(`faults: ${problem}`);
  for (const [model, role] of Object.entries(options.models)) {
    const bad = servedRoleProblem(role);
    if (bad) throw new RangeError(`models: ${JSON.stringify(model)} plays ${bad}`);
  }
  const engineConfig = { ...defaultEngineConfig, ...options.engine };
  const names = Object.keys(options.models);
  let requestCount = 0;
  return {
    seed: options.seed,
    models: options.models,
    engines: new Map(names.map((model) => [model, createEngine(engineConfig)])),
    catalog: createTaskCatalog(options.tasks),
    faults,
    pickFault: createFaultPicker(faults, options.seed),
    metrics: createSimMetrics(names),
    tracer: options.tracer,
    created: Math.floor(Date.now() / 1000),
    nextId: () => `chatcmpl-${(++requestCount).toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`,
    shuttingDown: false,
  };
}
