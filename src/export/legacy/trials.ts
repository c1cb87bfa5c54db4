/**
 * Rebuilds task trials from one legacy log's records. The legacy logger wrote one line per finished event and
 * no trial boundary, so trials are inferred:
 * - a trial is the run of lines of one `task=` on one `thread=` (a pool thread runs one task at a time);
 * - a thread that logs another task has finished its previous one;
 * - a task id that reappears on its thread after that trial's `evaluator` line is a new trial; further
 *   evaluator lines, and the `step_complete` of a step not yet completed (the evaluation step that
 *   `tau2-trace logs` writes), still belong to the evaluated trial;
 * - task ids repeat across domains: each log file (domain) is rebuilt on its own.
 */
import { type LegacyRecord, numberField, tooLargeField } from './records.js';

/** Event types of the legacy logger that become spans. */
export const CALL_TYPES = ['llm_call', 'expert_call', 'tool_call', 'user_sim', 'evaluator'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** One usable line: a call or a finished step, with its time span. */
export interface TrialEvent {
  type: CallType | 'step_complete';
  record: LegacyRecord;
  startNs: bigint;
  endNs: bigint;
}

/** One rebuilt task trial of a domain. */
export interface Trial {
  domain: string;
  taskId: string;
  thread: string;
  /** 0-based: the how-many-th trial of this task id in this domain. */
  index: number;
  events: TrialEvent[];
}

/** The time a trial spans: its earliest start and latest end, epoch nanoseconds. */
export function trialExtent(trial: Trial): { startNs: bigint; endNs: bigint } {
  let startNs = trial.events[0]!.startNs;
  let endNs = trial.events[0]!.endNs;
  for (const e of trial.events) {
    if (e.startNs < startNs) startNs = e.startNs;
    if (e.endNs > endNs) endNs = e.endNs;
  }
  return { startNs, endNs };
}

/** Why a line was not used (for the report on stderr). */
export type Rejection =
  | 'unreadable timestamp or level'
  | 'no task= or thread='
  | 'unknown type='
  | 'no duration'
  | 'number out of range';

/**
 * Feeds records of one file in order; finished trials come out through `onTrial` (in the order they end).
 * Call {@link TrialBuilder.end} after the last record.
 */
export class TrialBuilder {
  private readonly open = new Map<string, Trial & { evaluated: boolean; completed: Set<string> }>();
  private readonly seen = new Map<string, number>();
  private lastMs = -1n;
  private sameMs = 0n;

  constructor(
    private readonly domain: string,
    private readonly onTrial: (trial: Trial) => void,
  ) {}

  /** Adds one record; returns why it was rejected, or undefined when it was used. */
  add(r: LegacyRecord): Rejection | undefined {
    const task = r.fields.get('task');
    const thread = r.fields.get('thread');
    const type = r.fields.get('type');
    if (!task || !thread) return 'no task= or thread=';
    if (type !== 'step_complete' && !CALL_TYPES.includes(type as CallType)) return 'unknown type=';
    // Digits beyond a double, or a duration reaching back before 1970: a corrupt line, not a measurement.
    if (tooLargeField(r) !== undefined) return 'number out of range';
    const duration = numberField(r, type === 'step_complete' ? 'total_duration_ms' : 'duration_ms');
    if (duration === undefined) return 'no duration';
    const durationNs = BigInt(Math.round(duration * 1e6));
    if (durationNs > r.timeNs) return 'number out of range';

    // Lines that share a millisecond keep their order through nanosecond offsets: readers that order events
    // by time (and sum floats in that order) then see the file's order, which the timestamp format truncated.
    const ms = r.timeNs / 1_000_000n;
    this.sameMs = ms === this.lastMs ? this.sameMs + 1n : 0n;
    this.lastMs = ms;
    const endNs = r.timeNs + this.sameMs;
    const event: TrialEvent = {
      type: type as TrialEvent['type'],
      record: r,
      endNs,
      startNs: endNs - durationNs,
    };

    let trial = this.open.get(thread);
    const step = r.fields.get('step') ?? '';
    const afterEvaluation = type === 'evaluator' || (type === 'step_complete' && !trial?.completed.has(step));
    if (trial && (trial.taskId !== task || (trial.evaluated && !afterEvaluation))) {
      this.finish(thread);
      trial = undefined;
    }
    if (!trial) {
      const index = this.seen.get(task) ?? 0;
      this.seen.set(task, index + 1);
      trial = {
        domain: this.domain,
        taskId: task,
        thread,
        index,
        events: [],
        evaluated: false,
        completed: new Set(),
      };
      this.open.set(thread, trial);
    }
    trial.events.push(event);
    if (type === 'evaluator') trial.evaluated = true;
    if (type === 'step_complete') trial.completed.add(step);
    return undefined;
  }

  /** Finishes every open trial (end of file), in the order they started. */
  end(): void {
    const byStart = [...this.open.entries()].sort(([, a], [, b]) =>
      a.events[0]!.record.line < b.events[0]!.record.line ? -1 : 1,
    );
    for (const [thread] of byStart) this.finish(thread);
  }

  private finish(thread: string): void {
    const trial = this.open.get(thread);
    if (!trial) return;
    this.open.delete(thread);
    const { evaluated: _e, completed: _c, ...done } = trial;
    this.onTrial(done);
  }
}
