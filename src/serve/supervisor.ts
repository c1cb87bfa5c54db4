/**
 * The supervisor between the harness and one server it starts: `node supervisor.js <grace-ms> -- <command…>`.
 *
 * vLLM does not watch its parent, so a harness killed with `kill -9` would leave it running (with its GPU).
 * The harness starts this process as the leader of a new process group, with its stdin a pipe whose other end
 * only the harness holds. The server runs in the same group. The kernel closes that pipe when the harness dies,
 * however it dies, and this process then stops the server: SIGTERM, and after `grace-ms` SIGKILL to the whole
 * group (the server's own workers included). SIGTERM or SIGINT to this process does the same; when the server
 * exits by itself, this process exits with its status.
 */
import { spawn } from 'node:child_process';

/** Kills every process of this group, this one included (its leader: the group's id is its pid). */
function killGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {}
}

function main(argv: string[]): void {
  const sep = argv.indexOf('--');
  const graceMs = Number(argv[0]);
  const command = argv.slice(sep + 1);
  if (sep !== 1 || !Number.isFinite(graceMs) || command.length === 0) {
    process.stderr.write('usage: supervisor <grace-ms> -- <command> [args…]\n');
    process.exit(2);
  }
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[tau2-trace supervisor] ${why}: stopping the server (pid ${child.pid})\n`);
    child.kill('SIGTERM');
    setTimeout(killGroup, graceMs).unref();
  };
  child.on('error', (err) => {
    process.stderr.write(`[tau2-trace supervisor] cannot start ${command[0]}: ${err.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    process.stderr.write(`[tau2-trace supervisor] the server exited (${signal ?? `code ${code}`})\n`);
    process.exitCode = code ?? 128 + 15;
    // What the server left behind (workers of its own) goes with the group once this process is gone.
    setImmediate(() => process.exit());
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdin.on('end', () => stop('the harness is gone (its pipe closed)'));
  process.stdin.on('error', () => stop('the harness is gone (its pipe failed)'));
  process.stdin.resume();
}

main(process.argv.slice(2));
