/**
 * `--fail-on` rules: `<metric>.<stat> <op> <threshold>`, e.g. `llm_call.ttft.p95 > +10%`,
 * `task.reward.mean < -0.05`, `llm_call.ttft{model=gpt-5}.median > 50ms`. The rule compares the difference
 * candidate − baseline of the statistic, relative to the baseline with `%` and in the metric's unit without.
 * It fails when the difference passes the threshold and the difference is significant: its bootstrap 95 %
 * interval lies wholly on that side of zero.
 */
import { setting, UsageError } from '../util/errors.js';
import { baseName, METRICS, type Unit, unitOf } from './metrics.js';

/** Statistics a rule can name (those a bootstrap interval means something for). */
export const RULE_STATS = ['mean', 'median', 'p50', 'p90', 'p95', 'p99'] as const;
export type RuleStat = (typeof RULE_STATS)[number];

/** A parsed rule. */
export interface FailOn {
  /** As given. */
  text: string;
  /** Metric name, split or not (`llm_call.ttft{model=gpt-5}`). */
  metric: string;
  stat: RuleStat;
  op: '>' | '<';
  /** In % of the baseline when `relative`, else in the metric's unit. */
  threshold: number;
  relative: boolean;
  unit: Unit;
}

const RULE =
  /^\s*(?<metric>[a-z_]+\.[a-z0-9_]+(?:\{(?:model|domain)=[^}]*\})?)\.(?<stat>[a-z0-9]+)\s*(?<op>[<>])\s*(?<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?<unit>%|[A-Za-z]+)?\s*$/;

const refuse = (text: string, why: string) =>
  new UsageError([setting('failOn'), ` ${JSON.stringify(text)}: ${why}`], { field: 'failOn' });

/** Parses one `--fail-on` rule; a {@link UsageError} about `failOn` says what is wrong with it. */
export function parseFailOn(text: string): FailOn {
  const m = RULE.exec(text)?.groups;
  if (!m) {
    throw refuse(
      text,
      "a rule reads '<metric>.<stat> > <threshold>' or '… < …', e.g. 'llm_call.ttft.p95 > +10%' or 'task.reward.mean < -0.05'",
    );
  }
  const metric = m.metric!;
  const unit = unitOf(metric);
  if (!unit) {
    const names = METRICS.map((d) => d.name).join(', ');
    throw refuse(text, `no metric ${baseName(metric)} (metrics: ${names})`);
  }
  const stat = m.stat as RuleStat;
  if (!RULE_STATS.includes(stat)) throw refuse(text, `no statistic ${m.stat} (${RULE_STATS.join(', ')})`);
  const given = m.unit;
  if (given !== undefined && given !== '%' && given !== unit) {
    throw refuse(text, `${metric} is in ${unit}, not ${given}: give the threshold in ${unit} or in %`);
  }
  return {
    text,
    metric,
    stat,
    op: m.op as '>' | '<',
    threshold: Number(m.num),
    relative: given === '%',
    unit,
  };
}
