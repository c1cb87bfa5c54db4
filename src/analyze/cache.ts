/**
 * The prefix-cache hit rate of a run's LLM calls, per kind: cached prompt tokens over prompt tokens, counted
 * over the calls whose server reported its cached tokens (`usage.prompt_tokens_details.cached_tokens`, on
 * the call span as `gen_ai.usage.cache_read.input_tokens`). Calls of a server that does not report them are
 * left out of both sides, so a server that never says reads as "unknown", not as a cache that always misses.
 * stats_ext, the run's closing summary and the report all take the rate from here.
 */

/** Prompt tokens and cache hits of one kind of LLM call. */
export interface CacheUse {
  /** LLM calls seen. */
  calls: number;
  /** Calls whose server reported cached tokens. */
  reported: number;
  /** Prompt tokens of the reporting calls. */
  inputTokens: number;
  /** Prompt tokens the reporting calls' servers served from their prefix cache. */
  cachedTokens: number;
  /** cachedTokens / inputTokens; null when no call reported (or they had no prompt tokens). */
  hitRate: number | null;
}

const finite = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/** Tallies calls by kind; {@link CacheTally.byKind} gives the figures. */
export class CacheTally {
  private readonly kinds = new Map<string, CacheUse>();

  /** One call: its prompt tokens and cached tokens as read (anything but a count means "not reported"). */
  add(kind: string, inputTokens: unknown, cachedTokens: unknown): void {
    let use = this.kinds.get(kind);
    if (!use) {
      use = { calls: 0, reported: 0, inputTokens: 0, cachedTokens: 0, hitRate: null };
      this.kinds.set(kind, use);
    }
    use.calls++;
    const cached = finite(cachedTokens);
    const input = finite(inputTokens);
    if (cached === undefined || input === undefined) return;
    use.reported++;
    use.inputTokens += input;
    // A server never serves more from its cache than the prompt has; clamp a wrong report.
    use.cachedTokens += Math.min(cached, input);
    use.hitRate = use.inputTokens > 0 ? use.cachedTokens / use.inputTokens : null;
  }

  /** The figures of `kind`, if any call of it was seen. */
  get(kind: string): CacheUse | undefined {
    return this.kinds.get(kind);
  }

  /** The kinds seen, in `order` (kinds not in it are left out). */
  byKind(order: readonly string[]): [string, CacheUse][] {
    return order.flatMap((k) => {
      const use = this.kinds.get(k);
      return use ? [[k, { ...use }] as [string, CacheUse]] : [];
    });
  }
}

/** A hit rate as a percentage for tables, '-' when unknown. */
export function formatHitRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '-' : `${(rate * 100).toFixed(1)}%`;
}
