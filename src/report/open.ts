/**
 * Opening a run for a report: whatever openRun opens. Legacy logs hold lines, not spans, so they are first
 * imported as `tau2-trace import` would (export/legacy/import-logs.ts) into a spool in a temporary directory,
 * which is read and removed; the report then sits beside the logs and nothing is left among them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLegacyLogs } from '../export/legacy/import-logs.js';
import { type OpenRunOptions, openRun, type RunSource, type RunSourceSpec } from '../export/sources.js';

/** Opens `spec` with its spans: a legacy log source is imported first. */
export async function openForReport(spec: RunSourceSpec, options: OpenRunOptions = {}): Promise<RunSource> {
  if (spec.kind !== 'legacy-log' && spec.kind !== 'legacy-logs') return openRun(spec, options);
  const dir = mkdtempSync(join(tmpdir(), 'tau2-report-import-'));
  try {
    const out = join(dir, 'spans.otlp.jsonl');
    const imported = await importLegacyLogs({ source: spec, out }, options);
    if (imported.rejected.count > 0) {
      const first = imported.rejected.first.map((r) => `${r.file}:${r.line}`).join(', ');
      options.onWarning?.([`${imported.rejected.count} log lines could not be used (first: ${first})`]);
    }
    const run = await openRun({ kind: 'spool', path: out }, options);
    const source = spec.kind === 'legacy-logs' ? spec.dir : spec.path;
    const besides = spec.kind === 'legacy-logs' ? spec.dir : join(spec.path, '..');
    return { ...run, kind: spec.kind, source, besides };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
