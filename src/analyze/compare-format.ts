/**
 * A {@link Comparison} as text (a terminal), Markdown (a pull-request comment) or JSON (a program). Values are
 * in the metric's unit; differences read `+12.3% (+8.1 … +16.0)`: candidate − baseline relative to the
 * baseline, with its bootstrap 95 % interval.
 */
import type { Comparison, FailOnResult, MetricComparison, RunSummary, StatDiff } from './compare.js';
import type { Unit } from './metrics.js';

/** A value in its unit, with as many decimals as its size deserves. */
export function formatValue(v: number, unit: Unit): string {
  if (unit === 'USD') return `$${v.toPrecision(3)}`;
  if (unit === 'reward') return v.toFixed(3);
  const a = Math.abs(v);
  const decimals =
    unit === 'tok' ? (a >= 100 || Number.isInteger(v) ? 0 : 1) : a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return v.toFixed(decimals);
}

const signed = (text: string, v: number) => (v > 0 ? `+${text}` : text);
const pct = (v: number) => signed(`${(v * 100).toFixed(1)}%`, v);
const abs = (v: number, unit: Unit) => signed(formatValue(v, unit), v);

/** `+12.3% (+8.1% … +16.0%)`, or absolute when the baseline is 0. */
export function formatDiff(d: StatDiff, unit: Unit): string {
  if (d.rel !== undefined && d.relCi) return `${pct(d.rel)} (${pct(d.relCi.lo)} … ${pct(d.relCi.hi)})`;
  return `${abs(d.diff, unit)} (${abs(d.ci.lo, unit)} … ${abs(d.ci.hi, unit)})`;
}

/** `0.0123`, `<1e-6`. */
export const formatP = (p: number) => (p < 1e-6 ? '<1e-6' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function cell(row: MetricComparison, stat: 'median' | 'p95' | 'mean'): [string, string] {
  const b = row.baseline?.[stat];
  const c = row.candidate?.[stat];
  const side = (v: number | undefined) => (v === undefined ? '–' : formatValue(v, row.unit));
  const d = row.diffs.find((x) => x.stat === stat);
  return [`${side(b)} → ${side(c)}`, d ? `${formatDiff(d, row.unit)}${d.significant ? ' *' : ''}` : ''];
}

const counts = (row: MetricComparison) =>
  `${row.baseline?.count ?? 0}/${row.candidate?.count ?? 0}${row.paired ? ` (${row.paired} paired)` : ''}`;

const WHY = {
  regression: 'significant, and past the threshold',
  'within-threshold': 'significant, within the threshold',
  'not-significant': 'not a significant change that way (its 95% interval is not wholly past 0)',
} as const;

/** `llm_call.ttft.p95 363 → 934 ms, +157.1% (+78.2% … +200.0%): significant, and past the threshold`. */
function ruleResult(f: FailOnResult): string {
  const { unit, metric, stat } = f.rule;
  const [b, c] = [f.diff.baseline, f.diff.candidate].map((v) => formatValue(v, unit));
  return `${metric}.${stat} ${b} → ${c} ${unit}, ${formatDiff(f.diff, unit)}: ${WHY[f.why]}`;
}

const ruleLine = (f: FailOnResult) =>
  `${(f.failed ? 'FAIL' : 'ok').padEnd(4)} --fail-on '${f.rule.text}': ${ruleResult(f)}`;

function runLine(label: string, r: RunSummary): string {
  const cost = r.cost.totalUsd !== undefined ? `, cost ${formatValue(r.cost.totalUsd, 'USD')}` : '';
  return `${label}: ${r.source} (${r.trials} trials${cost})`;
}

/** The lines every format opens with: runs, method, server spans, unpriced models. */
function preamble(c: Comparison): string[] {
  const lines = [runLine('baseline', c.baseline), runLine('candidate', c.candidate)];
  lines.push(
    `differences: candidate − baseline with bootstrap 95% intervals (${c.resamples} resamples, seed ${c.seed}); ` +
      '* = interval excludes 0. p: Mann–Whitney U (Wilcoxon signed-rank for paired trials), Holm-adjusted over ' +
      `${c.metrics.filter((m) => m.test).length} metrics; significant when < 0.05`,
  );
  for (const [label, r] of [
    ['baseline', c.baseline],
    ['candidate', c.candidate],
  ] as const) {
    if (r.server.state !== 'present') lines.push(`${label}: ${r.server.note}`);
    if (r.cost.unpriced.length > 0)
      lines.push(`${label}: not priced (no task.cost): ${r.cost.unpriced.join(', ')}`);
  }
  return lines;
}

/** Columns of one metric row: metric (unit), counts, three statistics with their differences, p. */
function rowCells(row: MetricComparison): string[] {
  const [m, dm] = cell(row, 'median');
  const [p, dp] = cell(row, 'p95');
  const [a, da] = cell(row, 'mean');
  const pv = row.test ? `${formatP(row.test.pAdjusted)}${row.significant ? ' !' : ''}` : '';
  return [`${row.name} (${row.unit})`, counts(row), m, dm, p, dp, a, da, pv];
}

const HEAD = ['metric', 'n (b/c)', 'median', 'Δ median', 'p95', 'Δ p95', 'mean', 'Δ mean', 'p (adj.)'];

/** Plain text, columns aligned; `!` marks a significant metric, `*` an interval that excludes 0. */
export function compareText(c: Comparison): string {
  const rows = [HEAD, ...c.metrics.map(rowCells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [...preamble(c), '', line(HEAD), ...c.metrics.map((m) => line(rowCells(m)))];
  if (c.empty.length > 0) out.push('', `no samples in either run: ${c.empty.join(', ')}`);
  const significant = c.metrics.filter((m) => m.significant).map((m) => m.name);
  out.push('', significant.length ? `significant: ${significant.join(', ')}` : 'no significant difference');
  for (const f of c.failOn) out.push(ruleLine(f));
  return `${out.join('\n')}\n`;
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|');

/** Markdown for a pull-request comment: verdicts first, then one table row per metric. */
export function compareMarkdown(c: Comparison): string {
  const failed = c.failOn.filter((f) => f.failed);
  const out = ['### tau2-trace compare', ''];
  if (c.failOn.length > 0) {
    out.push(
      failed.length ? `**${failed.length} of ${c.failOn.length} rules failed**` : 'All rules passed',
      '',
    );
    for (const f of c.failOn)
      out.push(`- ${f.failed ? '❌' : '✅'} \`${f.rule.text}\`: ${mdEscape(ruleResult(f))}`);
    out.push('');
  }
  for (const l of preamble(c)) out.push(`- ${mdEscape(l)}`);
  out.push('', '| metric | n (b/c) | median | p95 | mean | p (adj.) |', '|---|---|---|---|---|---|');
  for (const row of c.metrics) {
    const [name, n, m, dm, p, dp, a, da] = rowCells(row).map(mdEscape);
    const pv = row.test ? formatP(row.test.pAdjusted) : '';
    const both = (v: string, d: string) => (d ? `${v}<br>${d}` : v);
    out.push(
      `| \`${name}\` | ${n} | ${both(m!, dm!)} | ${both(p!, dp!)} | ${both(a!, da!)} | ${row.significant ? `**${pv}**` : pv} |`,
    );
  }
  if (c.empty.length > 0)
    out.push('', `No samples in either run: ${c.empty.map((n) => `\`${n}\``).join(', ')}.`);
  return `${out.join('\n')}\n`;
}

/** JSON: the comparison as computed (price tables' trial maps as objects). */
export function compareJson(c: Comparison): string {
  return `${JSON.stringify(c, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`;
}
