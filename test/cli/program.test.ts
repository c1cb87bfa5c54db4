/** argv → parsed options for every command, in-process: the program is built with handlers that record. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CommandHandlers, main } from '../../src/cli/program.js';
import { UsageError } from '../../src/util/errors.js';

type Call = [command: keyof CommandHandlers, ...args: unknown[]];

/** Runs `main` on `argv` with recording handlers; returns the exit code, the call made and what went to stderr. */
async function parse(argv: string[], fail?: Error): Promise<{ code: number; calls: Call[]; stderr: string }> {
  const calls: Call[] = [];
  const record =
    (command: keyof CommandHandlers) =>
    async (...args: unknown[]) => {
      // `run` is also given the environment: not part of what was parsed.
      calls.push([command, ...args.filter((a) => a !== process.env)]);
      if (fail) throw fail;
      return 0;
    };
  const handlers = {
    run: record('run'),
    sim: record('sim'),
    simServe: record('simServe'),
    stats: record('stats'),
    logs: record('logs'),
    import: record('import'),
    replay: record('replay'),
    tasksCheck: record('tasksCheck'),
    merge: record('merge'),
    sweep: record('sweep'),
  } as CommandHandlers;
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'tau2-trace', ...argv], handlers), calls, stderr };
  } finally {
    process.stderr.write = write;
  }
}

const SIM_DEFAULTS = {
  maxNumSeqs: 8,
  maxBatchedTokens: 2048,
  prefillMsPerToken: 0.04,
  stepMs: 6,
  decodeMsPerSeq: 0.25,
  timeScale: 1,
  enablePrefixCaching: true,
  blockSize: 16,
  cacheBlocks: 16384,
  fault429: 0,
  fault5xx: 0,
  faultCut: 0,
  faultGarbage: 0,
  faultStall: 0,
  stallMs: 2000,
};
const SERVE_DEFAULTS = {
  serve: false,
  numServers: 1,
  startPort: 1900,
  staggerDelay: 60,
  serverTimeout: 600,
  toolCallParser: 'hermes',
  serveArg: [],
  vllmCommand: 'vllm',
  routing: 'sticky',
};
const RUN_DEFAULTS = {
  domains: ['demo'],
  numTrials: 1,
  maxConcurrency: 8,
  maxSteps: 200,
  maxErrors: 10,
  seed: 42,
  useModelTool: true,
  outputDir: 'runs',
  name: 'tau2',
  captureContent: false,
  tracing: true,
  llmTimeout: 600,
  maxRetries: 30,
  retryBudget: 90,
  taskTimeout: 0,
  allowErrors: false,
  retryBaseMs: 500,
  quiet: false,
  ...SIM_DEFAULTS,
  ...SERVE_DEFAULTS,
};
/** A sweep's: the run's, with levels and its own output directory. */
const SWEEP_DEFAULTS = { ...RUN_DEFAULTS, maxConcurrency: [8, 16, 32], outputDir: 'sweeps' };
const STATS_DEFAULTS = { logGlob: 'tau2_*.log', outPrefix: 'timing', bins: 10, allFields: false };

/** argv → the one call it makes. */
const TABLE: [argv: string[], call: Call][] = [
  [['run'], ['run', RUN_DEFAULTS, []]],
  [
    [
      'run',
      '--domains',
      'demo,retail',
      '--num-tasks',
      '3',
      '--no-use-model-tool',
      '--no-tracing',
      '--seed',
      '0',
    ],
    [
      'run',
      {
        ...RUN_DEFAULTS,
        domains: ['demo', 'retail'],
        numTasks: 3,
        useModelTool: false,
        tracing: false,
        seed: 0,
      },
      // Flags given on the command line (a resumed run refuses to change stored parameters).
      ['domains', 'numTasks', 'seed', 'useModelTool', 'tracing'],
    ],
  ],
  [
    ['run', '--resume', 'runs/x', '--fault-5xx', '0.5', '--time-scale', '0.1'],
    [
      'run',
      { ...RUN_DEFAULTS, resume: 'runs/x', fault5xx: 0.5, timeScale: 0.1 },
      ['resume', 'timeScale', 'fault5xx'],
    ],
  ],
  [
    ['sim'],
    [
      'sim',
      {
        host: '127.0.0.1',
        port: 8000,
        seed: 42,
        domains: ['demo'],
        agentModels: ['sim-orchestrator-8b'],
        userModels: ['sim-user'],
        judgeModels: ['sim-judge'],
        expertModels: ['sim-expert-1', 'sim-expert-2', 'sim-expert-3'],
        ...SIM_DEFAULTS,
      },
    ],
  ],
  [
    ['run', '--shard', '1/3', '--run-id', 'exp1'],
    ['run', { ...RUN_DEFAULTS, shard: { index: 1, count: 3 }, runId: 'exp1' }, ['shard', 'runId']],
  ],
  [
    ['run', '--no-enable-prefix-caching', '--block-size', '32', '--cache-blocks', '100'],
    [
      'run',
      { ...RUN_DEFAULTS, enablePrefixCaching: false, blockSize: 32, cacheBlocks: 100 },
      ['enablePrefixCaching', 'blockSize', 'cacheBlocks'],
    ],
  ],
  [
    ['run', '--shard', 'auto'],
    ['run', { ...RUN_DEFAULTS, shard: 'auto' }, ['shard']],
  ],
  [
    ['merge', 'runs/x/shards/0', 'runs/x/shards/1', '--out', 'runs/x'],
    ['merge', ['runs/x/shards/0', 'runs/x/shards/1'], { out: 'runs/x', partial: false }],
  ],
  [
    ['merge', 's0', '--out', 'o', '--partial'],
    ['merge', ['s0'], { out: 'o', partial: true }],
  ],
  [
    [
      'run',
      ...['--serve', '--num-servers', '2', '--gpu-ids', '0+1,2+3', '--start-port', '2000'],
      ...['--serve-arg', '--max-model-len 32768', '--serve-arg', '--enforce-eager'],
      ...['--vllm-command', 'tau2-trace sim', '--routing', 'least-loaded'],
    ],
    [
      'run',
      {
        ...RUN_DEFAULTS,
        serve: true,
        numServers: 2,
        gpuIds: ['0+1', '2+3'],
        startPort: 2000,
        serveArg: ['--max-model-len 32768', '--enforce-eager'],
        vllmCommand: 'tau2-trace sim',
        routing: 'least-loaded',
      },
      ['serve', 'numServers', 'gpuIds', 'startPort', 'serveArg', 'vllmCommand', 'routing'],
    ],
  ],
  [
    ['sim', 'serve', 'm', '--port', '1901', '--gpu-memory-utilization', '0.9', '--help'],
    ['simServe', ['m', '--port', '1901', '--gpu-memory-utilization', '0.9', '--help']],
  ],
  [['stats'], ['stats', STATS_DEFAULTS]],
  [
    ['stats', '--spans', 'r', '--no-ext'],
    ['stats', { ...STATS_DEFAULTS, spans: 'r', ext: false }],
  ],
  [
    ['stats', '--jaeger', 'http://j:16686', '--run-id', 'x', '--ext', '--bins', '20'],
    ['stats', { ...STATS_DEFAULTS, jaeger: 'http://j:16686', runId: 'x', ext: true, bins: 20 }],
  ],
  [
    ['logs', 'r'],
    ['logs', 'r', {}],
  ],
  [
    ['logs', 'r', '--out-dir', 'o'],
    ['logs', 'r', { outDir: 'o' }],
  ],
  [
    ['import', '--log-dir', 'd'],
    ['import', { logGlob: 'tau2_*.log', logDir: 'd' }],
  ],
  [
    ['import', '--otlp'],
    ['import', { logGlob: 'tau2_*.log', otlp: true }],
  ],
  [
    ['import', '--otlp', 'http://c:4318'],
    ['import', { logGlob: 'tau2_*.log', otlp: 'http://c:4318' }],
  ],
  [
    ['replay', 'r'],
    ['replay', 'r', { force: false, timeout: 30, retryFor: 60 }],
  ],
  [
    ['replay', 'r', '--force', '--timeout', '5', '--endpoint', 'http://c:4318'],
    ['replay', 'r', { force: true, timeout: 5, retryFor: 60, endpoint: 'http://c:4318' }],
  ],
  [['sweep'], ['sweep', { ...SWEEP_DEFAULTS }, []]],
  [
    ['sweep', '--max-concurrency', '16,8,32', '--num-tasks', '3', '--time-scale', '0.1'],
    [
      'sweep',
      { ...SWEEP_DEFAULTS, maxConcurrency: [16, 8, 32], numTasks: 3, timeScale: 0.1 },
      ['maxConcurrency', 'numTasks', 'timeScale'],
    ],
  ],
  [
    ['sweep', '--serve', '--num-servers', '2', '--routing', 'random'],
    [
      'sweep',
      { ...SWEEP_DEFAULTS, serve: true, numServers: 2, routing: 'random' },
      ['serve', 'numServers', 'routing'],
    ],
  ],
  [
    ['sweep', '--resume', 'sweeps/s', '--quiet'],
    ['sweep', { ...SWEEP_DEFAULTS, resume: 'sweeps/s', quiet: true }, ['resume', 'quiet']],
  ],
  [
    ['tasks', 'check', '--data-dir', 'd', '--domains', 'mock,retail', '--task-ids', '1,2'],
    ['tasksCheck', { dataDir: 'd', domains: ['mock', 'retail'], taskIds: ['1', '2'] }],
  ],
];

/** argv that commander refuses (exit 2, nothing runs), and what the message names. */
const REFUSED: [argv: string[], named: RegExp][] = [
  [['run', '--num-tasks', 'abc'], /--num-tasks.*expected a positive integer, got "abc"/],
  [['run', '--fault-5xx', '1.5'], /--fault-5xx/],
  [['sim', '--port', '70000'], /--port/],
  [['run', '--shard', '3/3'], /--shard.*expected I\/N/],
  [['run', '--shard', 'slurm'], /--shard/],
  [['merge', 's0'], /--out/],
  [['sweep', '--max-concurrency', '8,0'], /--max-concurrency.*expected a positive integer, got "0"/],
  [['sweep', '--shard', '1/2'], /unknown option '--shard'/],
  [['merge', '--out', 'o'], /shard-dirs/],
  [['run', '--routing', 'nearest'], /--routing.*sticky, random, least-loaded/],
  [['stats', '--bins', '0'], /--bins/],
  [['tasks', 'check', '--domains', 'mock'], /--data-dir/],
  [['nope'], /unknown command 'nope'/],
];

describe('argv → options, every command', () => {
  for (const [argv, call] of TABLE) {
    it(argv.join(' '), async () => {
      const r = await parse(argv);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.calls, [call]);
    });
  }
  for (const [argv, named] of REFUSED) {
    it(`refused: ${argv.join(' ')}`, async () => {
      const r = await parse(argv);
      assert.equal(r.code, 2);
      assert.deepEqual(r.calls, []);
      assert.match(r.stderr, named);
    });
  }

  it('an error a command raises is shown with flags, not settings, and its exit status', async () => {
    const r = await parse(['run'], new UsageError('runs: is not a directory', { field: 'outputDir' }));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'tau2-trace: error: --output-dir runs: is not a directory\n');
  });

  it('--version and --help are not errors', async () => {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      assert.equal((await parse(['--version'])).code, 0);
      assert.equal((await parse(['run', '--help'])).code, 0);
    } finally {
      process.stdout.write = write;
    }
  });
});
