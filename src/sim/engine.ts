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
 *
 * With prefix caching on (prefix-cache.ts), a sequence looks its prompt's blocks up when it is scheduled and
 * prefills only the tokens past its cached prefix; its blocks are cached once its prefill completes.
 */
import { PrefixCache } from './prefix-cache.js';

/** Parameters of the timing model (milliseconds, before `timeScale`). */
export interface EngineConfig {
  maxNumSeqs: number;
  maxBatchedTokens: number;
  prefillPerTokenMs: number;
  stepBaseMs: number;
  decodePerSeqMs: number;
  /** Multiplies every duration: 0.1 runs ten times faster than the model says. */
  timeScale: number;
  /** Keep a prefix cache (vLLM's automatic prefix caching, on by default as there). */
  prefixCaching: boolean;
  /** Tokens per cache block (vLLM's `--block-size`). */
  blockSize: number;
  /** Blocks the prefix cache holds before it evicts the least recently used. */
  cacheBlocks: number;
}

export const defaultEngineConfig: EngineConfig = {
  maxNumSeqs: 16,
  maxBatchedTokens: 2048,
  prefillPerTokenMs: 0.04,
  stepBaseMs: 6,
  decodePerSeqMs: 0.25,
  timeScale: 1,
  prefixCaching: true,
  blockSize: 16,
  cacheBlocks: 16384,
};

/** Notifications for one sequence; times are `performance.now()` milliseconds. */
export interface SequenceEvents {
  /** Left the waiting queue (first scheduled) with `cachedTokens` of its prompt found in the prefix cache. */
  onScheduled?(now: number, cachedTokens: number): void;
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
  /** Tokens per prefix-cache block; 0 without a prefix cache (the blocks of a prompt are then not needed). */
  readonly blockSize: number;
  /** Blocks the prefix cache holds now (0 without one). */
  cachedBlocks(): number;
  /** `blocks`: the chained hashes of the prompt's full blocks (prefix-cache.ts), for the prefix cache. */
  submit(
    promptTokens: number,
    outputTokens: number,
    events: SequenceEvents,
    blocks?: readonly string[],
  ): SequenceHandle;
  gauges(): EngineGauges;
  close(): void;
}

interface Sequence {
  promptTokens: number;
  blocks: readonly string[];
  promptLeft: number;
  outputTokens: number;
  produced: number;
  events: SequenceEvents;
  cancelled: boolean;
}

/** Creates an engine whose loop runs on timers only while there is work. */
export function createEngine(config: EngineConfig = defaultEngineConfig): Engine {
  return new BatchingEngine(config);
}

/** What one step does: the sequences that get a token from it, and how long it takes. */
interface Step {
  decoding: Sequence[];
  prefillDone: Sequence[];
  ms: number;
}

class BatchingEngine implements Engine {
  private readonly waiting: Sequence[] = [];
  private readonly running: Sequence[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  // Planned end of the current step: the next step starts there (or now, if the timer fired late), so
  // timer jitter does not accumulate into the model's clock.
  private clock = 0;
  private readonly cache: PrefixCache | undefined;
  readonly blockSize: number;

  constructor(private readonly config: EngineConfig) {
    if (config.prefixCaching) this.cache = new PrefixCache(config.blockSize, config.cacheBlocks);
    this.blockSize = this.cache ? config.blockSize : 0;
  }

  cachedBlocks(): number {
    return this.cache?.size ?? 0;
  }

  submit(
    promptTokens: number,
    outputTokens: number,
    events: SequenceEvents,
    blocks: readonly string[] = [],
  ): SequenceHandle {
    const prompt = Math.max(1, Math.round(promptTokens));
    const seq: Sequence = {
      promptTokens: prompt,
      blocks,
      promptLeft: prompt,
      outputTokens: Math.max(1, Math.round(outputTokens)),
      produced: 0,
      events,
      cancelled: false,
    };
    this.waiting.push(seq);
    this.planStep();
    return {
      cancel() {
        seq.cancelled = true;
      },
    };
  }

  gauges(): EngineGauges {
    return { running: this.running.filter((s) => !s.cancelled).length, waiting: this.waiting.length };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private admit(now: number): void {
    while (this.running.length < this.config.maxNumSeqs && this.waiting.length > 0) {
      const seq = this.waiting.shift()!;
      if (seq.cancelled) continue;
      const cached = this.cache?.match(seq.blocks, seq.promptTokens) ?? 0;
      seq.promptLeft -= cached;
      this.running.push(seq);
      seq.events.onScheduled?.(now, cached);
    }
  }

  /** Starts the next step unless one is under way, the engine is closed or idle. */
  private planStep(): void {
    if (this.closed || this.timer) return;
    const now = performance.now();
    this.admit(now);
    if (this.running.length === 0) return;
    const step = this.nextStep();
    const start = Math.max(this.clock, now);
    this.clock = start + step.ms;
    this.timer = setTimeout(() => this.finishStep(step), Math.max(0, this.clock - now));
  }

  /** Spends one step's token budget: a token for every decoding sequence, the rest on prompts (chunked). */
  private nextStep(): Step {
    const config = this.config;
    let budget = config.maxBatchedTokens;
    const decoding: Sequence[] = [];
    const prefillDone: Sequence[] = [];
    for (const seq of this.running) {
      if (seq.promptLeft === 0) {
        decoding.push(seq);
        budget--;
      }
    }
    let prefillTokens = 0;
    for (const seq of this.running) {
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
    return { decoding, prefillDone, ms };
  }

  private finishStep({ decoding, prefillDone }: Step): void {
    this.timer = undefined;
    const now = performance.now();
    // The first token of a sequence comes out of the step that completed its prefill.
    for (const seq of prefillDone) this.cache?.insert(seq.blocks);
    for (const seq of [...decoding, ...prefillDone]) {
      if (seq.cancelled) continue;
      seq.events.onToken(seq.produced, now);
      seq.produced++;
      if (seq.produced >= seq.outputTokens) {
        seq.cancelled = true;
        seq.events.onFinished(now);
      }
    }
    const running = this.running;
    for (let i = running.length - 1; i >= 0; i--) if (running[i]!.cancelled) running.splice(i, 1);
    this.planStep();
  }
}
