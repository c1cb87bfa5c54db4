import { CacheTally } from '../analyze/cache.js';
import type { ChatResult } from '../llm/client.js';
import type { LlmKind } from '../telemetry/names.js';
import { quantile } from '../util/quantile.js';
import type { TrialResult } from './orchestrator.js';

interface KindStats {
  calls: number;
  ttft: number[];
  decode: number[];
  duration: number[];
  inputTokens: number;
  outputTokens: number;
}

/** Live figures for the progress bar and the closing summary. */
export interface RunStats {
  onLlmCall(kind: LlmKind, r: ChatResult): void;
  onTrial(r: TrialResult): void;
  /** Agent (llm_call) TTFT quantiles so far. */
  agentTtft(): { p50: number | undefined; p95: number | undefined };
  byKind(): Map<LlmKind, KindStats>;
  /** Prompt and cached tokens by kind, for the prefix-cache hit rate (analyze/cache.ts). */
  cache(): CacheTally;
  trials(): TrialResult[];
}

export function createRunStats(): RunStats {
  const kinds = new Map<LlmKind, KindStats>();
  const trials: TrialResult[] = [];
  const cache = new CacheTally();
  return {
    onLlmCall(kind, r) {
      let s = kinds.get(kind);
      if (!s) {
        s = { calls: 0, ttft: [], decode: [], duration: [], inputTokens: 0, outputTokens: 0 };
        kinds.set(kind, s);
      }
      s.calls++;
      if (r.ttftMs !== undefined) s.ttft.push(r.ttftMs);
      if (r.decodeMs !== undefined) s.decode.push(r.decodeMs);
      s.duration.push(r.inferMs);
      s.inputTokens += r.inputTokens;
      s.outputTokens += r.outputTokens;
      cache.add(kind, r.inputTokens, r.cachedInputTokens);
    },
    onTrial(r) {
      trials.push(r);
    },
    agentTtft() {
      const t = kinds.get('llm_call')?.ttft ?? [];
      return { p50: quantile(t, 0.5), p95: quantile(t, 0.95) };
    },
    byKind: () => kinds,
    cache: () => cache,
    trials: () => trials,
  };
}
