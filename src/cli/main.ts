#!/usr/bin/env node
/**
 * The `tau2-trace` command line: declares commands and options, calls the command functions, and turns
 * errors into messages and exit codes (2 for bad input, 1 for anything unexpected).
 */
import { Command, CommanderError, Option } from 'commander';
import { systemErrorCode, UsageError } from '../util/errors.js';
import { versions } from './about.js';
import type { ImportOptions } from './import.js';
import type { LogsOptions } from './logs.js';
import { list, nonNegativeInt, nonNegativeNumber, port, positiveInt, positiveNumber } from './parse.js';
import { REPLAY_FLAG_DEFAULTS, type ReplayOptions, replayCommand } from './replay.js';
import type { RunOptions } from './run.js';
import type { SimCommandOptions } from './sim.js';
import { addSimFlags } from './sim-flags.js';
import type { StatsOptions } from './stats.js';
import type { TasksCheckOptions } from './tasks-check.js';

// Command modules are imported when their command runs: together they load OpenTelemetry, undici and Vega
// (~0.9 s and ~60 MB before `stats` reads a byte).
const runCommand = async (...a: Parameters<typeof import('./run.js').runCommand>) =>
  (await import('./run.js')).runCommand(...a);
const simCommand = async (...a: Parameters<typeof import('./sim.js').simCommand>) =>
  (await import('./sim.js')).simCommand(...a);
const statsCommand = async (...a: Parameters<typeof import('./stats.js').statsCommand>) =>
  (await import('./stats.js')).statsCommand(...a);
const logsCommand = async (...a: Parameters<typeof import('./logs.js').logsCommand>) =>
  (await import('./logs.js')).logsCommand(...a);
const importCommand = async (...a: Parameters<typeof import('./import.js').importCommand>) =>
  (await import('./import.js')).importCommand(...a);
const tasksCheckCommand = async (...a: Parameters<typeof import('./tasks-check.js').tasksCheckCommand>) =>
  (await import('./tasks-check.js')).tasksCheckCommand(...a);

/** The options of `cmd` given on the command line (attribute names), as opposed to defaulted ones. */
export function explicitOptions(cmd: Command): string[] {
  return cmd.options
    .map((opt) => opt.attributeName())
    .filter((name, i, all) => all.indexOf(name) === i && cmd.getOptionValueSource(name) === 'cli');
}

/** Builds the program; `run` receives each command's exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('tau2-trace')
    .description('Traced evaluation harness for tool-orchestrating LLM agents')
    .version(versions().tau2_trace)
    .exitOverride()
    .showSuggestionAfterError(true);

  const run = program
    .command('run')
    .description('run an evaluation (starts the simulated server when no endpoint is given)')
    .option('--domains <list>', 'comma-separated domains (built in: demo; others from --data-dir)', list, [
      'demo',
    ])
    .option('--data-dir <dir>', "a tau2-bench checkout's data/tau2 directory (domains/<name>/...)")
    .option('--num-tasks <n>', 'first N tasks of each domain (default: all)', positiveInt)
    .option('--task-ids <list>', 'only these task ids', list)
    .option('--num-trials <n>', 'trials per task', positiveInt, 1)
    .option('--max-concurrency <n>', 'task trials running at once', positiveInt, 8)
    .option('--max-steps <n>', 'steps before a conversation is cut off', positiveInt, 200)
    .option(
      '--max-errors <n>',
      'tool errors before a conversation is cut off (faithful tau2 ports: all of them, as tau2 counts; other domains: in a row)',
      positiveInt,
      10,
    )
    .option('--seed <n>', 'seed of every random choice', nonNegativeInt, 42)
    .option('--agent-model <name>', 'the orchestrator model')
    .option('--user-llm <name>', 'the user simulator model (default gpt-4.1 with endpoints)')
    .option('--judge-llm <name>', 'the judge model (default: the user model)')
    .option(
      '--model-config <file>',
      'legacy model config JSON: {"<model>": [{"ip_addr","port"}], "oss_expert_mapping": {...}}',
    )
    .option(
      '--agent-base-url <url>',
      'OpenAI-compatible base URL of the agent model (key: TAU2_AGENT_API_KEY)',
    )
    .option('--user-base-url <url>', 'base URL of the user model (key: TAU2_USER_API_KEY)')
    .option('--expert-base-url <url>', 'base URL of the expert models (key: TAU2_EXPERT_API_KEY)')
    .option('--judge-base-url <url>', 'base URL of the judge model (key: TAU2_JUDGE_API_KEY)')
    .option(
      '--use-model-tool',
      'expert routing: on tau2 domains the ToolOrchestra fork’s agent (call_expert hands the turn to an expert)',
      true,
    )
    .option('--no-use-model-tool', 'no experts: tau2’s plain LLMAgent')
    .option('--output-dir <dir>', 'where run directories are created', 'runs')
    .option('--name <name>', 'experiment name (run directory prefix)', 'tau2')
    .option('--resume <run-dir>', 'finish an interrupted run, with its stored parameters')
    .option('--capture-content', 'record prompts, completions and tool arguments on spans', false)
    .addOption(new Option('--no-tracing', 'no spans or metrics (overhead baseline)'))
    .option('--llm-timeout <s>', 'timeout of one LLM attempt, seconds', positiveNumber, 600)
    .option(
      '--max-retries <n>',
      'retries of a failed LLM call (429, 5xx, connection, broken stream, timeout)',
      nonNegativeInt,
      30,
    )
    .option(
      '--retry-budget <s>',
      'a failing LLM call is retried for this long after its first failure, seconds',
      nonNegativeNumber,
      90,
    )
    .option(
      '--task-timeout <s>',
      'wall-clock limit of one task trial, seconds (0: none)',
      nonNegativeNumber,
      0,
    )
    .option(
      '--allow-errors',
      'exit 0 even when trials failed or the OTLP export did (they are still reported)',
      false,
    )
    .option(
      '--retry-base-ms <ms>',
      'first retry backoff (doubles per retry, full jitter)',
      nonNegativeNumber,
      500,
    )
    .option('--baseline', "pin this run as the TTFT regression alert's baseline (tau2.run.baseline=true)")
    .option('--quiet', 'no progress bar or summary', false);
  addSimFlags(run, 'embedded simulator').action(async (opts: RunOptions, cmd: Command) =>
    exit(await runCommand(opts, process.env, explicitOptions(cmd))),
  );

  const sim = program
    .command('sim')
    .description('start the simulated OpenAI-compatible (vLLM-like) server')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', port, 8000)
    .option('--seed <n>', 'seed of every random choice', nonNegativeInt, 42)
    .option('--domains <list>', 'domains whose tasks the agent role can replay', list, ['demo'])
    .option('--data-dir <dir>', "a tau2-bench checkout's data/tau2 directory")
    .option('--agent-models <list>', 'models that play the agent', list, ['sim-orchestrator-8b'])
    .option('--user-models <list>', 'models that play the user', list, ['sim-user'])
    .option('--judge-models <list>', 'models that play the judge', list, ['sim-judge'])
    .option('--expert-models <list>', 'models that play experts', list, [
      'sim-expert-1',
      'sim-expert-2',
      'sim-expert-3',
    ])
    .option('--spans-file <file>', 'also append llm_request spans to this OTLP/JSON lines file');
  addSimFlags(sim, 'timing model').action(async (opts: SimCommandOptions) => exit(await simCommand(opts)));

  program
    .command('stats')
    .description("legacy <prefix>_stats.json and console tables from PROFILE logs or a run's spans")
    .option('--log-path <file>', 'one legacy log file')
    .option('--log-dir <dir>', 'a directory of legacy logs')
    .option('--log-glob <glob>', 'which files of --log-dir', 'tau2_*.log')
    .option('--spans <file|run-dir>', "a run's spans.otlp.jsonl (or its run directory)")
    .option(
      '--tempo <url>',
      "Tempo's HTTP API (e.g. http://localhost:3200): read the run's traces from there",
    )
    .option(
      '--jaeger <url>',
      "Jaeger's query API (e.g. http://localhost:16686): read the run's traces from its /api/v3/traces",
    )
    .option('--run-id <id>', 'with --tempo or --jaeger: the run (tau2.run.id, the run directory name)')
    .option('--out-dir <dir>', 'where to write (default: beside the input; with --tempo/--jaeger: here)')
    .option('--out-prefix <prefix>', 'file name prefix', 'timing')
    .option('--bins <n>', 'histogram bins', positiveInt, 10)
    .option('--all-fields', "also read the later key generation's llm_call lines (vllm_infer_ms=, …)", false)
    .option(
      '--ext',
      'also <prefix>_stats_ext.json and log-scale / CDF charts (default: on for --spans/--tempo/--jaeger, off for logs)',
    )
    .option('--no-ext', 'skip <prefix>_stats_ext.json and the log-scale / CDF charts')
    .action(async (opts: StatsOptions) => exit(await statsCommand(opts)));

  program
    .command('logs')
    .description("write a run's spans as legacy tau2_<domain>.log lines (PROFILE / USER_JUDGE)")
    .argument('<run>', 'a run directory or its spans.otlp.jsonl')
    .option('--out-dir <dir>', 'where to write (default: the run directory)')
    .action(async (run: string, opts: LogsOptions) => exit(await logsCommand(run, opts)));

  program
    .command('import')
    .description('turn legacy tau2_<domain>.log files into spans (a spool file and/or OTLP to a collector)')
    .option('--log-path <file>', 'one legacy log file')
    .option('--log-dir <dir>', 'a directory of legacy logs')
    .option('--log-glob <glob>', 'which files of --log-dir', 'tau2_*.log')
    .option('--out <file>', 'spool file to write (default without --otlp: <log dir>/spans.otlp.jsonl)')
    .option(
      '--otlp [url]',
      'send over OTLP/HTTP to this base URL (default: $OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)',
    )
    .option('--run-id <id>', "the run's tau2.run.id (default: the log directory's name)")
    .action(async (opts: ImportOptions) => exit(await importCommand(opts)));

  program
    .command('replay')
    .description(
      "send a run's spans.otlp.jsonl to a collector over OTLP/HTTP, from the first line not yet delivered there",
    )
    .argument('<run>', 'a run directory or its spans.otlp.jsonl')
    .option(
      '--endpoint <url>',
      'OTLP/HTTP base URL (default: $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, $OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)',
    )
    .option('--force', 'send again what was already delivered to this endpoint', false)
    .option('--timeout <seconds>', 'limit of one request', nonNegativeNumber, REPLAY_FLAG_DEFAULTS.timeout)
    .option(
      '--retry-for <seconds>',
      'how long a line is retried (429, 5xx, no connection, timeout) before the replay gives up',
      nonNegativeNumber,
      REPLAY_FLAG_DEFAULTS.retryFor,
    )
    .action(async (run: string, opts: ReplayOptions) => exit(await replayCommand(run, opts)));

  const tasks = program.command('tasks').description('tau2 tasks on the faithful domain ports');
  tasks
    .command('check')
    .description('set tau2 tasks up, replay actions through the environment, dump what the model would see')
    .requiredOption('--data-dir <dir>', "a tau2-bench checkout's data/tau2 directory (domains/<name>/...)")
    .requiredOption('--domains <list>', 'comma-separated tau2 domains', list)
    .option('--task-ids <list>', 'only these task ids', list)
    .option(
      '--actions <file>',
      'replay these sequences instead of the expected actions: [{"domain","task_id","actions":[{"name","arguments","requestor"}]}]',
    )
    .option('--dump <file>', 'write one JSON line per call and a final line per task')
    .action(async (opts: TasksCheckOptions) => exit(await tasksCheckCommand(opts)));
  return program;
}

/** Parses argv and runs; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (it names the option); help and version are not errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`tau2-trace: error: ${err.message}\n`);
      return 2;
    }
    if (systemErrorCode(err)) {
      process.stderr.write(`tau2-trace: error: ${(err as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`tau2-trace: unexpected error: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
