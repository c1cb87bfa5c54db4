/**
 * One server a run started: its supervisor process (./supervisor.ts) as the leader of a process group of its
 * own, its log file, how to wait for its `/health`, and how to stop it. The harness holds the supervisor's
 * stdin: when the harness dies, however it dies, the pipe closes and the supervisor stops the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'shell-quote';

const SUPERVISOR = fileURLToPath(new URL('./supervisor.js', import.meta.url));

/** Milliseconds between SIGTERM and SIGKILL when a server is stopped. */
export const STOP_GRACE_MS = 10_000;

/** What a server process is started with. */
export interface ServerLaunch {
  index: number;
  argv: string[];
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  logPath: string;
  /** Milliseconds between SIGTERM and SIGKILL on a stop (default {@link STOP_GRACE_MS}). */
  graceMs?: number;
}

/** How a server process ended. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The last lines of a log, for a message about a server that failed. */
export function logTail(path: string, lines = 5): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Words of a command line, split and unquoted as a POSIX shell does (`'…'`, `"…"`, `\ `), with nothing
 * expanded (`$HOME` stays as written): the server is started without a shell. A shell operator (`|`, `;`,
 * `>`, `&&`…) or an unquoted `#` would mean something else to a shell than to us, so it is refused (thrown,
 * naming it) rather than passed on or dropped; a glob is passed on as written.
 */
export function words(text: string): string[] {
  return parse(text, (name) => `$${name}`).map((w) => {
    if (typeof w === 'string') return w;
    if ('op' in w && w.op === 'glob') return w.pattern;
    const what = 'comment' in w ? `'#${w.comment}'` : `'${w.op}'`;
    throw new Error(`${what} is shell syntax, and the command runs without a shell: quote it to pass it on`);
  });
}

/** A started server. */
export class ServerProcess {
  readonly exited: Promise<ServerExit>;
  /** Set once it has exited. */
  exit: ServerExit | undefined;
  private readonly child: ChildProcess;

  constructor(readonly launch: ServerLaunch) {
    const log = openSync(launch.logPath, 'a');
    writeSync(
      log,
      `[tau2-trace] ${new Date().toISOString()} starting: ${launch.argv.join(' ')}` +
        ` (CUDA_VISIBLE_DEVICES=${launch.env.CUDA_VISIBLE_DEVICES ?? ''})\n`,
    );
    try {
      // detached: a new session and process group, so the whole group can be stopped, and a Ctrl-C at the
      // terminal reaches the harness alone (which stops trials first, then servers).
      this.child = spawn(process.execPath, [SUPERVISOR, String(this.grace), '--', ...launch.argv], {
        detached: true,
        stdio: ['pipe', log, log],
        env: launch.env,
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    // The pipe is only held, never written: a failed write must not crash the harness.
    this.child.stdin?.on('error', () => {});
  }

  private get grace(): number {
    return this.launch.graceMs ?? STOP_GRACE_MS;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `http://host:port`. */
  get url(): string {
    return `http://${this.launch.host}:${this.launch.port}`;
  }

  /** Whether `/health` answers 200 now. */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer().catch(() => undefined);
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** Stops the server: SIGTERM, then SIGKILL to its whole group after the grace period. */
  async stop(): Promise<void> {
    if (!this.exit) {
      // The supervisor relays it to the server (a second SIGTERM would make vLLM skip its graceful shutdown).
      this.child.kill('SIGTERM');
      const late = setTimeout(() => this.signalGroup('SIGKILL'), this.grace + 2000);
      await this.exited;
      clearTimeout(late);
    }
    // Whatever the server left behind in its group (workers of its own).
    this.signalGroup('SIGKILL');
  }

  /** Kills the whole group at once, synchronously (for a harness that is exiting). */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {}
  }
}
