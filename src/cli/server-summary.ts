/**
 * The closing summary's server part: per kind of LLM call, the time requests waited in the server's queue
 * and spent in its prefill and decode, from the `llm_request` spans the server left in the run's spool
 * (vLLM started with `--otlp-traces-endpoint` pointed elsewhere, or without it, leaves none there: then it
 * says so, and that the TTFT above includes the queueing).
 */
import Table from 'cli-table3';
import { LLM_KINDS } from '../analyze/metrics.js';
import { runTrials } from '../analyze/trials.js';
import { SERVER_PHASES, type ServerTiming, serverTimings } from '../export/ext/server.js';
import { openRun } from '../export/sources.js';
import { quantile } from '../util/quantile.js';

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

/** The table of `timings` by kind, in the report's order of kinds. */
function table(timings: ServerTiming[]): string {
  const style = process.stderr.isTTY ? {} : { style: { head: [], border: [] } };
  const head = ['kind', 'served calls', ...SERVER_PHASES.flatMap(([p]) => [`${p} p50`, `${p} p95`])];
  const t = new Table({ head, ...style });
  for (const kind of LLM_KINDS) {
    const list = timings.filter((x) => x.kind === kind);
    if (list.length === 0) continue;
    const cells = SERVER_PHASES.flatMap(([phase]) => {
      const values = list.flatMap((x) => (x[phase] === undefined ? [] : [x[phase]]));
      return [fmt(quantile(values, 0.5)), fmt(quantile(values, 0.95))];
    });
    t.push([kind, String(list.length), ...cells]);
  }
  return t.toString();
}

/** The server part of the closing summary for the run whose spool is `spool` (undefined: no tracing). */
export async function serverSummary(spool: string | undefined): Promise<string> {
  const unknown = 'queue / server prefill / decode: unknown';
  if (spool === undefined) return `${unknown}: the run recorded no spans (--no-tracing)`;
  let trials: ReturnType<typeof runTrials>;
  try {
    trials = runTrials((await openRun({ kind: 'spool', path: spool })).spans ?? []);
  } catch (err) {
    return `${unknown}: ${(err as Error).message}`;
  }
  const { timings, spans } = serverTimings(trials);
  if (spans.state === 'absent') {
    return (
      `${unknown}: none of the ${spans.calls} LLM calls has the server's llm_request span in ${spool} ` +
      '(a server without tracing, or one that sends its spans to a collector: see them there); ' +
      'the TTFT above includes the time queued'
    );
  }
  const of = spans.state === 'present' ? 'all' : `${spans.served} of`;
  return `server side, from its llm_request spans (${of} ${spans.calls} LLM calls):\n${table(timings)}\n(ms)`;
}
