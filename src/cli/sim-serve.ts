/**
 * `tau2-trace sim serve <model> [vLLM's flags…]`: the simulated server with `vllm serve`'s command line, so
 * that `run --serve --vllm-command 'tau2-trace sim'` starts it exactly as it would start vLLM.
 *
 * vLLM has hundreds of flags and the simulator models few of them, so the arguments are split here into
 * groups (a `--flag`, or `--flag=value`, with the words up to the next `--flag`): the groups of flags the
 * simulator knows are parsed by commander like any other command line, and the others are ignored with one
 * line on stderr naming them. commander cannot do the split itself: after an unknown option it stops
 * recognising known ones.
 */
import { Command, CommanderError } from 'commander';
import { list, nonNegativeInt, port, positiveInt } from './parse.js';
import type { SimCommandOptions } from './sim.js';
import { addSimFlags } from './sim-flags.js';

const ROLES = ['agent', 'user', 'judge', 'expert'] as const;

/** The flags `sim serve` understands: vLLM's that it models, and the simulator's own. */
function serveFlags(): Command {
  const cmd = new Command('tau2-trace sim serve')
    .usage('<model> [options]')
    .description(
      "the simulated server, started with vLLM's command line (flags it does not model are ignored)",
    )
    .exitOverride()
    .argument('[model]', 'the model to serve')
    .option('--model <name>', 'the model (vLLM: the positional <model>)')
    .option('--served-model-name <names...>', 'names the model is served under (default: <model>)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', port, 8000)
    .option('--seed <n>', 'seed of every random choice', nonNegativeInt, 42)
    .option(
      '--max-num-batched-tokens <n>',
      'vLLM: token budget per engine step (= --max-batched-tokens)',
      positiveInt,
    )
    .option(
      '--otlp-traces-endpoint <url>',
      'vLLM: send llm_request spans over OTLP here (protocol: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, default grpc)',
    )
    .option('--role <role>', `the role the model plays: ${ROLES.join(', ')}`, 'agent')
    .option('--domains <list>', 'domains whose tasks the agent role can replay', list, ['demo'])
    .option('--data-dir <dir>', "a tau2-bench checkout's data/tau2 directory")
    .option('--spans-file <file>', 'also append llm_request spans to this OTLP/JSON lines file');
  return addSimFlags(cmd, 'timing model');
}

/** What `sim serve` was asked for. */
export interface ServeArgs {
  options: SimCommandOptions;
  /** vLLM's `--otlp-traces-endpoint`. */
  otlpTracesEndpoint?: string;
  /** Flags ignored (not modelled), as given. */
  ignored: string[];
}

/** Splits `argv` into its leading words (the model) and its flag groups. */
function groups(argv: readonly string[]): { lead: string[]; flags: string[][] } {
  const lead: string[] = [];
  const flags: string[][] = [];
  for (const word of argv) {
    if (word.startsWith('--')) flags.push([word]);
    else if (flags.length > 0) flags[flags.length - 1]!.push(word);
    else lead.push(word);
  }
  return { lead, flags };
}

/** Parses `sim serve`'s arguments; a bad value of a known flag throws commander's error (it names the flag). */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const cmd = serveFlags();
  const known = new Set(cmd.options.map((o) => o.long).concat('--help'));
  const { lead, flags } = groups(argv);
  const kept = flags.filter((g) => known.has(g[0]!.split('=')[0]!));
  const ignored = flags.filter((g) => !kept.includes(g)).map((g) => g.join(' '));
  cmd.parse([...lead, ...kept.flat()], { from: 'user' });
  const o = cmd.opts();
  const model = (o.model as string | undefined) ?? lead[0];
  if (model === undefined) throw new CommanderError(2, 'sim.serve', 'error: no <model> given');
  const role = o.role as (typeof ROLES)[number];
  if (!ROLES.includes(role)) {
    throw new CommanderError(2, 'sim.serve', `error: --role ${role}: expected one of ${ROLES.join(', ')}`);
  }
  const names = (o.servedModelName as string[] | undefined) ?? [model];
  const { model: _m, servedModelName: _s, role: _r, maxNumBatchedTokens, otlpTracesEndpoint, ...rest } = o;
  const options = {
    ...rest,
    ...(maxNumBatchedTokens !== undefined ? { maxBatchedTokens: maxNumBatchedTokens } : {}),
    agentModels: role === 'agent' ? names : [],
    userModels: role === 'user' ? names : [],
    judgeModels: role === 'judge' ? names : [],
    expertModels: role === 'expert' ? names : [],
    watchParent: true,
  } as SimCommandOptions;
  return { options, ...(otlpTracesEndpoint ? { otlpTracesEndpoint } : {}), ignored };
}

/**
 * The variables of this process's telemetry, as vLLM's would be: spans go over OTLP only with
 * `--otlp-traces-endpoint`, in the protocol `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` names (vLLM's default, gRPC),
 * and no metrics are pushed (vLLM's are scraped from /metrics). The endpoint variables a harness passes down
 * to its children are not the server's to use.
 */
export function serveTelemetryEnv(env: NodeJS.ProcessEnv, endpoint: string | undefined): void {
  for (const k of Object.keys(env)) {
    if (/^OTEL_EXPORTER_OTLP_(TRACES_|METRICS_)?ENDPOINT$/.test(k)) delete env[k];
  }
  env.OTEL_METRICS_EXPORTER = 'none';
  if (endpoint === undefined) {
    env.OTEL_TRACES_EXPORTER = 'none';
    return;
  }
  env.OTEL_TRACES_EXPORTER = 'otlp';
  env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = endpoint;
  env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? 'grpc';
}

/** Runs `sim serve`; resolves with the exit code. */
export async function simServeCommand(argv: string[]): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    // commander printed its message (or the help) already, except for the checks above.
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'sim.serve') process.stderr.write(`${err.message}\n`);
    return err.exitCode === 0 ? 0 : 2;
  }
  if (args.ignored.length > 0) {
    process.stderr.write(
      `tau2-trace sim serve: ignoring what the simulator does not model: ${args.ignored.join(', ')}\n`,
    );
  }
  serveTelemetryEnv(process.env, args.otlpTracesEndpoint);
  const { simCommand } = await import('./sim.js');
  return simCommand(args.options);
}
