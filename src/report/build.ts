/**
 * `report`'s library half: an opened run → its report data and HTML. Refuses a run without spans (legacy
 * logs opened by openRun: open.ts imports them first) and one without a trial.
 */
import { runTrials } from '../analyze/trials.js';
import type { RunSource } from '../export/sources.js';
import { versions } from '../util/about.js';
import { UsageError } from '../util/errors.js';
import { type ReportData, type ReportOptions, reportData } from './data.js';
import { reportHtml } from './html.js';
import { runInfo } from './overview.js';

/** A report, built. */
export interface BuiltReport {
  data: ReportData;
  html: string;
}

/** Builds the report of `run`; `field` names the run's setting in errors. */
export function buildReport(run: RunSource, options: ReportOptions = {}, field = 'run'): BuiltReport {
  if (!run.spans) {
    throw new UsageError(
      `${run.source}: legacy logs hold no spans to report on; open them with openForReport, which imports ` +
        'them first (as `tau2-trace report` does)',
      { field },
    );
  }
  const trials = runTrials(run.spans);
  if (trials.length === 0) throw new UsageError(`${run.source}: no task trial to report on`, { field });
  const info = runInfo(
    run.source,
    run.kind === 'spool' ? run.source : undefined,
    trials[0]!.root.span.resource,
  );
  const data = reportData(trials, info, `tau2-trace ${versions().tau2_trace} report`, options);
  return { data, html: reportHtml(data) };
}
