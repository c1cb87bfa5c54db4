/**
 * `tau2-trace run`: a shell over {@link startRun}. It turns flags into run settings (`--resume` takes the
 * stored ones), handles Ctrl-C / SIGTERM, draws the progress bar, and prints where the run is and what went
 * wrong; the run itself is the library's.
 */
import { join } from 'node:path';
import { CONFIG_FILE, readRunConfig } from '../harness/rundir.js';
import { type RunReport, type RunSettings, RunStoppedError, startRun } from '../harness/session.js';
import { GEN_AI_LATEST_OPT_IN, genAiConventionOf, SEMCONV_OPT_IN_ENV } from '../telemetry/semconv.js';
import { UsageError } from '../util/errors.js';
import { flagOf } from './errors.js';
import { createProgress, type Progress, summaryTable } from './progress.js';
import { checkServeFlags } from './serve-flags.js';
import { serverSummary } from './server-summary.js';

/** Every parameter of a run, as parsed from the command line, and how the CLI watches it. */
export interface RunOptions extends RunSettings {
  /** Exit 0 even when trials failed or the OTLP export did (both are still reported). */
  allowErrors: boolean;
  quiet: boolean;
}

/** Flags that may accompany `--resume`: they change how the run is watched, not what it measures. */
const RESUME_FLAGS = new Set(['resume', 'quiet', 'allowErrors']);

/** Exit code of a run that finished but failed at something asked of it (trials, export). */
export const EXIT_RUN_ERRORS = 3;

/** The run's settings with `--resume`: the stored parameters, which other flags may not contradict. */
function resumeOptions(flags: RunOptions, explicit: string[]): RunOptions {
  const clashing = explicit.filter((name) => !RESUME_FLAGS.has(name));
  if (clashing.length > 0) {
    throw new UsageError(
      `--resume runs with the parameters stored in ${join(flags.resume!, CONFIG_FILE)}; ` +
        `${clashing.map(flagOf).join(', ')} cannot change them (start a new run instead)`,
    );
  }
  const stored = readRunConfig(flags.resume!);
  // Defaults fill what an older config.json lacks.
  return {
    ...flags,
    ...(stored.parameters as Partial<RunOptions>),
    resume: flags.resume!,
    quiet: flags.quiet,
    allowErrors: flags.allowErrors,
  };
}

/** One line on failed trials: how many, by ending, and the first error of each kind. */
function failedTrialsReport(failed: { termination_reason: string; error?: string }[]): string {
  const byReason = new Map<string, { n: number; first?: string | undefined }>();
  for (const r of failed) {
    const e = byReason.get(r.termination_reason) ?? { n: 0, first: r.error };
    e.n++;
    byReason.set(r.termination_reason, e);
  }
  const parts = [...byReason].map(([k, v]) => `${v.n} ${k}${v.first ? ` (first: ${v.first})` : ''}`);
  return `${failed.length} trials failed: ${parts.join('; ')}; tau2-trace run --resume runs them again`;
}

/** Where the run is (stdout) and what went wrong with it (stderr); returns the problems. */
async function printReport(r: RunReport, o: RunOptions): Promise<string[]> {
  if (!o.quiet) {
    const server = await serverSummary(r.files.spool);
    process.stderr.write(`${summaryTable(r.stats, r.wallMs)}\n${server}\n`);
  }
  const rows = r.results;
  process.stdout.write(
    `run directory: ${r.runDir}\n  config:  ${r.files.config}\n  results: ${r.files.results} ` +
      `(${rows.length}/${r.planned} trials${r.failed.length ? `, ${r.failed.length} failed` : ''})\n` +
      `  journal: ${r.files.journal}\n` +
      (r.files.spool ? `  spans:   ${r.files.spool}\n` : '') +
      (r.left > 0 ? `${r.left} trials left; finish with: tau2-trace run --resume ${r.runDir}\n` : '') +
      (r.files.spool ? `next: tau2-trace report ${r.runDir}\n` : ''),
  );
  const exported = r.otlpExport;
  const problems = [
    ...(r.failed.length > 0 ? [failedTrialsReport(r.failed)] : []),
    ...(exported && exported.failedSpans > 0
      ? [
          `OTLP export to ${exported.endpoint} failed for ${exported.failedSpans} of ` +
            `${exported.failedSpans + exported.exportedSpans} spans (${exported.lastError}); every span is ` +
            `in the spool: send them with tau2-trace replay ${r.runDir}`,
        ]
      : []),
  ];
  for (const p of problems)
    process.stderr.write(`tau2-trace: ${o.allowErrors ? 'warning' : 'error'}: ${p}\n`);
  return problems;
}

/**
 * Runs an evaluation; resolves with the process exit code. `explicit` names the options given on the command
 * line (not defaulted), which `--resume` checks against the stored parameters.
 */
export async function runCommand(
  flags: RunOptions,
  env: NodeJS.ProcessEnv = process.env,
  explicit: string[] = [],
): Promise<number> {
  const o = flags.resume !== undefined ? resumeOptions(flags, explicit) : { ...flags };
  checkServeFlags(o.serve, explicit);
  // A `gen_ai_…/dup` (some libraries invent one) would otherwise leave the default names in place unremarked.
  const ignoredOptIn = genAiConventionOf(env[SEMCONV_OPT_IN_ENV]).ignored;
  if (ignoredOptIn.length > 0) {
    process.stderr.write(
      `tau2-trace: warning: ${SEMCONV_OPT_IN_ENV}: ignoring ${ignoredOptIn.join(', ')} (the GenAI conventions define only ${GEN_AI_LATEST_OPT_IN})\n`,
    );
  }
  const { quiet, allowErrors: _a, ...settings } = o;
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
    signalled = sig;
    process.stderr.write(`\n${sig}: no new tasks; cancelling running ones and saving results…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let progress: Progress | undefined;
  let report: RunReport;
  try {
    report = await startRun(settings, {
      env,
      signal: controller.signal,
      onNotice: (text) => process.stderr.write(text),
      onStart: (run) => {
        if (run.rerun > 0) process.stderr.write(`running again ${run.rerun} trials that failed before\n`);
        progress = createProgress(run.planned, run.alreadyDone, run.stats, quiet);
      },
      onTrialDone: () => progress?.tick(),
    });
  } catch (err) {
    // Stopped before the run directory existed: nothing to report.
    if (signalled && controller.signal.aborted && err === controller.signal.reason) return exitOf(signalled);
    // The CLI says how to resume with its own command line.
    if (err instanceof RunStoppedError) {
      const cause = err.cause as Error;
      throw new Error(
        `the run stopped: ${cause.message}; the trials recorded so far are kept, ` +
          `and tau2-trace run --resume ${err.runDir} runs the rest`,
        { cause },
      );
    }
    throw err;
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const problems = await printReport(report, o);
  if (report.stopped !== undefined) throw new UsageError(report.stopped);
  if (signalled) return exitOf(signalled);
  return problems.length > 0 && !o.allowErrors ? EXIT_RUN_ERRORS : 0;
}

function exitOf(sig: NodeJS.Signals): number {
  return sig === 'SIGINT' ? 130 : 143;
}
