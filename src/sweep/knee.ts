/**
 * The knee of a sweep: the highest concurrency before p95 TTFT grows faster than throughput. Between two
 * consecutive levels a and b (ascending), throughput grows by T(b)/T(a) − 1 and p95 TTFT by L(b)/L(a) − 1;
 * the first step whose TTFT growth is larger than its throughput growth ends the useful range, and its lower
 * level a is the knee. Past it, more concurrency buys latency faster than it buys tasks per minute.
 */

/** One level as the knee needs it. */
export interface KneePoint {
  concurrency: number;
  tasksPerMinute: number;
  /** p95 of the agent's TTFT, ms; undefined when the level has no TTFT sample. */
  ttftP95: number | undefined;
}

/** The growth between two consecutive levels, as fractions (0.5 = +50 %). */
export interface KneeStep {
  from: number;
  to: number;
  throughputGrowth: number;
  ttftP95Growth: number;
  /** Whether TTFT grew faster than throughput on this step. */
  latencyWins: boolean;
}

/** What {@link findKnee} concludes. */
export interface Knee {
  /** The knee's concurrency; null when there is none in the levels swept (see `verdict`). */
  concurrency: number | null;
  /** `knee`, `none` (throughput kept up at every step), or `undetermined` (fewer than two usable levels). */
  kind: 'knee' | 'none' | 'undetermined';
  /** One sentence saying which, and why. */
  verdict: string;
  steps: KneeStep[];
}

/** The rule, as summaries state it. */
export const KNEE_RULE =
  'the knee is the highest concurrency before p95 TTFT grows faster than throughput: between consecutive ' +
  'levels a < b, growth is value(b)/value(a) - 1; the first step where TTFT p95 growth exceeds tasks-per-minute ' +
  'growth ends at its lower level a';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** Applies the rule of {@link KNEE_RULE} to levels (any order; levels without TTFT are left out). */
export function findKnee(points: readonly KneePoint[]): Knee {
  const usable = points
    .filter((p) => p.ttftP95 !== undefined && p.ttftP95 > 0 && p.tasksPerMinute > 0)
    .sort((a, b) => a.concurrency - b.concurrency);
  if (usable.length < 2) {
    const why =
      points.length < 2
        ? `${points.length === 1 ? 'one level' : 'no level'} measured: a knee compares consecutive levels, so sweep two or more`
        : `only ${usable.length} of ${points.length} levels have both throughput and TTFT: no knee can be named`;
    return { concurrency: null, kind: 'undetermined', verdict: why, steps: [] };
  }
  const steps: KneeStep[] = [];
  for (let i = 1; i < usable.length; i++) {
    const a = usable[i - 1]!;
    const b = usable[i]!;
    const throughputGrowth = b.tasksPerMinute / a.tasksPerMinute - 1;
    const ttftP95Growth = b.ttftP95! / a.ttftP95! - 1;
    steps.push({
      from: a.concurrency,
      to: b.concurrency,
      throughputGrowth,
      ttftP95Growth,
      latencyWins: ttftP95Growth > throughputGrowth,
    });
  }
  const first = steps.find((s) => s.latencyWins);
  if (!first) {
    const top = usable[usable.length - 1]!.concurrency;
    return {
      concurrency: null,
      kind: 'none',
      verdict: `no knee up to c=${top}: throughput grew at least as fast as p95 TTFT at every step; sweep higher levels to find it`,
      steps,
    };
  }
  return {
    concurrency: first.from,
    kind: 'knee',
    verdict:
      `knee at c=${first.from}: from c=${first.from} to c=${first.to} p95 TTFT grew ${pct(first.ttftP95Growth)} ` +
      `while throughput grew ${pct(first.throughputGrowth)}`,
    steps,
  };
}
