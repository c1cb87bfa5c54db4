/**
 * Scheduling priority of the calling thread. The threads that stamp wire times (the LLM client's I/O thread,
 * the simulator's HTTP thread) do little work but must run the moment a socket is readable: on a busy
 * machine the kernel otherwise lets them wait behind the harness's own main thread and everyone else's
 * processes for a time slice (several milliseconds), and the stamp takes that wait in.
 */
import { constants, setPriority } from 'node:os';

/** The niceness asked for: well ahead of ordinary work, still behind the system's own high-priority threads. */
export const STAMPING_NICENESS = -10;

/**
 * Raises the calling thread's priority to `niceness` (Linux applies `setpriority` of pid 0 to the calling
 * thread only, so the rest of the process keeps its priority). Returns undefined on success, else why not
 * (raising a priority needs CAP_SYS_NICE or a matching RLIMIT_NICE); the thread then runs at its normal
 * priority and its stamps are as good as the machine's load allows.
 */
export function raiseThreadPriority(niceness = STAMPING_NICENESS): string | undefined {
  if (process.platform !== 'linux') return `per-thread priority is Linux only (this is ${process.platform})`;
  try {
    setPriority(0, Math.max(niceness, constants.priority.PRIORITY_HIGHEST));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
