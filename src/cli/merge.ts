/** `tau2-trace merge`: the shards of a sharded run into one run directory (export/merge.ts does the work). */
import { type MergeReport, mergeShards } from '../export/merge.js';
import { Tau2Error, UsageError } from '../util/errors.js';
import { cliMessage } from './errors.js';

/** Options of `tau2-trace merge`. */
export interface MergeOptions {
  out: string;
  partial: boolean;
}

/** What is missing, one line (at most ten trials named). */
function missingText(r: MergeReport): string {
  const shards = r.missingShards.length > 0 ? `shards not given: ${r.missingShards.join(', ')}; ` : '';
  const named = r.missing.slice(0, 10).join(', ') + (r.missing.length > 10 ? ', …' : '');
  return `${shards}${r.missing.length} trials without a successful row${r.missing.length > 0 ? ` (${named})` : ''}`;
}

/** Merges `dirs` into `--out`; resolves with the exit code. */
export async function mergeCommand(dirs: string[], o: MergeOptions): Promise<number> {
  let r: MergeReport;
  try {
    r = await mergeShards(dirs, o.out, { partial: o.partial });
  } catch (err) {
    // The shard directories are this command's arguments, not a flag: messages name the command instead.
    if (err instanceof Tau2Error) throw new UsageError(cliMessage(err, { shards: 'tau2-trace merge' }));
    throw err;
  }
  process.stdout.write(
    `merged ${r.shards}/${r.shardCount} shards of ${r.runId}: ${r.rows}/${r.totalTrials} trials` +
      `${r.failed.length > 0 ? ` (${r.failed.length} failed)` : ''}\n` +
      `run directory: ${r.out}\n  config:  ${r.files.config}\n  results: ${r.files.results}\n` +
      `  journal: ${r.files.journal}\n${r.files.spool ? `  spans:   ${r.files.spool}\n` : ''}`,
  );
  for (const j of r.tornJournals) {
    process.stderr.write(
      `tau2-trace: warning: ${j}: its last line was torn (a crash mid-append) and is left out of the merged journal\n`,
    );
  }
  if (r.missing.length > 0 || r.missingShards.length > 0) {
    process.stderr.write(`tau2-trace: warning: partial merge: ${missingText(r)}\n`);
  }
  return 0;
}
