/**
 * `tau2-trace tasks check`: replays tau2 tasks on the faithful domain ports and dumps what the model would see
 * (see test/fixtures/tau2/README.md for the dump format), with a summary per domain.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CheckCounts, checkExpected, checkSequences, readActionsFile } from '../domains/tau2/check.js';
import {
  FAITHFUL_DOMAINS,
  faithfulPort,
  openFaithfulDomain,
  TAU2_DOMAINS,
} from '../domains/tau2/faithful.js';
import { Tau2DataError } from '../domains/tau2/port.js';
import { UsageError } from '../util/errors.js';

/** Options of `tasks check`, as commander gives them. */
export interface TasksCheckOptions {
  dataDir: string;
  domains: string[];
  taskIds?: string[];
  actions?: string;
  dump?: string;
}

// A name is a tau2 domain when tau2 ships it or the data dir holds it (tau2 registers further domains the same
// way); such a domain without a faithful port is refused as not supported rather than unknown.
function checkDomainNames(names: string[], dataDir: string): void {
  for (const name of names) {
    const inData = existsSync(path.join(dataDir, 'domains', name, 'tasks.json'));
    if (!(TAU2_DOMAINS as readonly string[]).includes(name) && !inData) {
      throw new UsageError(
        `--domains: unknown tau2 domain "${name}" (tau2's domains: ${TAU2_DOMAINS.join(', ')})`,
      );
    }
    if (!faithfulPort(name)) {
      throw new UsageError(
        `--domains: tau2 domain "${name}" is not yet supported by tasks check (supported: ${FAITHFUL_DOMAINS.join(', ')})`,
      );
    }
  }
}

/** Formats the per-domain summary table. */
export function summaryTable(rows: [string, CheckCounts][]): string {
  const head = ['domain', 'tasks', 'calls', 'errors', 'set-up failures'];
  const body = rows.map(([d, c]) => [d, c.tasks, c.calls, c.errors, c.setupFailures].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [fmt(head), ...body.map(fmt)].join('\n') + '\n';
}

/** Runs the check; returns the exit code (0). Bad input raises a {@link UsageError}. */
export async function tasksCheckCommand(opts: TasksCheckOptions, stdout = process.stdout): Promise<number> {
  const domains = [...new Set(opts.domains)];
  checkDomainNames(domains, opts.dataDir);
  if (!existsSync(opts.dataDir) || !statSync(opts.dataDir).isDirectory()) {
    throw new UsageError(`--data-dir: tau2 data directory not found: ${opts.dataDir}`);
  }
  try {
    const sequences = opts.actions === undefined ? undefined : readActionsFile(opts.actions);
    const wanted = opts.taskIds === undefined ? undefined : new Set(opts.taskIds);
    const seen = new Set<string>();
    const lines: string[] = [];
    const rows: [string, CheckCounts][] = [];
    for (const name of domains) {
      const { domain, tasks } = openFaithfulDomain(faithfulPort(name)!, opts.dataDir);
      const byId = new Map(tasks.map((t) => [t.id, t]));
      for (const id of byId.keys()) if (wanted?.has(id)) seen.add(id);
      const result =
        sequences === undefined
          ? checkExpected(
              domain,
              tasks.filter((t) => wanted === undefined || wanted.has(t.id)),
            )
          : checkSequences(
              domain,
              byId,
              sequences.filter((s) => {
                if (s.domain !== name || (wanted !== undefined && !wanted.has(s.taskId))) return false;
                if (!byId.has(s.taskId)) {
                  throw new UsageError(
                    `--actions ${opts.actions}: sequence ${s.seq}: no task "${s.taskId}" in ${name}`,
                  );
                }
                return true;
              }),
            );
      lines.push(...result.lines);
      rows.push([name, result.counts]);
    }
    const unknown = [...(wanted ?? [])].filter((id) => !seen.has(id));
    if (unknown.length > 0) {
      throw new UsageError(
        `--task-ids: no task ${unknown.map((id) => `"${id}"`).join(', ')} in ${domains.join(', ')}`,
      );
    }
    if (opts.dump !== undefined) writeFileSync(opts.dump, lines.map((l) => `${l}\n`).join(''), 'utf8');
    stdout.write(summaryTable(rows));
    return 0;
  } catch (err) {
    // Bad data given on the command line is bad input here; the message keeps its settings for the flags.
    if (err instanceof Tau2DataError) throw new UsageError(err.parts, { field: err.field, cause: err });
    throw err;
  }
}
