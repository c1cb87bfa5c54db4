/**
 * Real servers for the pipeline test: started from their binaries with the project's config files, logs to
 * files, readiness by HTTP, and stopped by pid (SIGTERM, then SIGKILL) whatever the test's outcome.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A server process started by {@link startService}. */
export interface Service {
  name: string;
  pid: number;
  log: string;
  /** The last lines of its log, for failure messages. */
  tail(lines?: number): string;
  exited(): boolean;
  stop(): Promise<void>;
}

const running = new Set<Service>();

/** Starts `bin args` with `env` added to this process's, output to `<logDir>/<name>.log`. */
export function startService(
  name: string,
  bin: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
): Service {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(bin, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      resolve();
    });
    child.once('error', () => {
      done = true;
      resolve();
    });
  });
  const service: Service = {
    name,
    pid: child.pid ?? -1,
    log,
    tail: (lines = 30) => readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n'),
    exited: () => done,
    async stop() {
      running.delete(service);
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(service);
  return service;
}

/** Stops every service still running. */
export async function stopServices(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200; fails early, with the log's tail, if the service exits. */
export async function waitReady(service: Service, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exited()) throw new Error(`${service.name} exited before it was ready:\n${service.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    if (Date.now() > deadline) {
      throw new Error(`${service.name}: ${url} not ready after ${timeoutMs} ms:\n${service.tail()}`);
    }
    await sleep(250);
  }
}

/** Calls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${last})` : ''}`);
    await sleep(1000);
  }
}

/** GET a JSON document; throws with the status and body on failure. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** One sample of a PromQL instant query. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Runs an instant PromQL query, now or at `timeSec`. */
export async function promQuery(base: string, expr: string, timeSec?: number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: expr, ...(timeSec ? { time: String(timeSec) } : {}) });
  const body = await getJson<{ status: string; data: { resultType: string; result: PromSample[] } }>(
    `${base}/api/v1/query?${params}`,
  );
  if (body.data.resultType !== 'vector') return [];
  return body.data.result;
}

/** Sums the samples of a Prometheus text exposition whose name and labels match. */
export function sumExposition(text: string, name: string, labelFilter: (labels: string) => boolean = () => true): {
  sum: number;
  series: number;
} {
  let sum = 0;
  let series = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const m = /^([^{\s]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name || !labelFilter(m[2] ?? '')) continue;
    sum += Number(m[3]);
    series++;
  }
  return { sum, series };
}
