/**
 * `tau2-trace logs` with hostile span data: a domain that is a path, and ids that would write lines of their
 * own. Every file stays inside `--out-dir`, and one event stays one line.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { escapeLogValue } from '../../src/export/legacy/to-logs.js';
import { readSpool } from '../../src/export/spool-reader.js';
import { Attr, Kind, SpanName } from '../../src/telemetry/names.js';
import { spoolText } from '../export/spool-fixture.js';
import { runCli, tempDir } from '../helpers.js';

const T0 = Date.UTC(2026, 0, 1, 12);

describe('logs: paths and lines built from span data', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('logs: a tau2.domain of x/../../…/PWNED is left out and named; nothing is written outside --out-dir', async () => {
    const spool = join(tmp.path, 'evil.jsonl');
    writeFileSync(
      spool,
      spoolText([
        { label: 'ok', domain: 'retail', taskId: '1', trial: 0, endMs: T0, tools: [5] },
        { label: 'evil', domain: 'x/../../../PWNED', taskId: '2', trial: 0, endMs: T0 + 1, tools: [5] },
        { label: 'dots', domain: '..', taskId: '3', trial: 0, endMs: T0 + 2, tools: [5] },
      ]),
    );
    const out = join(tmp.path, 'a', 'b', 'c', 'out');
    const r = await runCli(['logs', spool, '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /trace [0-9a-f]{32} \(task "2"\) left out: tau2\.domain "x\/\.\.\/\.\.\/\.\.\/PWNED" cannot name a file/,
    );
    assert.match(r.stderr, /\(task "3"\) left out: tau2\.domain "\.\." cannot name a file/);
    assert.deepEqual(readdirSync(out), ['tau2_retail.log']);
    assert.deepEqual(readdirSync(join(tmp.path, 'a')), ['b'], 'nothing beside the output directory');
    assert.ok(!existsSync(join(tmp.path, 'PWNED.log')) && !existsSync(join(tmp.path, 'a', 'PWNED.log')));

    // Only such traces: nothing can be written, and that is an error.
    const only = join(tmp.path, 'only-evil.jsonl');
    writeFileSync(
      only,
      spoolText([{ label: 'evil', domain: '../PWNED', taskId: '2', trial: 0, endMs: T0, tools: [5] }]),
    );
    const none = await runCli(['logs', only, '--out-dir', join(tmp.path, 'none')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /only-evil\.jsonl: none of its 1 task traces can be written as a legacy log/);
    assert.ok(!existsSync(join(tmp.path, 'none')));
  });

  it('logs: a task id with "\\n[PROFILE] … type=tool_call duration_ms=5" stays in one line, so stats gives the n the spans hold', async () => {
    const injected = 'x\n[PROFILE] 2025-01-01 00:00:00.000 task=y thread=1 type=tool_call duration_ms=5';
    const ids = [injected, 'a b=c', 'r\rtype=expert_call duration_ms=7', 'u\u2028v\x85w', '100%'];
    const spool = join(tmp.path, 'ids', 'spans.otlp.jsonl');
    mkdirSync(join(tmp.path, 'ids'));
    writeFileSync(
      spool,
      spoolText(
        ids.map((taskId, i) => ({
          label: `t${i}`,
          domain: 'retail',
          taskId,
          trial: 0,
          endMs: T0 + i,
          tools: [3],
        })),
      ),
    );
    const spans = (await readSpool(spool)).spans;
    const toolSpans = spans.filter((s) => s.attributes[Attr.kind] === Kind.toolCall).length;
    assert.equal(toolSpans, 5);

    const logs = join(tmp.path, 'ids-logs');
    assert.equal((await runCli(['logs', spool, '--out-dir', logs])).code, 0);
    const text = readFileSync(join(logs, 'tau2_retail.log'), 'utf8');
    // One line per event: per trial a step, an agent call and a tool call.
    assert.equal(text.split('\n').length - 1, 3 * ids.length);
    assert.ok(text.split('\n').every((l) => l === '' || l.startsWith('[PROFILE] ')));
    assert.match(
      text,
      / task=x%0A\[PROFILE\]%202025-01-01%2000:00:00.000%20task%3Dy%20thread%3D1%20type%3Dtool_call%20duration_ms%3D5 thread=/,
    );

    const r = await runCli(['stats', '--log-dir', logs, '--out-dir', join(tmp.path, 'ids-stats')]);
    assert.equal(r.code, 0, r.stderr);
    const stats = JSON.parse(readFileSync(join(tmp.path, 'ids-stats', 'timing_stats.json'), 'utf8'));
    assert.equal(stats.tool_call.stats.n, toolSpans);
    assert.equal(stats.expert_call.stats, null, 'no expert call spelled by an id');

    // import reads the ids back as they were.
    const imported = join(tmp.path, 'ids-imported.jsonl');
    assert.equal((await runCli(['import', '--log-dir', logs, '--out', imported])).code, 0);
    const back = (await readSpool(imported)).spans
      .filter((s) => s.name === SpanName.task)
      .map((s) => s.attributes[Attr.taskId]);
    assert.deepEqual(back.sort(), [...ids].sort());
  });

  it('logs: spans imported from legacy logs never replace the logs they came from', async () => {
    const dir = join(tmp.path, 'old_run');
    mkdirSync(dir);
    const original = [
      '[PROFILE] 2025-12-24 04:00:01.000 task=t thread=7 type=tool_call step=1 function=f call_type=local_function duration_ms=5.005',
      'Traceback (most recent call last): kept only in the original',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'tau2_retail.log'), original);
    assert.equal((await runCli(['import', '--log-dir', dir])).code, 0);
    const r = await runCli(['logs', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tau2_retail\.log exists and these spans were imported from legacy logs/);
    assert.equal(readFileSync(join(dir, 'tau2_retail.log'), 'utf8'), original);
    const elsewhere = await runCli(['logs', dir, '--out-dir', join(tmp.path, 'regenerated')]);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.match(
      readFileSync(join(tmp.path, 'regenerated', 'tau2_retail.log'), 'utf8'),
      /type=tool_call .* duration_ms=5\.00$/m,
    );
  });

  it('logs: ids and names of real runs are written as they are; only what would break a line is escaped', () => {
    for (const id of [
      '0',
      'create_task_1',
      '[mobile_data_issue]airplane_mode_on|user_abroad_roaming_enabled_off[PERSONA:None]',
      '/workspace/ckpt/nvidia/Nemotron-Orchestrator-8B',
      'Qwen/Qwen3-32B',
      'ünïcødé',
    ]) {
      assert.equal(escapeLogValue(id), id);
    }
    assert.equal(escapeLogValue('a b'), 'a%20b');
    assert.equal(escapeLogValue('k=v'), 'k%3Dv');
    assert.equal(escapeLogValue('50%'), '50%25');
    assert.equal(escapeLogValue('a\tb\r\nc'), 'a%09b%0D%0Ac');
    assert.equal(escapeLogValue('nb\u00a0sp'), 'nb%C2%A0sp');
    assert.equal(escapeLogValue('ls\u2028'), 'ls%E2%80%A8');
  });
});
