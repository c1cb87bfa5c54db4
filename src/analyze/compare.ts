/**
 * `compare`: every metric of two runs side by side (median, p95, mean, count), the difference of each with a
 * seeded bootstrap 95 % interval, a rank-test p-value, and the `--fail-on` rules judged. Trial metrics
 * (`task.*`) are paired by trial (domain, task, trial) where both runs have the trial. The rules of
 * significance are in src/analyze/README.md.
 */
import type { RunSource } from '../export/sources.js';
import { DataError, setting, UsageError } from '../util/errors.js';
import { type BootStat, bootstrapDiff, type Interval, statOf } from './bootstrap.js';
import { type CostOptions, type RunCost, runCost } from './cost.js';
import type { FailOn, RuleStat } from './fail-on.js';
import {
  baseName,
  type Metric,
  type RunMetrics,
  runMetrics,
  type Sample,
  type ServerSpans,
  type SplitBy,
  type Summary,
  splitMetrics,
  summarize,
  type Unit,
} from './metrics.js';
import { mannWhitneyU, type RankTest, wilcoxonSignedRank } from './rank-test.js';
import { runTrials, type Trial } from './trials.js';

/** A run, read for comparing. */
export interface AnalyzedRun {
  /** What was read (a spool path, a store URL with its run id). */
  source: string;
  trials: Trial[];
  metrics: RunMetrics;
  cost: RunCost;
}

/** Reads an opened run's trials, metrics and cost; legacy logs, which hold no spans, are refused. */
export function analyzeRun(run: RunSource, cost: CostOptions = {}): AnalyzedRun {
  if (!run.spans) {
    throw new UsageError(
      `${run.source}: legacy logs hold no spans to compare; turn them into spans first with ` +
        '`tau2-trace import --log-dir <dir>` and compare the spool it writes',
    );
  }
  const trials = runTrials(run.spans);
  const priced = runCost(trials, cost);
  return { source: run.source, trials, metrics: runMetrics(trials, priced.trials), cost: priced };
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Bootstrap resamples per metric (default {@link DEFAULT_RESAMPLES}). */
  resamples?: number;
  /** Seeds the bootstrap (default 1): the same runs and seed give the same intervals. */
  seed?: number;
  /** Also every metric per model or per domain. */
  by?: SplitBy;
  failOn?: readonly FailOn[];
}

/** Resamples unless told otherwise: enough for stable 2.5 % / 97.5 % percentiles (±0.5 % of coverage). */
export const DEFAULT_RESAMPLES = 2000;
/** The significance level of intervals (95 %) and of adjusted p-values. */
export const ALPHA = 0.05;

/** The difference of one statistic. */
export interface StatDiff {
  stat: RuleStat;
  baseline: number;
  candidate: number;
  /** candidate − baseline, in the metric's unit, with its bootstrap 95 % interval. */
  diff: number;
  ci: Interval;
  /** The same relative to the baseline's value; undefined when that is 0. */
  rel: number | undefined;
  relCi: Interval | undefined;
  /** The interval excludes 0. */
  significant: boolean;
}

/** One metric of both runs. */
export interface MetricComparison {
  name: string;
  unit: Unit;
  baseline: Summary | undefined;
  candidate: Summary | undefined;
  /** Trials paired (both runs have them) when the metric is a trial metric compared pair by pair. */
  paired: number | undefined;
  /** Median, p95 and mean, when both runs have samples. */
  diffs: StatDiff[];
  /** Mann–Whitney U, or Wilcoxon signed-rank when paired. */
  test: (RankTest & { name: 'mann-whitney-u' | 'wilcoxon-signed-rank'; pAdjusted: number }) | undefined;
  /** The adjusted p-value is below {@link ALPHA}. */
  significant: boolean;
}

/** A judged `--fail-on` rule. */
export interface FailOnResult {
  rule: FailOn;
  diff: StatDiff;
  failed: boolean;
  /** Failed: past the threshold and significant; else within it, or the interval reaches the other side of 0. */
  why: 'regression' | 'within-threshold' | 'not-significant';
}

/** Everything `compare` shows. */
export interface Comparison {
  baseline: RunSummary;
  candidate: RunSummary;
  resamples: number;
  seed: number;
  metrics: MetricComparison[];
  /** Metrics without samples in either run. */
  empty: string[];
  failOn: FailOnResult[];
}

/** What a comparison says about each run. */
export interface RunSummary {
  source: string;
  trials: number;
  server: ServerSpans;
  cost: RunCost;
}

/** The statistics every metric row shows a difference for. */
const SHOWN: readonly RuleStat[] = ['median', 'p95', 'mean'];

const bootStat = (s: RuleStat): BootStat =>
  s === 'mean'
    ? { kind: 'mean' }
    : { kind: 'quantile', q: s === 'median' || s === 'p50' ? 0.5 : Number(s.slice(1)) / 100 };

/** A trial metric's values paired by trial; undefined for other metrics or fewer than two pairs. */
function pairsOf(name: string, base: Sample[], cand: Sample[]): [number[], number[]] | undefined {
  if (!baseName(name).startsWith('task.')) return undefined;
  const byTrial = new Map(cand.map((s) => [s.trial, s.value]));
  const b: number[] = [];
  const c: number[] = [];
  for (const s of base) {
    const v = byTrial.get(s.trial);
    if (v === undefined) continue;
    b.push(s.value);
    c.push(v);
  }
  return b.length >= 2 ? [b, c] : undefined;
}

type Resampling = { resamples: number; seed: number };

/** The differences of `stats`, their intervals drawn from the same resamples (keyed by the metric). */
function diffsOf(
  name: string,
  b: number[],
  c: number[],
  stats: readonly RuleStat[],
  paired: boolean,
  r: Resampling,
) {
  const cis = bootstrapDiff(b, c, stats.map(bootStat), { ...r, key: name, paired });
  return stats.map((stat, i): StatDiff => {
    const baseline = statOf(b, bootStat(stat));
    const candidate = statOf(c, bootStat(stat));
    const ci = cis[i]!;
    const scale = Math.abs(baseline);
    return {
      stat,
      baseline,
      candidate,
      diff: candidate - baseline,
      ci,
      rel: scale > 0 ? (candidate - baseline) / scale : undefined,
      relCi: scale > 0 ? { lo: ci.lo / scale, hi: ci.hi / scale } : undefined,
      significant: ci.lo > 0 || ci.hi < 0,
    };
  });
}

const valuesOf = (m: Metric | undefined) => (m ? m.samples.map((s) => s.value) : []);

/** One metric of both runs, before p-values are adjusted. */
function compareMetric(
  name: string,
  unit: Unit,
  bm: Metric | undefined,
  cm: Metric | undefined,
  r: Resampling,
) {
  const b = valuesOf(bm);
  const c = valuesOf(cm);
  const row: MetricComparison = {
    name,
    unit,
    baseline: summarize(b),
    candidate: summarize(c),
    paired: undefined,
    diffs: [],
    test: undefined,
    significant: false,
  };
  if (b.length === 0 || c.length === 0) return row;
  const pairs = pairsOf(name, bm!.samples, cm!.samples);
  if (pairs) {
    const [pb, pc] = pairs;
    row.paired = pb.length;
    row.diffs = diffsOf(name, pb, pc, SHOWN, true, r);
    const test = wilcoxonSignedRank(pc.map((v, i) => v - pb[i]!))!;
    row.test = { ...test, name: 'wilcoxon-signed-rank', pAdjusted: test.p };
  } else {
    row.diffs = diffsOf(name, b, c, SHOWN, false, r);
    const test = mannWhitneyU(b, c)!;
    row.test = { ...test, name: 'mann-whitney-u', pAdjusted: test.p };
  }
  return row;
}

/** Holm's step-down adjustment of the rows' p-values (the family: every row with a test). */
function adjust(rows: MetricComparison[]): void {
  const tested = rows.filter((r) => r.test).sort((x, y) => x.test!.p - y.test!.p);
  let running = 0;
  tested.forEach((row, i) => {
    running = Math.max(running, Math.min(1, (tested.length - i) * row.test!.p));
    row.test!.pAdjusted = running;
    row.significant = running < ALPHA;
  });
}

/** The metrics of a run, split too when asked (by `--by`, or by a rule naming a split metric). */
function metricsOf(run: AnalyzedRun, splits: ReadonlySet<SplitBy>): Map<string, Metric> {
  const all = [...run.metrics.metrics];
  for (const by of splits) all.push(...splitMetrics(run.metrics.metrics, by));
  return new Map(all.map((m) => [m.name, m]));
}

/** The start of a message about a rule: `--fail-on "<rule>": `. */
const about = (rule: FailOn) => [setting('failOn'), ` ${JSON.stringify(rule.text)}: `];

/** Judges a rule on its metric's row. */
function judge(
  rule: FailOn,
  row: MetricComparison | undefined,
  runs: [AnalyzedRun, AnalyzedRun],
  r: Resampling,
) {
  if (!row) {
    throw new UsageError([...about(rule), `neither run has a metric ${rule.metric}`], { field: 'failOn' });
  }
  const missing = !row.baseline ? 0 : !row.candidate ? 1 : undefined;
  if (missing !== undefined) {
    const run = runs[missing];
    const why = /\.(queue|prefill)\b/.test(rule.metric) ? ` (${run.metrics.server.note})` : '';
    const side = missing === 0 ? 'baseline' : 'candidate';
    throw new DataError(
      [...about(rule), `${rule.metric} has no samples in the ${side} ${run.source}${why}`],
      {
        field: 'failOn',
      },
    );
  }
  let diff = row.diffs.find((d) => d.stat === rule.stat);
  if (!diff) {
    // A statistic the table does not show: its interval from the same resamples as the row's.
    const [bm, cm] = runs.map((run) => metricsOf(run, splitsOf([rule])).get(rule.metric));
    const pairs = pairsOf(rule.metric, bm!.samples, cm!.samples);
    const [b, c] = pairs ?? [valuesOf(bm), valuesOf(cm)];
    diff = diffsOf(rule.metric, b, c, [rule.stat], pairs !== undefined, r)[0]!;
  }
  if (rule.relative && diff.rel === undefined) {
    const why = `the baseline's ${rule.stat} of ${rule.metric} is 0, so a change in % means nothing; give the threshold in ${rule.unit}`;
    throw new DataError([...about(rule), why], { field: 'failOn' });
  }
  const value = rule.relative ? diff.rel! * 100 : diff.diff;
  const ci = rule.relative ? { lo: diff.relCi!.lo * 100, hi: diff.relCi!.hi * 100 } : diff.ci;
  const beyond = rule.op === '>' ? value > rule.threshold : value < rule.threshold;
  const significant = rule.op === '>' ? ci.lo > 0 : ci.hi < 0;
  const failed = beyond && significant;
  const why = failed ? 'regression' : significant ? 'within-threshold' : 'not-significant';
  return { rule, diff, failed, why } satisfies FailOnResult;
}

/** The splits the rules' metric names need. */
function splitsOf(rules: readonly FailOn[]): Set<SplitBy> {
  const out = new Set<SplitBy>();
  for (const r of rules) {
    const m = /\{(model|domain)=/.exec(r.metric);
    if (m) out.add(m[1] as SplitBy);
  }
  return out;
}

/** Compares two analysed runs. */
export function compareRuns(
  baseline: AnalyzedRun,
  candidate: AnalyzedRun,
  options: CompareOptions = {},
): Comparison {
  const r = { resamples: options.resamples ?? DEFAULT_RESAMPLES, seed: options.seed ?? 1 };
  const rules = options.failOn ?? [];
  const splits = splitsOf(rules);
  if (options.by) splits.add(options.by);
  const b = metricsOf(baseline, splits);
  const c = metricsOf(candidate, splits);
  const names = [...new Set([...b.keys(), ...c.keys()])];
  const rows = names.map((name) => {
    const unit = (b.get(name) ?? c.get(name))!.unit;
    return compareMetric(name, unit, b.get(name), c.get(name), r);
  });
  // Rows only a rule asked for are judged, not shown (nor counted in the adjustment).
  const shown = rows.filter(
    (row) => row.name === baseName(row.name) || (options.by && row.name.includes(`{${options.by}=`)),
  );
  const present = shown.filter((row) => row.baseline || row.candidate);
  adjust(present);
  const byName = new Map(rows.map((row) => [row.name, row]));
  const summary = (run: AnalyzedRun): RunSummary => ({
    source: run.source,
    trials: run.trials.length,
    server: run.metrics.server,
    cost: run.cost,
  });
  return {
    baseline: summary(baseline),
    candidate: summary(candidate),
    ...r,
    metrics: present,
    empty: shown.filter((row) => !row.baseline && !row.candidate).map((row) => row.name),
    failOn: rules.map((rule) => judge(rule, byName.get(rule.metric), [baseline, candidate], r)),
  };
}
