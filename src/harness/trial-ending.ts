/**
 * How a task trial ends: the one {@link Ended} thrown from wherever an ending is decided, and
 * {@link TrialEndings}, which owns the trial's signal (the run's cancel or the trial's own deadline) and turns
 * any error into the ending it gives.
 */
import { Tau2EvaluationError } from '../domains/tau2/evaluate/evaluate.js';
import { LlmError } from '../llm/errors.js';
import { composeMessage, setting } from '../util/errors.js';
import { JudgeFormatError } from './evaluator.js';
import type { TerminationReason } from './orchestrator.js';

/** Who made a call that failed, and so which ending its failure gives. */
export type Caller = 'agent' | 'user' | 'expert' | 'evaluator';

const CALLER_ENDING: Record<Caller, TerminationReason> = {
  agent: 'agent_error',
  user: 'user_error',
  expert: 'expert_error',
  evaluator: 'evaluator_error',
};

/** The end of a trial, thrown from wherever it is decided and caught once, in `runTrial`. */
export class Ended extends Error {
  constructor(
    readonly reason: TerminationReason,
    message?: string,
    readonly errorType?: string,
  ) {
    super(message ?? reason);
  }
}

/**
 * One signal for every call of a trial, aborted by the run's cancel or by the trial's deadline, and the one
 * decision of how an error ends the trial. {@link dispose} once the trial is over: it stops the deadline and
 * stops listening to the run.
 */
export class TrialEndings {
  private readonly controller = new AbortController();
  private timedOut = false;
  private readonly deadline: ReturnType<typeof setTimeout> | undefined;
  private readonly onRunAbort = () => this.controller.abort();

  /**
   * @param run - the run's cancel, if any.
   * @param timeoutMs - the trial's wall-clock limit (0: none), counted from now.
   */
  constructor(
    private readonly run: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {
    if (run?.aborted) this.controller.abort();
    run?.addEventListener('abort', this.onRunAbort, { once: true });
    this.deadline =
      timeoutMs > 0
        ? setTimeout(() => {
            this.timedOut = true;
            this.controller.abort();
          }, timeoutMs)
        : undefined;
  }

  /** Aborted when the run is cancelled or the trial runs past its deadline. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The ending of a trial whose signal fired. */
  interrupted(): Ended {
    if (!this.timedOut) return new Ended('cancelled');
    // A trial's result is library output: the limit is named as the setting (the CLI's flag is --task-timeout).
    const limit = ['the trial ran longer than ', setting('taskTimeout'), ` (${this.timeoutMs / 1000} s)`];
    return new Ended('timeout', composeMessage(limit));
  }

  /** The ending an error thrown by `caller`'s work gives. */
  of(err: unknown, caller: Caller): Ended {
    if (err instanceof Ended) return err;
    if (this.signal.aborted) return this.interrupted();
    if (err instanceof LlmError) return new Ended(CALLER_ENDING[caller], err.message, err.errorType);
    if (err instanceof JudgeFormatError) return new Ended('evaluator_error', err.message, 'judge_format');
    // Where tau2's evaluation raises (a judge answer that is not its JSON, an env assertion that raises).
    if (err instanceof Tau2EvaluationError)
      return new Ended('evaluator_error', `${err.pyType}: ${err.message}`, 'tau2_evaluation');
    const e = err instanceof Error ? err : new Error(String(err));
    return new Ended('harness_error', `${e.name}: ${e.message}`, e.name);
  }

  /** Stops the deadline and the listening to the run's cancel. */
  dispose(): void {
    clearTimeout(this.deadline);
    this.run?.removeEventListener('abort', this.onRunAbort);
  }
}
