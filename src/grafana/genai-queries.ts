/**
 * Token queries over either GenAI naming (metrics.ts). v1.41 keeps tokens in one histogram split by
 * `gen_ai.token.type`; the latest conventions count tokens spent in a counter per direction
 * (`gen_ai.client.inference.usage.*`) and tokens per call in a histogram per direction
 * (`gen_ai.client.inference.operation.*`), without `gen_ai.token.type`. `label_replace` gives the latest series
 * the token type their name stands for, so one `sum by (gen_ai_token_type, …)` reads runs of both namings.
 */
import { Histogram, Label, LatestCounter, LatestHistogram } from './metrics.js';
import { matcher, rate, sumBy } from './queries.js';

type TokenType = 'input' | 'output';

/** `expr` with `gen_ai_token_type="<type>"` added to each of its series. */
function typed(expr: string, type: TokenType): string {
  return `label_replace(${expr}, ${JSON.stringify(Label.tokenType)}, ${JSON.stringify(type)}, "", "")`;
}

/**
 * Tokens per second by `by` (which should hold the token type): v1.41's histogram sums, or the latest usage
 * counters, the instruments the conventions make for tokens spent.
 */
export function tokenRate(by: readonly string[], matchers: string[]): string {
  return sumBy(
    by,
    [
      rate(`${Histogram.tokenUsage}_sum`, matchers),
      typed(rate(LatestCounter.inputTokens, matchers), 'input'),
      typed(rate(LatestCounter.outputTokens, matchers), 'output'),
    ].join(' or '),
  );
}

/**
 * Mean tokens per answered call by `by`: v1.41's histogram, or the latest per-call histograms without the
 * failed calls, which the latest conventions record as 0 tokens with `error.type` (v1.41 did not record them).
 */
export function meanTokensPerCall(by: readonly string[], matchers: string[]): string {
  const answered = [...matchers, matcher(Label.errorType, '=', '')];
  const over = (suffix: '_sum' | '_count') =>
    sumBy(
      by,
      [
        rate(`${Histogram.tokenUsage}${suffix}`, matchers),
        typed(rate(`${LatestHistogram.inputTokensPerCall}${suffix}`, answered), 'input'),
        typed(rate(`${LatestHistogram.outputTokensPerCall}${suffix}`, answered), 'output'),
      ].join(' or '),
    );
  return `${over('_sum')} / ${over('_count')}`;
}
