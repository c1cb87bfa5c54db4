/**
 * A report's run overview: the run's parameters (its config.json when the run directory has one, else the
 * `tau2.run.*` resource attributes its spans carry), tasks and trials, rewards with tau2's pass^k
 * (harness/metrics.ts, the figures results.json holds), termination reasons with the error texts of failed
 * trials, wall time and throughput.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Trial } from '../analyze/trials.js';
import type { AttrValue } from '../export/spool-reader.js';
import { leaderboard } from '../harness/metrics.js';
import type { TerminationReason } from '../harness/orchestrator.js';
import { CONFIG_FILE } from '../harness/rundir.js';
import { DataError } from '../util/errors.js';

/** Where a run came from and what it says about itself. */
export interface RunInfo {
  /** What was read (a spool file, a trace store URL). */
  source: string;
  /** The parameters shown, flattened to `key: value` text. */
  parameters: [string, string][];
  /** `config.json` or `resource attributes`. */
  parametersFrom: string;
}

/** The overview section's figures. */
export interface Overview {
  source: string;
  runId: string;
  parameters: [string, string][];
  parametersFrom: string;
  domains: string[];
  tasks: number;
  trials: number;
  /** Mean reward of the evaluated trials (failed ones left out, as tau2 does), and pass^k by k. */
  meanReward: number | null;
  passHatK: Record<string, number>;
  evaluatedTrials: number;
  failedTrials: number;
  /** Trials without a reward (imported legacy trials), left out of the figures above. */
  unrewarded: number;
  terminations: { reason: string; trials: number }[];
  /** Failed trials (status ERROR) with their error text. */
  errors: { key: string; termination: string; error: string }[];
  /** The run's first trial start and last trial end (ISO 8601, UTC). */
  start: string;
  end: string;
  wallS: number;
  trialsPerMinute: number;
  llmCallsPerSecond: number;
}

/** Flattens a JSON value into `a.b.c: value` rows. */
function flatten(prefix: string, v: unknown, out: [string, string][]): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.push([prefix, Array.isArray(v) ? v.join(', ') : String(v)]);
}

/**
 * What a run says about itself: its config.json beside `spoolPath` when there is one (a run directory), else
 * `resource`, the resource attributes of its spans. A config.json that is not JSON is an error naming it.
 */
export function runInfo(
  source: string,
  spoolPath: string | undefined,
  resource: Record<string, AttrValue>,
): RunInfo {
  const config = spoolPath === undefined ? undefined : join(dirname(spoolPath), CONFIG_FILE);
  if (config !== undefined && existsSync(config)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(config, 'utf8'));
    } catch (err) {
      throw new DataError(`${config}: not JSON (${(err as Error).message}); a run's config.json is`, {
        field: 'run',
      });
    }
    const rows: [string, string][] = [];
    // Versions and host last: the run's own parameters first.
    const { host, versions, ...rest } = json as Record<string, unknown>;
    flatten('', { ...rest, ...(versions ? { versions } : {}), ...(host ? { host } : {}) }, rows);
    return { source, parameters: rows, parametersFrom: config };
  }
  const rows: [string, string][] = Object.entries(resource)
    .filter(([k]) => k.startsWith('tau2.run.') || k.startsWith('service.'))
    .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]);
  return {
    source,
    parameters: rows,
    parametersFrom: 'the spans’ resource attributes (no config.json beside them)',
  };
}

/** The overview of `trials` (at least one), which made `llmCalls` LLM calls. */
export function overviewOf(trials: readonly Trial[], run: RunInfo, llmCalls: number): Overview {
  let startNs = trials[0]!.startNs;
  let endNs = trials[0]!.endNs;
  const reasons = new Map<string, number>();
  for (const t of trials) {
    if (t.startNs < startNs) startNs = t.startNs;
    if (t.endNs > endNs) endNs = t.endNs;
    const reason = t.termination ?? '(none)';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const rewarded = trials.filter((t) => t.reward !== undefined);
  const board = leaderboard(
    rewarded.map((t) => ({
      domain: t.domain,
      task_id: t.taskId,
      reward: t.reward!,
      termination_reason: (t.termination ?? 'harness_error') as TerminationReason,
    })),
  );
  const wallS = Number(endNs - startNs) / 1e9;
  const runId = run.parameters.find(([k]) => k === 'run_id' || k === 'tau2.run.id')?.[1] ?? '';
  return {
    source: run.source,
    runId,
    parameters: run.parameters,
    parametersFrom: run.parametersFrom,
    domains: [...new Set(trials.map((t) => t.domain))].sort(),
    tasks: new Set(trials.map((t) => `${t.domain}\u0000${t.taskId}`)).size,
    trials: trials.length,
    meanReward: board.avg_reward,
    passHatK: board.pass_hat_k,
    evaluatedTrials: board.evaluated_trials,
    failedTrials: board.excluded_failed_trials,
    unrewarded: trials.length - rewarded.length,
    terminations: [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => ({ reason, trials: n })),
    errors: trials
      .filter((t) => t.error !== undefined)
      .map((t) => ({ key: t.key, termination: t.termination ?? '', error: t.error! })),
    start: isoOf(startNs),
    end: isoOf(endNs),
    wallS,
    trialsPerMinute: wallS > 0 ? (trials.length / wallS) * 60 : 0,
    llmCallsPerSecond: wallS > 0 ? llmCalls / wallS : 0,
  };
}

/** Epoch nanoseconds as ISO 8601 (ms precision). */
const isoOf = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();
