/**
 * Scheduling priority of the calling thread. The threads that stamp wire times (the LLM client's I/O threads,
 * the simulator's HTTP thread) do little work but must run the moment a socket is readable: on a busy
 * machine the kernel otherwise lets them wait behind the harness's own main thread and everyone else's
 * processes for a time slice (several milliseconds), and the stamp takes that wait in.
 *
 * `TAU2_TRACE_STAMP_PRIORITY` chooses how far to go:
 * - `realtime` (opt-in): the real-time policy SCHED_RR at the lowest real-time priority, which runs the
 *   thread ahead of every ordinary thread the moment it wakes. Node cannot call sched_setscheduler, so
 *   util-linux's `chrt` sets it on the thread's id, once, when the thread starts. Needs CAP_SYS_NICE or an
 *   RLIMIT_RTPRIO of at least 1; otherwise the thread falls back to `nice`. The kernel keeps a share of
 *   every second for ordinary threads (sched_rt_runtime_us, 95 % by default), so a real-time thread that
 *   went wrong could not freeze the machine.
 * - `nice` (the default): niceness −10, for a larger share of the core and earlier wake-ups, still behind
 *   real-time threads. Needs CAP_SYS_NICE or a matching RLIMIT_NICE; otherwise the thread runs at normal
 *   priority.
 * - `normal`: leave the thread as it is.
 *
 * Measured with `bench:ttft` at concurrency 48 on a 2-core VM, in alternating pairs (README, Decisions):
 * |error| p90 0.56–0.68 ms with `realtime` against 1.66–2.36 ms with `nice`, p99 per rep median 3.0 ms
 * against 5.0 ms; against packet stamps on the wire, p99 per rep median 1.1 ms (14 reps) against 2.8 ms (9).
 * It is not the default: with it, the CI stack test's unchanged control run came out 1.6x
 * slower than its baseline three times running (two harnesses and two simulators on 2 cores, whose
 * real-time threads take the CPU first), and the cause is not understood yet.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { UsageError } from './errors.js';

/** The niceness asked for by `nice`: well ahead of ordinary work, behind the system's own high-priority threads. */
export const STAMPING_NICENESS = -10;
/** The real-time priority asked for by `realtime`: the lowest, behind any real-time thread of the system's. */
export const STAMPING_RT_PRIORITY = 1;

export const STAMP_PRIORITIES = ['realtime', 'nice', 'normal'] as const;
export type StampPriority = (typeof STAMP_PRIORITIES)[number];

/** What the calling thread got, and why not more when it asked for more. */
export interface PriorityOutcome {
  got: StampPriority;
  /** Why each higher level was refused, in the order tried. */
  refused: string[];
}

/** The level `TAU2_TRACE_STAMP_PRIORITY` asks for; an unknown value is an error naming it. */
export function requestedPriority(env: NodeJS.ProcessEnv = process.env): StampPriority {
  const v = env.TAU2_TRACE_STAMP_PRIORITY;
  if (v === undefined || v === '') return 'nice';
  if ((STAMP_PRIORITIES as readonly string[]).includes(v)) return v as StampPriority;
  throw new UsageError(`TAU2_TRACE_STAMP_PRIORITY must be one of ${STAMP_PRIORITIES.join(', ')}, not '${v}'`);
}

/**
 * Raises the calling thread's priority as far as `wanted` and the OS allow (Linux; elsewhere nothing
 * changes). Linux applies both `chrt -p` on a thread id and `setpriority` of pid 0 to that one thread, so
 * the rest of the process keeps its priority.
 */
export function raiseThreadPriority(wanted: StampPriority = requestedPriority()): PriorityOutcome {
  const refused: string[] = [];
  if (wanted === 'normal') return { got: 'normal', refused };
  if (process.platform !== 'linux') {
    return { got: 'normal', refused: [`per-thread priority is Linux only (this is ${process.platform})`] };
  }
  if (wanted === 'realtime') {
    try {
      const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
      execFileSync('chrt', ['--rr', '--pid', String(STAMPING_RT_PRIORITY), tid], { stdio: 'pipe' });
      return { got: 'realtime', refused };
    } catch (err) {
      refused.push(`realtime: ${chrtError(err)}`);
    }
  }
  try {
    setPriority(0, Math.max(STAMPING_NICENESS, constants.priority.PRIORITY_HIGHEST));
    return { got: 'nice', refused };
  } catch (err) {
    refused.push(`nice: ${(err as Error).message}`);
    return { got: 'normal', refused };
  }
}

/** The reason `chrt` failed: its own message when it ran (usually "Operation not permitted"). */
function chrtError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
  if (e.code === 'ENOENT') return 'chrt (util-linux) is not installed';
  const said = e.stderr?.toString().trim().split('\n').pop();
  return said || e.message;
}

/** One line saying what a stamping thread got, for people reading a benchmark or a log. */
export function describePriority(o: PriorityOutcome): string {
  const got =
    o.got === 'realtime'
      ? `real-time (SCHED_RR ${STAMPING_RT_PRIORITY})`
      : o.got === 'nice'
        ? `raised (nice ${STAMPING_NICENESS})`
        : 'normal';
  return o.refused.length ? `${got}; refused: ${o.refused.join('; ')}` : got;
}
