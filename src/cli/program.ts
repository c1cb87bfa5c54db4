/**
 * The `tau2-trace` command line: declares commands and options, calls the command functions, and turns
 * errors into messages and exit codes (cli/errors.ts). Building the program runs nothing, so argument parsing
 * is tested in-process with handlers that only record what they were given.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_RUN_SETTINGS as D } from '../harness/run-settings.js';
import { versions } from '../util/about.js';
import { requestedPriority } from '../util/thread-priority.js';
import type { CompareOptions } from './compare.js';
import { reportError } from './errors.js';
import type { ExportOptions } from './export.js';
import type { ImportOptions } from './import.js';
import type { LogsOptions } from './logs.js';
import type { MergeOptions } from './merge.js';
import {
  list,
  nonNegativeInt,
  nonNegativeNumber,
  port,
  positiveInt,
  positiveNumber,
  shard,
} from './parse.js';
import { REPLAY_FLAG_DEFAULTS, type ReplayOptions } from './replay.js';
import type { ReportCommandOptions } from './report.js';
import type { RunOptions } from './run.js';
import { addServeFlags } from './serve-flags.js';
import type { SimCommandOptions } from './sim.js';
import { addSimFlags } from './sim-flags.js';
import type { StatsOptions } from './stats.js';
import type { SweepOptions } from './sweep.js';
import type { TasksCheckOptions } from './tasks-check.js';

/** What each command does with its parsed arguments; resolves with the exit code. */
export interface CommandHandlers {
  run(opts: RunOptions, env: NodeJS.ProcessEnv, explicit: string[]): Promise<number>;
  sim(opts: SimCommandOptions): Promise<number>;
  simServe(argv: string[]): Promise<number>;
  stats(opts: StatsOptions): Promise<number>;
  logs(run: string, opts: LogsOptions): Promise<number>;
  import(opts: ImportOptions): Promise<number>;
  replay(run: string, opts: ReplayOptions): Promise<number>;
  merge(dirs: string[], opts: MergeOptions): Promise<number>;
  tasksCheck(opts: TasksCheckOptions): Promise<number>;
  export(run: string | undefined, opts: ExportOptions): Promise<number>;
  compare(baseline: string, candidate: string, opts: CompareOptions): Promise<number>;
  report(run: string | undefined, opts: ReportCommandOptions): Promise<number>;
  sweep(opts: SweepOptions, env: NodeJS.ProcessEnv, explicit: string[]): Promise<number>;
}

/**
 * The real commands. Each module is imported when its command runs: together they load OpenTelemetry, undici
 * and Vega (~0.9 s and ~60 MB before `stats` reads a byte).
 */
export const COMMANDS: CommandHandlers = {
  run: async (...a) => (await import('./run.js')).runCommand(...a),
  sim: async (...a) => (await import('./sim.js')).simCommand(...a),
  simServe: async (...a) => (await import('./sim-serve.js')).simServeCommand(...a),
  stats: async (...a) => (await import('./stats.js')).statsCommand(...a),
  logs: async (...a) => (await import('./logs.js')).logsCommand(...a),
  import: async (...a) => (await import('./import.js')).importCommand(...a),
  replay: async (...a) => (await import('./replay.js')).replayCommand(...a),
  merge: async (...a) => (await import('./merge.js')).mergeCommand(...a),
  tasksCheck: async (...a) => (await import('./tasks-check.js')).tasksCheckCommand(...a),
  export: async (...a) => (await import('./export.js')).exportCommand(...a),
  compare: async (...a) => (await import('./compare.js')).compareCommand(...a),
  report: async (...a) => (await import('./report.js')).reportCommand(...a),
  sweep: async (...a) => (await import('./sweep.js')).sweepCommand(...a),
};

/** The options of `cmd` given on the command line (attribute names), as opposed to defaulted ones. */
export function explicitOptions(cmd: Command): string[] {
  return cmd.options
    .map((opt) => opt.attributeName())
    .filter((name, i, all) => all.indexOf(name) === i && cmd.getOptionValueSource(name) === 'cli');
}

/** What each command's declaration needs: the program, the handlers, and where exit codes go. */
interface Wiring {
  program: Command;
  commands: CommandHandlers;
  exit: (code: number) => void;
  env: NodeJS.ProcessEnv;
}

/** `run`: every run setting as a flag, with the library's defaults. */
function declareRun({ program, commands, exit, env }: Wiring): void {
  const run = program
    .command('run')
    .description('run an evaluation (starts the simulated server when no endpoint is given)');
  addRunFlags(run, 'run').action(async (opts: RunOptions, cmd: Command) =>
    exit(await commands.run(opts, env, explicitOptions(cmd))),
  );
}

/**
 * The run settings' flags, shared by `run` and `sweep`. A sweep takes its levels from `--max-concurrency`
 * (a list), names its runs itself (no `--shard`, `--run-id`) and declares its own `--resume`.
 */
function addRunFlags(cmd: Command, kind: 'run' | 'sweep'): Command {
  cmd
    .option('--domains <list>', 'comma-separated domains (built in: demo; others from --data-dir)', list, [
      ...D.domains,
    ])
    .option('--data-dir <dir>', "a tau2-bench checkout's data/tau2 directory (domains/<name>/...)")
    .option('--num-tasks <n>', 'first N tasks of each domain (default: all)', positiveInt)
    .option('--task-ids <list>', 'only these task ids', list)
    .option('--num-trials <n>', 'trials per task', positiveInt, D.numTrials);
  if (kind === 'run') {
    cmd.option('--max-concurrency <n>', 'task trials running at once', positiveInt, D.maxConcurrency);
  }
  cmd
    .option('--max-steps <n>', 'steps before a conversation is cut off', positiveInt, D.maxSteps)
    .option(
      '--max-errors <n>',
      'tool errors before a conversation is cut off (faithful tau2 ports: all of them, as tau2 counts; other domains: in a row)',
      positiveInt,
      D.maxErrors,
    )
    .option('--seed <n>', 'seed of every random choice', nonNegativeInt, D.seed)
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
      D.useModelTool,
    )
    .option('--no-use-model-tool', 'no experts: tau2’s plain LLMAgent')
    .option(
      '--output-dir <dir>',
      kind === 'run' ? 'where run directories are created' : 'where sweep directories are created',
      kind === 'run' ? D.outputDir : 'sweeps',
    )
    .option('--name <name>', 'experiment name (run directory prefix)', D.name);
  if (kind === 'run') runOnlyFlags(cmd);
  cmd
    .option('--capture-content', 'record prompts, completions and tool arguments on spans', D.captureContent)
    .addOption(new Option('--no-tracing', 'no spans or metrics (overhead baseline)'))
    .option('--llm-timeout <s>', 'timeout of one LLM attempt, seconds', positiveNumber, D.llmTimeout)
    .option(
      '--max-retries <n>',
      'retries of a failed LLM call (429, 5xx, connection, broken stream, timeout)',
      nonNegativeInt,
      D.maxRetries,
    )
    .option(
      '--retry-budget <s>',
      'a failing LLM call is retried for this long after its first failure, seconds',
      nonNegativeNumber,
      D.retryBudget,
    )
    .option(
      '--task-timeout <s>',
      'wall-clock limit of one task trial, seconds (0: none)',
      nonNegativeNumber,
      D.taskTimeout,
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
      D.retryBaseMs,
    )
    .option('--baseline', "pin this run as the TTFT regression alert's baseline (tau2.run.baseline=true)")
    .option('--quiet', 'no progress bar or summary', false);
  return addSimFlags(addServeFlags(cmd), 'embedded simulator');
}

/** The flags of `run` that a sweep does not take. */
function runOnlyFlags(cmd: Command): void {
  cmd
    .option(
      '--resume <run-dir>',
      'finish an interrupted run (or one shard of it), with its stored parameters',
    )
    .option(
      '--shard <I/N|auto>',
      'run shard I of N of the trials (by a hash of domain, task and trial); auto: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX and TAU2_SHARD_COUNT',
      shard,
    )
    .option(
      '--run-id <id>',
      'the run id (tau2.run.id; directory <output-dir>/<id>, a shard: <output-dir>/<id>/shards/<I>); default with --shard: $TAU2_RUN_ID, or <name>_<SLURM_ARRAY_JOB_ID>',
    );
}

/** `sweep`: the run flags, with `--max-concurrency` as the list of levels. */
function declareSweep({ program, commands, exit, env }: Wiring): void {
  const sweep = program
    .command('sweep')
    .description(
      'run the same tasks at several concurrency levels (a run directory each) and summarise throughput, TTFT, queue and task duration against concurrency, naming the knee',
    )
    .addOption(
      new Option('--max-concurrency <list>', 'comma-separated concurrency levels')
        .argParser((v: string) => list(v).map((x) => positiveInt(x)))
        .default([8, 16, 32], '8,16,32'),
    )
    .option('--resume <sweep-dir>', 'continue an interrupted sweep with its stored settings');
  addRunFlags(sweep, 'sweep').action(async (opts: SweepOptions, cmd: Command) =>
    exit(await commands.sweep(opts, env, explicitOptions(cmd))),
  );
}

/** `sim`: the standalone simulated server. */
function declareSim({ program, commands, exit }: Wiring): void {
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
  addSimFlags(sim, 'timing model').action(async (opts: SimCommandOptions) => exit(await commands.sim(opts)));
  // vLLM's command line, parsed by the command itself (cli/sim-serve.ts): most of its flags are not ours.
  sim
    .enablePositionalOptions()
    .command('serve')
    .description(
      "the simulated server with vLLM's command line: sim serve <model> --port P … (--help for more)",
    )
    .argument('[args...]', "<model> and vLLM's flags")
    .allowUnknownOption()
    .helpOption(false)
    .passThroughOptions()
    .action(async (args: string[]) => exit(await commands.simServe(args)));
}

/** `stats`: the legacy analyzer's flags, plus the other run sources. */
function declareStats({ program, commands, exit }: Wiring): void {
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
    .action(async (opts: StatsOptions) => exit(await commands.stats(opts)));
}

/** `logs`. */
function declareLogs({ program, commands, exit }: Wiring): void {
  program
    .command('logs')
    .description("write a run's spans as legacy tau2_<domain>.log lines (PROFILE / USER_JUDGE)")
    .argument('<run>', 'a run directory or its spans.otlp.jsonl')
    .option('--out-dir <dir>', 'where to write (default: the run directory)')
    .action(async (run: string, opts: LogsOptions) => exit(await commands.logs(run, opts)));
}

/** `import`. */
function declareImport({ program, commands, exit }: Wiring): void {
  program
    .command('import')
    .description('turn legacy tau2_<domain>.log files into spans (a spool file and/or OTLP to a collector)')
    .option('--log-path <file>', 'one legacy log file')
    .option('--log-dir <dir>', 'a directory of legacy logs')
    .option('--log-glob <glob>', 'which files of --log-dir', 'tau2_*.log')
    .option('--out <file>', 'spool file to write (default without --otlp: <log dir>/spans.otlp.jsonl)')
    .option(
      '--otlp [url]',
      'send over OTLP to this base URL (default: $OTEL_EXPORTER_OTLP_ENDPOINT or localhost); protocol: $OTEL_EXPORTER_OTLP_PROTOCOL (default http/json)',
    )
    .option('--run-id <id>', "the run's tau2.run.id (default: the log directory's name)")
    .action(async (opts: ImportOptions) => exit(await commands.import(opts)));
}

/** `replay`. */
function declareReplay({ program, commands, exit }: Wiring): void {
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
    .action(async (run: string, opts: ReplayOptions) => exit(await commands.replay(run, opts)));
}

/** `export`. */
function declareExport({ program, commands, exit }: Wiring): void {
  program
    .command('export')
    .description("a run's traces for trace viewers: Chrome trace-event JSON (Perfetto UI) or speedscope")
    .argument('[run]', 'a run directory or its spans.otlp.jsonl (or give --tempo / --jaeger)')
    .addOption(
      new Option(
        '--format <format>',
        'perfetto (one track per task trial) or speedscope (one profile per track)',
      )
        .choices(['perfetto', 'speedscope'])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'file to write (default: trace.<format>.json beside the input)')
    .option('--tempo <url>', "Tempo's HTTP API: read the run's traces from there")
    .option('--jaeger <url>', "Jaeger's query API: read the run's traces from there")
    .option('--run-id <id>', 'with --tempo or --jaeger: the run (tau2.run.id, the run directory name)')
    .action(async (run: string | undefined, opts: ExportOptions) => exit(await commands.export(run, opts)));
}

/** `compare`. */
function declareCompare({ program, commands, exit }: Wiring): void {
  program
    .command('compare')
    .description('compare two runs metric by metric; with --fail-on, exit 1 on a significant regression')
    .argument(
      '<baseline>',
      'a run directory or its spans.otlp.jsonl, legacy logs (a directory or a file), or tempo:<url>#<run id> / jaeger:<url>#<run id>',
    )
    .argument('<candidate>', 'the run to judge against the baseline, named the same ways')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'md', 'json']).default('text'))
    .option(
      '--fail-on <rule>',
      "exit 1 when the rule holds and is significant, e.g. 'llm_call.ttft.p95 > +10%' (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .addOption(
      new Option('--by <split>', 'also every metric per model or per domain').choices(['model', 'domain']),
    )
    .option('--resamples <n>', 'bootstrap resamples per metric', positiveInt, 2000)
    .option('--seed <n>', "the bootstrap's seed", nonNegativeInt, 1)
    .option('--prices <file>', 'price table, USD per million tokens (default: the shipped one)')
    .option('--gpu-hour-price <usd>', 'price self-hosted models by GPU-hour × wall time', nonNegativeNumber)
    .action(async (baseline: string, candidate: string, opts: CompareOptions) =>
      exit(await commands.compare(baseline, candidate, opts)),
    );
}

/** `report`. */
function declareReport({ program, commands, exit }: Wiring): void {
  program
    .command('report')
    .description(
      'one self-contained HTML report of a run: overview, where the time went, flame graphs, slow trials, latency, cost',
    )
    .argument(
      '[run]',
      'a run directory or its spans.otlp.jsonl, legacy logs (a directory or a file), or tempo:<url>#<run id> / jaeger:<url>#<run id>',
    )
    .option('--tempo <url>', "Tempo's HTTP API: read the run's traces from there (with --run-id)")
    .option('--jaeger <url>', "Jaeger's query API: read the run's traces from there (with --run-id)")
    .option('--run-id <id>', 'with --tempo or --jaeger: the run (tau2.run.id, the run directory name)')
    .option(
      '--out <file>',
      'where to write (default: report.html beside the spool; with --tempo/--jaeger: here)',
    )
    .option(
      '--prices <file>',
      'price table JSON: {"models": {"<model>": {"input", "cached_input", "output"}}} (USD per 1M tokens)',
    )
    .option(
      '--gpu-hour-price <usd>',
      'USD per GPU-hour for models the price table does not list (self-hosted)',
      nonNegativeNumber,
    )
    .option(
      '--slow-k <k>',
      'k of the slow-trial rule: median + k × 1.4826 × MAD per domain',
      positiveNumber,
      3,
    )
    .action(async (run: string | undefined, opts: ReportCommandOptions) =>
      exit(await commands.report(run, opts)),
    );
}

/** `merge`. */
function declareMerge({ program, commands, exit }: Wiring): void {
  program
    .command('merge')
    .description("join the run directories of a sharded run's shards (run --shard) into one run directory")
    .argument('<shard-dirs...>', "the shards' run directories (e.g. runs/<run-id>/shards/*)")
    .requiredOption('--out <dir>', 'the merged run directory (e.g. runs/<run-id>; must not hold a run yet)')
    .option('--partial', 'merge even when shards or trials are missing (they are still reported)', false)
    .action(async (dirs: string[], opts: MergeOptions) => exit(await commands.merge(dirs, opts)));
}

/** `tasks check`. */
function declareTasks({ program, commands, exit }: Wiring): void {
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
    .action(async (opts: TasksCheckOptions) => exit(await commands.tasksCheck(opts)));
}

/**
 * Builds the program: `exit` receives the exit code of the command that ran, `commands` do the work (the real
 * ones unless a test records instead), `env` is what `run` reads its API keys and OTEL_* settings from.
 */
export function buildProgram(
  exit: (code: number) => void,
  commands: CommandHandlers = COMMANDS,
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const program = new Command('tau2-trace')
    .description('Traced evaluation harness for tool-orchestrating LLM agents')
    // Options after a command are that command's (sim serve takes vLLM's flags through as they are).
    .enablePositionalOptions()
    .version(versions().tau2_trace)
    .exitOverride()
    .showSuggestionAfterError(true);
  const wiring: Wiring = { program, commands, exit, env };
  for (const declare of [
    declareRun,
    declareSim,
    declareStats,
    declareLogs,
    declareImport,
    declareReplay,
    declareExport,
    declareMerge,
    declareTasks,
    declareCompare,
    declareReport,
    declareSweep,
  ]) {
    declare(wiring);
  }
  return program;
}

/** Parses argv (`process.argv`: node, script, arguments) and runs; resolves with the exit code. */
export async function main(argv: string[], commands: CommandHandlers = COMMANDS): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  }, commands);
  try {
    requestedPriority(); // the stamping threads read it when they start: a bad value fails here, named
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (it names the option); help and version are not errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    const { text, exitCode } = reportError(err);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
}
