/** openRun: one RunSource from a spool or legacy logs, with warnings told as found and errors naming the setting. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Message, openRun } from '../../src/export/sources.js';
import { composeMessage, UsageError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';
import { edgeCasesLog } from './legacy-fixtures.js';
import { spoolText } from './spool-fixture.js';

const tmp = tempDir();
after(() => tmp.cleanup());

const trial = (label: string, trial: number, endMs: number, termination?: string) => ({
  label,
  domain: 'demo',
  taskId: 't1',
  trial,
  endMs,
  tools: [5, 7],
  ...(termination ? { termination } : {}),
});

describe('openRun', () => {
  it('a run directory: counted traces, legacy values, and what was left out, as warnings told as found', async () => {
    const dir = join(tmp.path, 'run_a');
    mkdirSync(dir);
    const text = spoolText([
      trial('a', 1, 1_000_000, 'cancelled'),
      trial('b', 1, 2_000_000),
      trial('c', 2, 3_000_000),
    ]);
    writeFileSync(join(dir, 'spans.otlp.jsonl'), `${text}not json\n`);
    const told: Message[] = [];
    const run = await openRun({ kind: 'spool', path: dir }, { onWarning: (w) => told.push(w) });
    assert.equal(run.kind, 'spool');
    assert.equal(run.source, join(dir, 'spans.otlp.jsonl'));
    assert.equal(run.besides, dir);
    assert.deepEqual(run.files, []);
    assert.deepEqual(told, run.warnings);
    assert.deepEqual(
      run.warnings.map((w) => composeMessage(w)),
      [
        `${run.source}: 1 lines are not OTLP/JSON export requests (first: ${text.split('\n').length})`,
        `${run.source}: left out 1 trace: 1 cancelled`,
      ],
    );
    const traces = new Set(run.spans!.map((s) => s.traceId));
    assert.equal(traces.size, 2);
    assert.deepEqual(run.legacyValues().values.get('tool_call')!.values(), Float64Array.from([5, 7, 5, 7]));
    assert.equal((await run.ext()).values('metrics', 'tool_call').length, 4);
  });

  it('legacy logs: the files, values on demand, outputs beside them', async () => {
    const dir = join(tmp.path, 'logs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tau2_demo.log'), edgeCasesLog());
    const run = await openRun({ kind: 'legacy-logs', dir });
    assert.equal(run.spans, undefined);
    assert.deepEqual(run.files, [join(dir, 'tau2_demo.log')]);
    assert.equal(run.besides, dir);
    assert.equal(run.legacyValues().values.get('tool_call')!.length, 5);
  });

  it('errors name the setting that gave the input', async () => {
    const missing = join(tmp.path, 'nope');
    const cases = [
      [{ kind: 'spool', path: missing }, 'spans', `spans ${missing}: no such file or run directory`],
      [
        { kind: 'spool', path: missing, field: 'run' },
        'run',
        `run ${missing}: no such file or run directory`,
      ],
      [{ kind: 'legacy-logs', dir: missing }, 'logDir', `logDir ${missing}: no such file or directory`],
      [
        { kind: 'tempo', url: 'http://t', runId: undefined },
        'runId',
        'tempo needs runId (the run directory name, tau2.run.id)',
      ],
    ] as const;
    for (const [spec, field, message] of cases) {
      await assert.rejects(openRun(spec), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.field, field);
        assert.equal(err.message, message);
        return true;
      });
    }
  });
});
