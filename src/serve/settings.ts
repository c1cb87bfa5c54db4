/**
 * The settings of servers started by a run (`run --serve`), apart from the code that starts them so that the
 * CLI can declare its flags without loading it. Defaults follow the legacy `run_local.py` where it had one.
 */
import type { RoutingPolicy } from '../llm/routing.js';

/** How a run starts its agent model's servers, and how calls share a model's endpoints. */
export interface ServeSettings {
  /** Start the agent model's servers (vLLM, or anything with its command line) for the run. */
  serve: boolean;
  numServers: number;
  /**
   * One `CUDA_VISIBLE_DEVICES` value per server, in order (`0`, `1`, or `0+1` for a server on two GPUs).
   * Default: the entries of an inherited `CUDA_VISIBLE_DEVICES`, else 0, 1, 2, …
   */
  gpuIds?: string[];
  /** The first server's port; server i listens on startPort + i. */
  startPort: number;
  /** Seconds between two starts, cut short when the previous server is healthy. */
  staggerDelay: number;
  /** Seconds a server may take to answer `/health` after it was started. */
  serverTimeout: number;
  toolCallParser: string;
  /** More arguments for every server, each split on white space (`--max-model-len 32768`). */
  serveArg: string[];
  /** The program (and its first words) before `serve <model>`: `vllm`, or `tau2-trace sim`. */
  vllmCommand: string;
  /** How calls share a model's endpoints. */
  routing: RoutingPolicy;
}

/** The defaults (run_local.py's: 1900, 60 s apart, 600 s to start, the hermes parser). */
export const DEFAULT_SERVE_SETTINGS = {
  serve: false,
  numServers: 1,
  startPort: 1900,
  staggerDelay: 60,
  serverTimeout: 600,
  toolCallParser: 'hermes',
  serveArg: [] as string[],
  vllmCommand: 'vllm',
  routing: 'sticky',
} as const satisfies ServeSettings;
