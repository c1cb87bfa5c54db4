/**
 * Which version of the GenAI semantic conventions the harness emits, chosen as the conventions' transition plan
 * says (the "Existing GenAI instrumentations" note of semantic-conventions v1.41 docs/gen-ai/gen-ai-metrics.md,
 * carried over into semantic-conventions-genai's docs/gen-ai/gen-ai-spans.md): an instrumentation keeps emitting
 * the names it emitted by default, and `OTEL_SEMCONV_STABILITY_OPT_IN`, "a comma-separated list of
 * category-specific values", switches to the latest names when it contains `gen_ai_latest_experimental`, which
 * means: emit the latest experimental version and do not emit the old one. The GenAI plan defines no
 * `gen_ai_…/dup` value (unlike `http/dup` of the HTTP migration), so nothing here emits both; dashboards and
 * alert rules read either name instead (src/grafana/metrics.ts, prometheus/rules/).
 */

/** The environment variable the conventions name. */
export const SEMCONV_OPT_IN_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';

/** The opt-in value for the latest GenAI conventions. */
export const GEN_AI_LATEST_OPT_IN = 'gen_ai_latest_experimental';

/**
 * `v1.41`: the names the harness has always emitted (semantic-conventions v1.41, DESIGN.md's span contract);
 * `latest`: semantic-conventions-genai v0.1.0 (names.ts, {@link LatestMetricName}).
 */
export type GenAiConvention = 'v1.41' | 'latest';

/** What {@link genAiConventionOf} read: the convention, and opt-in values it did not understand. */
export interface GenAiConventionChoice {
  convention: GenAiConvention;
  /** `gen_ai_*` values other than the one defined, e.g. `gen_ai_latest_experimental/dup`: ignored. */
  ignored: string[];
}

/**
 * The convention `OTEL_SEMCONV_STABILITY_OPT_IN` asks for. The value is split on commas and each entry trimmed
 * (other categories, such as `http` or `database/dup`, may share the list); an entry must equal
 * `gen_ai_latest_experimental` exactly, as the conventions spell it.
 */
export function genAiConventionOf(value: string | undefined): GenAiConventionChoice {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const latest = entries.includes(GEN_AI_LATEST_OPT_IN);
  return {
    convention: latest ? 'latest' : 'v1.41',
    ignored: entries.filter((e) => e.startsWith('gen_ai') && e !== GEN_AI_LATEST_OPT_IN),
  };
}

/** The convention the process environment asks for. */
export function genAiConvention(env: NodeJS.ProcessEnv = process.env): GenAiConvention {
  return genAiConventionOf(env[SEMCONV_OPT_IN_ENV]).convention;
}
