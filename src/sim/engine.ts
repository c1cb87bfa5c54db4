/**
 * The timing model of the simulated server: continuous batching as vLLM's scheduler does it, played in real
 * time. At most `maxNumSeqs` sequences run; the rest wait in FIFO order. Every engine step spends a token
 * budget (`maxBatchedTokens`): each decoding sequence takes one token, the remainder goes to prompt chunks of
 * sequences still in prefill (chunked prefill). A step lasts
 *
 *   stepBaseMs + decodePerSeqMs × decoding sequences + prefillPerTokenMs × prompt tokens in this step
 *
 * so decode slows as the batch grows and a long prompt stalls everyone's next token, as on a real GPU.
 * A sequence's first token comes out at the end of the step that finishes its prefill.
 */

/** Parameters of the timing model (milliseconds, before `timeScale`). */
export interface EngineConfig {
  maxNumSeqs: number;
  maxBatchedTokens: number;
  prefillPerTokenMs: number;
  stepBaseMs: number;
  decodePerSeqMs: number;
  /** Multiplies every duration: 0.1 runs ten times faster than the model says. */
  timeScale: number;
}

export const defaultEngineConfig: EngineConfig = {
  maxNumSeqs: 16,
  maxBatchedTokens: 2048,
  prefillPerTokenMs: 0.04,
  stepBaseMs: 6,
  decodePerSeqMs: 0.25,
  timeScale: 1,
};

/** Notifications for one sequence; times are `performance.now()` milliseconds. */
export interface SequenceEvents {
  /** Left the waiting queue (first scheduled). */
  onScheduled?(now: number): void;
  /** Token `index` (0-based) was produced; the last one is followed by `onFinished`. */
  onToken(index: number, now: number): void;
  onFinished(now: number): void;
}

/** A submitted sequence; `cancel()` frees its slot (client went away). */
export interface SequenceHandle {
  cancel(): void;
}

/** Counters the server exports as vLLM metrics. */
export interface EngineGauges {
  running: number;
  waiting: number;
}

/** The engine: submit sequences, read gauges, close to stop the loop. */
export interface Engine {
  submit(promptTokens: number, outputTokens: number, events: SequenceEvents): SequenceHandle;
  gauges(): EngineGauges;
  close(): void;
}

interface Sequence {
  promptLeft: number;
  outputTokens: number;
  produced: number;
  events: SequenceEvents;
  cancelled: boolean;
}

/** Creates an engine whose loop runs on timers only while there is work. */
export function createEngine(config: EngineConfig = defaultEngineConfig): Engine {
  const waiting: Sequence[] = [];
  const running: Sequence[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Planned end of the current step: the next step starts there (or now, if the timer fired late), so
  // timer jitter does not accumulate into the model's clock.
  let clock = 0;

  function admit(now: number): void {
    while (running.length < config.maxNumSeqs && waiting.length > 0) {
      const seq = waiting.shift()!;
      if (seq.cancelled) continue;
      running.push(seq);
      seq.events.onScheduled?.(now);
    }
  }

  function planStep(): void {
    if (closed || timer) return;
    const now = performance.now();
    admit(now);
    if (running.length === 0) return;
    let budget = config.maxBatchedTokens;
    const decoding: Sequence[] = [];
    const prefillDone: Sequence[] = [];
    for (const seq of running) {
      if (seq.promptLeft === 0) {
        decoding.push(seq);
        budget--;
      }
    }
    let prefillTokens = 0;
    for (const seq of running) {
      if (seq.promptLeft === 0 || budget <= 0) continue;
      const chunk = Math.min(seq.promptLeft, budget);
      seq.promptLeft -= chunk;
      budget -= chunk;
      prefillTokens += chunk;
      if (seq.promptLeft === 0) prefillDone.push(seq);
    }
    const ms =
      (config.stepBaseMs +
        config.decodePerSeqMs * decoding.length +
        config.prefillPerTokenMs * prefillTokens) *
      config.timeScale;
    const start = Math.max(clock, now);
    clock = start + ms;
    timer = setTimeout(() => finishStep(decoding, prefillDone), Math.max(0, clock - now));
  }

  function finishStep(decoding: Sequence[], prefillDone: Sequence[]): void {
    timer = undefined;
    const now = performance.now();
    // The first token of a sequence comes out of the step that completed its prefill.
    for (const seq of [...decoding, ...prefillDone]) {
      if (seq.cancelled) continue;
      seq.events.onToken(seq.produced, now);
      seq.produced++;
      if (seq.produced >= seq.outputTokens) {
        seq.cancelled = true;
        seq.events.onFinished(now);
      }
    }
    for (let i = running.length - 1; i >= 0; i--) if (running[i]!.cancelled) running.splice(i, 1);
    planStep();
  }

  return {
    submit(promptTokens, outputTokens, events) {
      const seq: Sequence = {
        promptLeft: Math.max(1, Math.round(promptTokens)),
        outputTokens: Math.max(1, Math.round(outputTokens)),
        produced: 0,
        events,
        cancelled: false,
      };
      waiting.push(seq);
      planStep();
      return {
        cancel() {
          seq.cancelled = true;
        },
      };
    },
    gauges() {
      return { running: running.filter((s) => !s.cancelled).length, waiting: waiting.length };
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
