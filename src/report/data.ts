/**
 * Everything a report shows, computed from a run's trials: the data the HTML page inlines as JSON. Whole-run
 * figures are aggregated here (attribution per domain and model, percentiles, load over time), so the page
 * gets one compact flame table per trial and otherwise only summaries, never raw samples.
 */
import {
  type Attribution,
  addBreakdown,
  attribute,
  type Breakdown,
  COMPONENT_LABELS,
  COMPONENTS,
  emptyBreakdown,
} from '../analyze/attribution.js';
import type { CacheUse } from '../analyze/cache.js';
import { type CostOptions, type ModelCost, type RunCost, runCost } from '../analyze/cost.js';
import {
  LLM_KINDS,
  runMetrics,
  type Summary,
  splitMetrics,
  summarize,
  valuesOf,
} from '../analyze/metrics.js';
import { type DomainRule, MAD_SCALE, SLOW_MIN_TRIALS, type SlowReport, slowTrials } from '../analyze/slow.js';
import type { Trial } from '../analyze/trials.js';
import { quantileSorted } from '../util/quantile.js';
import { type FlameData, flameOf, r2, StringTable } from './flame.js';
import { type Overview, overviewOf, type RunInfo } from './overview.js';
import { type LoadSeries, loadSeries, scanCalls, type TtftScatter, ttftScatter } from './series.js';

/** One row of the trials table. */
export interface TrialRow {
  key: string;
  domain: string;
  taskId: string;
  trial: number;
  traceId: string;
  reward: number | null;
  termination: string | null;
  error: string | null;
  /** Start, seconds from the run's start; wall time, ms. */
  startS: number;
  wallMs: number;
  /** Ms per component, in {@link COMPONENTS} order. */
  parts: number[];
  costUsd: number | null;
  /** Set when the trial is in its domain's tail: the component that made it slow and by how much. */
  slow: { cause: string; excessMs: number; thresholdMs: number } | null;
}

/** Attribution summed over a group of trials (a domain, a model, the run). */
export interface GroupParts {
  group: string;
  trials: number;
  /** Ms per component, in {@link COMPONENTS} order. */
  parts: number[];
}

/** The slow rule as applied to one domain (slow.ts's DomainRule; null: not judged). */
export type SlowDomainRow = Omit<DomainRule, 'thresholdMs'> & { thresholdMs: number | null };

/** One model's calls, tokens and cost (cost.ts's ModelCost; null: unpriced). */
export type CostModelRow = Omit<ModelCost, 'usd'> & { usd: number | null };

/** Percentiles of one latency metric for one (kind, model). */
export interface LatencyRow {
  metric: string;
  kind: string;
  model: string;
  summary: Summary;
  /** The 1st … 99th percentiles, for the distribution chart. */
  cdf: number[];
}

/** The prefix-cache hit rate of one LLM kind (analyze/cache.ts): null when its server reports no cached tokens. */
export type CacheRow = CacheUse & { kind: string };

/** The data of a report. */
export interface ReportData {
  generator: string;
  overview: Overview;
  components: { id: string; label: string }[];
  trials: TrialRow[];
  /** The flame rows of `trials[i]` at `flames[i]`; names in `strings`. */
  flames: FlameData[];
  strings: string[];
  attribution: { run: GroupParts; byDomain: GroupParts[]; byModel: GroupParts[] };
  slowRule: { k: number; madScale: number; minTrials: number; domains: SlowDomainRow[] };
  latency: { rows: LatencyRow[]; serverNote: string; serverState: string; cache: CacheRow[] };
  load: LoadSeries;
  ttft: TtftScatter[];
  cost: {
    source: string;
    date: string;
    totalUsd: number | null;
    gpuHourPrice: number | null;
    gpuUsd: number;
    models: CostModelRow[];
    unpriced: string[];
  };
}

/** Options of {@link reportData}. */
export interface ReportOptions extends CostOptions {
  /** k of the slow-task rule (slow.ts). */
  slowK?: number;
}

const partsOf = (b: Breakdown): number[] => COMPONENTS.map((c) => r2(b[c]));

/** Builds the report of a run's trials. */
export function reportData(
  trials: Trial[],
  run: RunInfo,
  generator: string,
  o: ReportOptions = {},
): ReportData {
  const attributions = trials.map((t) => attribute(t.root));
  const slow = slowTrials(
    trials.map((t, i) => ({ domain: t.domain, wallMs: t.wallMs, breakdown: attributions[i]!.total })),
    o.slowK,
  );
  const cost = runCost(trials, {
    ...(o.prices ? { prices: o.prices } : {}),
    ...(o.gpuHourPrice !== undefined ? { gpuHourPrice: o.gpuHourPrice } : {}),
  });
  const origin = trials.reduce((m, t) => (t.startNs < m ? t.startNs : m), trials[0]!.startNs);
  const scan = scanCalls(trials, origin);
  const overview = overviewOf(trials, run, scan.llmCalls);
  const strings = new StringTable();
  return {
    generator,
    overview,
    components: COMPONENTS.map((id) => ({ id, label: COMPONENT_LABELS[id] })),
    trials: trialRows(trials, attributions, slow, cost, origin),
    flames: trials.map((t) => flameOf(t.root, strings)),
    strings: strings.strings,
    attribution: groups(trials, attributions),
    slowRule: {
      k: slow.k,
      madScale: MAD_SCALE,
      minTrials: SLOW_MIN_TRIALS,
      domains: slow.rules.map((r) => ({
        ...r,
        medianMs: r2(r.medianMs),
        madMs: r2(r.madMs),
        thresholdMs: r.thresholdMs === undefined ? null : r2(r.thresholdMs),
      })),
    },
    latency: latency(trials, cost.trials),
    load: loadSeries(scan, overview.wallS),
    ttft: ttftScatter(scan),
    cost: {
      source: cost.source,
      date: cost.date,
      totalUsd: cost.totalUsd ?? null,
      gpuHourPrice: cost.gpuHourPrice ?? null,
      gpuUsd: cost.gpuUsd,
      models: cost.models.map((m) => ({ ...m, usd: m.usd ?? null })),
      unpriced: cost.unpriced,
    },
  };
}

/** The trials table's rows. */
function trialRows(
  trials: readonly Trial[],
  attributions: readonly Attribution[],
  slow: SlowReport,
  cost: RunCost,
  origin: bigint,
): TrialRow[] {
  const slowOf = new Map(slow.slow.map((s) => [s.index, s]));
  return trials.map((t, i): TrialRow => {
    const s = slowOf.get(i);
    return {
      key: t.key,
      domain: t.domain,
      taskId: t.taskId,
      trial: t.trial,
      traceId: t.traceId,
      reward: t.reward ?? null,
      termination: t.termination ?? null,
      error: t.error ?? null,
      startS: r2(Number(t.startNs - origin) / 1e9),
      wallMs: t.wallMs,
      parts: partsOf(attributions[i]!.total),
      costUsd: cost.trials.get(t.key) ?? null,
      slow: s ? { cause: s.cause, excessMs: r2(s.excessMs), thresholdMs: r2(s.thresholdMs) } : null,
    };
  });
}

/** Attribution summed over the run, per domain and per model. */
function groups(trials: readonly Trial[], attributions: readonly Attribution[]) {
  const run = emptyBreakdown();
  const domains = new Map<string, { b: Breakdown; n: number }>();
  const models = new Map<string, { b: Breakdown; trials: Set<number> }>();
  trials.forEach((t, i) => {
    const a = attributions[i]!;
    addBreakdown(run, a.total);
    let d = domains.get(t.domain);
    if (!d) {
      d = { b: emptyBreakdown(), n: 0 };
      domains.set(t.domain, d);
    }
    addBreakdown(d.b, a.total);
    d.n++;
    for (const [model, b] of a.byModel) {
      let m = models.get(model);
      if (!m) {
        m = { b: emptyBreakdown(), trials: new Set() };
        models.set(model, m);
      }
      addBreakdown(m.b, b);
      m.trials.add(i);
    }
  });
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    run: { group: 'run', trials: trials.length, parts: partsOf(run) },
    byDomain: sorted(domains).map(([group, d]) => ({ group, trials: d.n, parts: partsOf(d.b) })),
    byModel: sorted(models).map(([group, m]) => ({ group, trials: m.trials.size, parts: partsOf(m.b) })),
  };
}

/** The latency metrics the report shows, per LLM kind. */
const LATENCY_STATS = ['ttft', 'queue', 'prefill', 'decode', 'e2e'] as const;

/** Percentiles of each latency metric, per kind, over all models and per model. */
function latency(trials: readonly Trial[], costs: ReadonlyMap<string, number>): ReportData['latency'] {
  const { metrics, server, cache } = runMetrics(trials, costs);
  const wanted = new Set(LLM_KINDS.flatMap((k) => LATENCY_STATS.map((s) => `${k}.${s}`)));
  const base = metrics.filter((m) => wanted.has(m.name));
  const rows: LatencyRow[] = [];
  const push = (name: string, model: string, values: number[]) => {
    const summary = summarize(values);
    if (!summary) return;
    const [kind, metric] = name.split('.') as [string, string];
    const sorted = Float64Array.from(values).sort();
    const cdf = Array.from({ length: 99 }, (_, i) => r2(quantileSorted(sorted, (i + 1) / 100)));
    rows.push({ metric, kind, model, summary: roundSummary(summary), cdf });
  };
  for (const m of base) {
    const models = splitMetrics([m], 'model');
    // One model: its row would repeat the kind's; name the model on the kind's row instead.
    const only =
      models.length === 1 ? models[0]!.name.slice(m.name.length + '{model='.length, -1) : undefined;
    push(m.name, only ?? '(all models)', valuesOf(m));
    if (only !== undefined) continue;
    for (const split of models)
      push(m.name, split.name.slice(m.name.length + '{model='.length, -1), valuesOf(split));
  }
  return {
    rows,
    serverNote: server.note,
    serverState: server.state,
    cache: cache.map(([kind, use]) => ({ kind, ...use })),
  };
}

function roundSummary(s: Summary): Summary {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, r2(v)])) as unknown as Summary;
}
