/** The flags of `run` that start the agent model's servers and route calls among endpoints. */
import { type Command, Option } from 'commander';
import { ROUTING_POLICIES } from '../llm/routing.js';
import { DEFAULT_SERVE_SETTINGS as D } from '../serve/settings.js';
import { UsageError } from '../util/errors.js';
import { flagOf } from './errors.js';
import { list, nonNegativeNumber, port, positiveInt, positiveNumber } from './parse.js';

/** `--serve-arg` may be given again and again. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds the server and routing flags to `run`. */
export function addServeFlags(cmd: Command): Command {
  return cmd
    .option('--serve', "start the agent model's servers for the run (vllm serve, or --vllm-command)", D.serve)
    .option('--num-servers <n>', 'with --serve: servers to start', positiveInt, D.numServers)
    .option(
      '--gpu-ids <list>',
      "with --serve: each server's CUDA_VISIBLE_DEVICES (0,1,…; 0+1 for two GPUs; default: 0,1,…)",
      list,
    )
    .option('--start-port <port>', "with --serve: the first server's port", port, D.startPort)
    .option(
      '--stagger-delay <s>',
      'with --serve: seconds between starts (less when the previous one is healthy sooner)',
      nonNegativeNumber,
      D.staggerDelay,
    )
    .option(
      '--server-timeout <s>',
      'with --serve: seconds a server may take to become healthy',
      positiveNumber,
      D.serverTimeout,
    )
    .option('--tool-call-parser <name>', 'with --serve: vLLM --tool-call-parser', D.toolCallParser)
    .option(
      '--serve-arg <args>',
      'with --serve: more arguments for every server, split on spaces (repeatable)',
      collect,
      [...D.serveArg],
    )
    .option(
      '--vllm-command <cmd>',
      "with --serve: the command before 'serve <model>' (e.g. 'tau2-trace sim')",
      D.vllmCommand,
    )
    .addOption(
      new Option('--routing <policy>', "how a model's endpoints share its calls")
        .choices(ROUTING_POLICIES)
        .default(D.routing),
    );
}

/** Settings that only mean something with `--serve`. */
const SERVE_ONLY = [
  'numServers',
  'gpuIds',
  'startPort',
  'staggerDelay',
  'serverTimeout',
  'toolCallParser',
  'serveArg',
  'vllmCommand',
];

/** Refuses a server flag given without `--serve` (it would do nothing, silently). */
export function checkServeFlags(serve: boolean, explicit: readonly string[]): void {
  const stray = explicit.filter((name) => SERVE_ONLY.includes(name));
  if (!serve && stray.length > 0) {
    throw new UsageError(
      `${stray.map(flagOf).join(', ')}: only with --serve (the run starts no server without it)`,
    );
  }
}
