/**
 * Shared helpers of the benchmarks (in the style of undici's): spawn the CLI (`sim` as its own process, `run`
 * as another), parse the simulator's port, read OTLP/JSON spool files into flat spans, summarise samples with
 * percentiles, print aligned tables. Every child is tracked and killed by {@link stopAll}, which the benches
 * call in `finally` (and on SIGINT/SIGTERM), so a failed bench never leaves a process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readSpool } from '../src/export/spool-reader.js';
import { SPOOL_FILE } from '../src/harness/rundir.js';
import { quantileSorted } from '../src/util/quantile.js';

/** The compiled CLI entry point (`dist/src/cli/main.js`). */
export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** The machine's CPU time so far, in clock ticks: all of it, and what a hypervisor took ("steal"), from /proc/stat. */
function cpuTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
    const first8 = fields.slice(0, 8);
    if (first8.length < 8 || first8.some((v) => !Number.isFinite(v))) return undefined;
    return { total: first8.reduce((a, b) => a + b, 0), steal: first8[7]! };
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring the share of this (virtual) machine's CPU time that its hypervisor gave to others
 * ("steal"); the function returned gives that share since the start, in percent, or undefined where the
 * kernel does not say (not Linux). On a shared host, a vCPU paused for milliseconds shows up in latency
 * tails that no code of ours can remove, so benches print it next to the load average.
 */
export function stealMeter(): () => number | undefined {
  const start = cpuTicks();
  return () => {
    const now = cpuTicks();
    if (!start || !now || now.total === start.total) return undefined;
    return (100 * (now.steal - start.steal)) / (now.total - start.total);
  };
}

/** Kills every child still running (SIGTERM, then SIGKILL after `graceMs`); resolves when all have exited. */
export async function stopAll(graceMs = 5000): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, graceMs)));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping child processes…\n`);
    stopAll(1000).finally(() => {
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  });
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A running `tau2-trace sim` child process. */
export interface SimProcess {
  /** OpenAI base URL, `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  pid: number;
  /** SIGTERM (the sim then flushes its spool) and wait for exit. */
  stop(): Promise<void>;
}

/** Spawns `sim --host 127.0.0.1 --port 0 ...args` and resolves once it prints its listening line. */
export function startSim(
  args: string[],
  timeoutMs = 15_000,
  env: NodeJS.ProcessEnv = {},
): Promise<SimProcess> {
  const child = track(
    spawn(process.execPath, [CLI, 'sim', '--host', '127.0.0.1', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    }),
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopChild(child, 1000);
      reject(new Error(`sim ${why}\n${out}${err}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    const early = (code: number | null, signal: string | null) => fail(`exited early (${code ?? signal})`);
    child.once('exit', early);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ baseUrl: m[1], pid: child.pid ?? -1, stop: () => stopChild(child, 5000) });
    });
  });
}

/** Writes a model-config JSON sending every demo model (agent, user, judge, three experts) to `baseUrl`. */
export function writeModelConfig(dir: string, baseUrl: string): string {
  const ep = [{ base_url: baseUrl }];
  const experts = { 'expert-1': 'sim-expert-1', 'expert-2': 'sim-expert-2', 'expert-3': 'sim-expert-3' };
  const config: Record<string, unknown> = { 'sim-orchestrator-8b': ep, 'sim-user': ep, 'sim-judge': ep };
  for (const model of Object.values(experts)) config[model] = ep;
  config.oss_expert_mapping = experts;
  const file = join(dir, 'model-config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** `run` flags that point the harness at a separate sim through `modelConfig`. */
export function simModelFlags(modelConfig: string): string[] {
  const models = [
    '--agent-model',
    'sim-orchestrator-8b',
    '--user-llm',
    'sim-user',
    '--judge-llm',
    'sim-judge',
  ];
  return ['--model-config', modelConfig, ...models];
}

/** Result of {@link runCli}. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `node [nodeArgs] CLI ...args` to completion; rejects on a non-zero exit or after `timeoutMs`. */
export function runCli(
  args: string[],
  opts: { timeoutMs: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const t0 = performance.now();
  const child = track(
    spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child, 2000);
    }, opts.timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const r = { code: code ?? -1, stdout, stderr, wallMs: performance.now() - t0 };
      if (timedOut) reject(new Error(`${args[0]} timed out after ${opts.timeoutMs} ms\n${stderr}`));
      else if (code !== 0) reject(new Error(`${args[0]} exited with ${code ?? signal}\n${stderr}`));
      else resolve(r);
    });
  });
}

/** A fresh temporary directory and its remover (also removed when the bench is interrupted). */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The spool file of the only run directory under `outputDir`. */
export function spoolOf(outputDir: string): string {
  const runs = readdirSync(outputDir);
  if (runs.length !== 1 || !runs[0])
    throw new Error(`${outputDir}: expected one run directory, found ${runs.length}`);
  return join(outputDir, runs[0], SPOOL_FILE);
}

/** A span read back from an OTLP/JSON spool, with decoded attribute values. */
export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  service: string | undefined;
  /** Epoch milliseconds (fractional). */
  startMs: number;
  endMs: number;
  attrs: Record<string, unknown>;
}

/** Reads every span of a spool file through the product's own spool reader. */
export async function readSpans(file: string): Promise<FlatSpan[]> {
  const { spans, badLines } = await readSpool(file);
  if (badLines.length > 0) throw new Error(`${file}: lines ${badLines.slice(0, 5).join(', ')} do not parse`);
  return spans.map((s) => ({
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    service: s.resource['service.name'] as string | undefined,
    startMs: Number(s.startNs) / 1e6,
    endMs: Number(s.endNs) / 1e6,
    attrs: s.attributes,
  }));
}

/** The `p`-th percentile (0–100) of ascending `sorted` (the project's quantile, util/quantile.ts); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : quantileSorted(sorted, p / 100);
}

/** Median of unsorted values. */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Spread of a sample. */
export interface Summary {
  n: number;
  mean: number;
  min: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarises unsorted values. */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((acc, v) => acc + v, 0) / (s.length || Number.NaN);
  return {
    n: s.length,
    mean,
    min: s[0] ?? Number.NaN,
    median: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** Formats a number with `digits` decimals (`-` for NaN). */
export function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

// A Markdown table (benchmark output is pasted into the README): no frame but the pipes and the rule under
// the header, which gets colons for the alignment below.
const MARKDOWN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '|',
    'left-mid': '|',
    mid: '-',
    'mid-mid': '|',
    right: '|',
    'right-mid': '|',
    middle: '|',
  },
  style: { head: [], border: [], compact: true },
};

/** Prints rows as a Markdown table (first column left-aligned, the rest right-aligned). */
export function printTable(header: string[], rows: string[][]): void {
  const table = new Table({
    ...MARKDOWN,
    head: header,
    colAligns: header.map((_, i) => (i === 0 ? 'left' : 'right')),
  });
  table.push(...rows.map((r) => header.map((_, i) => r[i] ?? '')));
  const [head, rule, ...body] = table.toString().split('\n');
  const aligned = rule!
    .split('|')
    .slice(1, -1)
    .map((dashes, i) => (i === 0 ? `:${dashes.slice(1)}` : `${dashes.slice(1)}:`));
  process.stdout.write(`${[head, `|${aligned.join('|')}|`, ...body].join('\n')}\n`);
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function positive(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError('expected a number above 0');
  return v;
}

/**
 * Reads `--name N` flags (camelCase keys of `defaults` spelled in kebab case, positive numbers) and `--keep`
 * from argv; commander says what is wrong with anything else, and the bench exits 2.
 */
export function intFlags<T extends Record<string, number>>(
  argv: string[],
  defaults: T,
): T & { keep: boolean } {
  const program = new Command('bench').exitOverride().allowExcessArguments(false);
  for (const [key, value] of Object.entries(defaults)) {
    program.option(`--${kebab(key)} <n>`, key, positive, value);
  }
  program.option('--keep', 'keep the temporary files', false);
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    // Commander has printed the message; help is not an error.
    process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
  }
  return program.opts<T & { keep: boolean }>();
}

/**
 * Copy `k` of a spool line, made a different trial of a different run as far as a reader can tell: trace and
 * span ids get `k` in their first 8 hex digits (parents follow), request ids get `-k`, `tau2.trial` becomes
 * trial + k, and every time moves by `shiftNs`. Copies of a demo run so relabelled make a large spool whose
 * ids are as distinct as a real one's (a reader that interns strings gains nothing from repetition).
 */
export function copyOfLine(line: string, k: number, shiftNs = 0n): string {
  const prefix = k.toString(16).padStart(8, '0');
  let out = line
    .replace(/"(traceId|spanId|parentSpanId)":"[0-9a-f]{8}/g, `"$1":"${prefix}`)
    .replace(/("key":"gen_ai\.(?:request|response)\.id","value":\{"stringValue":"[^"]*)"/g, `$1-${k}"`)
    .replace(
      /"key":"tau2\.trial","value":\{"intValue":"?(\d+)"?\}/g,
      (_, t: string) => `"key":"tau2.trial","value":{"intValue":${Number(t) + k}}`,
    );
  if (shiftNs !== 0n) {
    out = out.replace(
      /"(start|end)TimeUnixNano":"(\d+)"/g,
      (_, which: string, ns: string) => `"${which}TimeUnixNano":"${BigInt(ns) + shiftNs}"`,
    );
  }
  return out;
}
