// Open a run (a run directory or its spool; legacy logs and Tempo/Jaeger work the same way) and read its
// traces and the legacy metrics, as `tau2-trace stats` computes them.
//
//   node examples/open-run.mjs <run-directory>
import { LEGACY_METRICS, openRun, summarizeAll } from 'tau2-trace';

const path = process.argv[2];
if (!path) throw new Error('usage: node examples/open-run.mjs <run-directory>');
const run = await openRun({ kind: 'spool', path }, { onWarning: (w) => console.error(w.join('')) });
const traces = new Set(run.spans.map((s) => s.traceId));
console.log(`${run.source}: ${traces.size} task traces, ${run.spans.length} spans`);
const parsed = run.legacyValues();
const summaries = summarizeAll(LEGACY_METRICS, parsed.values);
for (const m of LEGACY_METRICS) {
  const s = summaries.get(m.name)?.stats;
  console.log(s ? `${m.name}: n=${s.n} mean=${s.mean.toFixed(2)}${m.unit}` : `${m.name}: no data`);
}
