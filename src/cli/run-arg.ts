/**
 * A run named by one command-line argument, as `report` takes it, mapped to what openRun opens:
 * - a run directory (its `spans.otlp.jsonl`) or a spool file;
 * - a directory of legacy `tau2_*.log` files without a spool, or one `.log` file;
 * - `tempo:<url>#<run id>` or `jaeger:<url>#<run id>`: the run's traces in a trace store
 *   (`tempo:http://localhost:3200#tau2_20261124_062356`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSourceSpec } from '../export/sources.js';
import { SPOOL_FILE } from '../harness/rundir.js';
import { UsageError } from '../util/errors.js';

/** The source `arg` names; `field` is the argument's name in messages. */
export function runSourceOf(arg: string, field = 'run'): RunSourceSpec {
  const store = /^(tempo|jaeger):(.*)$/.exec(arg);
  if (store) {
    const [, kind, rest] = store as unknown as [string, 'tempo' | 'jaeger', string];
    const hash = rest.lastIndexOf('#');
    if (hash < 0 || hash === rest.length - 1) {
      throw new UsageError(
        `${arg}: a trace store is named as ${kind}:<url>#<run id> (the run directory name)`,
        {
          field,
        },
      );
    }
    return { kind, url: rest.slice(0, hash), runId: rest.slice(hash + 1), field };
  }
  const isDir = existsSync(arg) && statSync(arg).isDirectory();
  if (isDir && !existsSync(join(arg, SPOOL_FILE))) {
    const logs = readdirSync(arg).some((f) => /^tau2_.*\.log$/.test(f));
    if (logs) return { kind: 'legacy-logs', dir: arg, field: 'logDir' };
  }
  if (!isDir && arg.endsWith('.log')) return { kind: 'legacy-log', path: arg, field: 'logPath' };
  return { kind: 'spool', path: arg, field };
}
