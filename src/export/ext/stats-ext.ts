/**
 * `<prefix>_stats_ext.json`: what the legacy stats leave out, in a file of its own so the legacy one stays
 * exact. For the seven legacy metrics, for the duration of every `tau2.kind` (the user simulator, the judge,
 * steps and tasks too) and for the server's side of each kind of LLM call (queue, prefill, decode from its
 * `llm_request` spans): n, mean, sample std, min, p50/p90/p95/p99 and max, overall and per model and per
 * domain. Percentiles interpolate linearly between order statistics (numpy's default method). `server_spans`
 * says how many calls had the server's span, and plainly when none had. `prefix_cache` gives each kind of
 * LLM call's prefix-cache hit rate (analyze/cache.ts): cached over prompt tokens of the calls whose server
 * reported its cached tokens.
 */
import { CacheTally } from '../../analyze/cache.js';
import type { ServerSpans } from '../../analyze/metrics.js';
import { Float64Buffer } from '../legacy/parse.js';

/** One group of values (a legacy metric or a kind's durations), overall and broken down. */
interface Group {
  unit: 'ms' | 'tok';
  all: Float64Buffer;
  byModel: Map<string, Float64Buffer>;
  byDomain: Map<string, Float64Buffer>;
}

/** Summary of one set of values. */
export interface ExtSummary {
  n: number;
  mean: number;
  std: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Appends `value` to the buffer of `key` (none when the key is unknown), creating it on first use. */
function pushTo(m: Map<string, Float64Buffer>, key: string | undefined, value: number): void {
  if (key === undefined) return;
  let b = m.get(key);
  if (!b) {
    b = new Float64Buffer();
    m.set(key, b);
  }
  b.push(value);
}

/** The values collected from spans or logs, by section (`metrics`, `kinds`) and name. */
export class ExtCollector {
  readonly sections = {
    metrics: new Map<string, Group>(),
    kinds: new Map<string, Group>(),
    server: new Map<string, Group>(),
  };
  /** Whether the server's spans were there; set by the span reader (legacy logs have none). */
  serverSpans: ServerSpans | undefined;
  /** Prompt and cached tokens of LLM calls by kind; only spans say (legacy logs have no cached tokens). */
  readonly cache = new CacheTally();

  /** Adds one value; non-finite and negative values are left out (they are not durations or counts). */
  add(
    section: keyof ExtCollector['sections'],
    name: string,
    unit: 'ms' | 'tok',
    value: number,
    model: string | undefined,
    domain: string | undefined,
  ): void {
    if (!Number.isFinite(value) || value < 0) return;
    const groups = this.sections[section];
    let g = groups.get(name);
    if (!g) {
      g = { unit, all: new Float64Buffer(), byModel: new Map(), byDomain: new Map() };
      groups.set(name, g);
    }
    g.all.push(value);
    pushTo(g.byModel, model, value);
    pushTo(g.byDomain, domain, value);
  }

  /** The values of one group, or an empty array. */
  values(section: keyof ExtCollector['sections'], name: string): Float64Array {
    return this.sections[section].get(name)?.all.values() ?? new Float64Array(0);
  }
}

/** The `q`-quantile (0…1) of sorted values: the project's one definition (util/quantile.ts), kept under this name. */
import { quantileSorted as quantile } from '../../util/quantile.js';

export { quantile };

/** Summary of `values` (not modified), or null when there are none. */
export function summarizeExt(values: Float64Array): ExtSummary | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) ** 2;
  return {
    n,
    mean,
    std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0,
    min: sorted[0]!,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[n - 1]!,
  };
}

const sortedEntries = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

function groupJson(g: Group) {
  const by = (m: Map<string, Float64Buffer>) =>
    Object.fromEntries(sortedEntries(m).map(([k, b]) => [k, summarizeExt(b.values())]));
  return {
    unit: g.unit,
    all: summarizeExt(g.all.values()),
    by_model: by(g.byModel),
    by_domain: by(g.byDomain),
  };
}

/** What stats_ext says of an input without server spans to read (legacy logs). */
const NO_SERVER_SPANS: ServerSpans = {
  calls: 0,
  served: 0,
  state: 'absent',
  note: 'legacy logs hold no server spans: queue and server prefill are unknown; the legacy prefill includes the time queued',
};

/**
 * The stats_ext document. `metricOrder` fixes the order of the legacy metrics (all of them appear, `all: null`
 * when empty); kinds appear in `kindOrder` when they have values, and so do server figures
 * (`<kind>.queue|prefill|decode`, ms).
 */
export function statsExtJson(
  c: ExtCollector,
  info: { source: string; generator: string },
  metricOrder: readonly { name: string; unit: 'ms' | 'tok' }[],
  kindOrder: readonly string[],
): string {
  const empty = (unit: 'ms' | 'tok'): Group => ({
    unit,
    all: new Float64Buffer(),
    byModel: new Map(),
    byDomain: new Map(),
  });
  const doc = {
    generator: info.generator,
    source: info.source,
    percentiles: 'linear interpolation between order statistics (numpy default)',
    metrics: Object.fromEntries(
      metricOrder.map((m) => [m.name, groupJson(c.sections.metrics.get(m.name) ?? empty(m.unit))]),
    ),
    kinds: Object.fromEntries(
      kindOrder.flatMap((k) => {
        const g = c.sections.kinds.get(k);
        return g ? [[k, groupJson(g)]] : [];
      }),
    ),
    server_spans: c.serverSpans ?? NO_SERVER_SPANS,
    server: Object.fromEntries(
      kindOrder.flatMap((k) =>
        ['queue', 'prefill', 'decode'].flatMap((phase) => {
          const g = c.sections.server.get(`${k}.${phase}`);
          return g ? [[`${k}.${phase}`, groupJson(g)]] : [];
        }),
      ),
    ),
    prefix_cache: Object.fromEntries(
      c.cache.byKind(kindOrder).map(([k, u]) => [
        k,
        {
          calls: u.calls,
          reported: u.reported,
          input_tokens: u.inputTokens,
          cached_tokens: u.cachedTokens,
          hit_rate: u.hitRate,
        },
      ]),
    ),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
