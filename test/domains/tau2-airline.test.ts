import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkExpected,
  checkSequences,
  initializeEnvironment,
  readActionsFile,
} from '../../src/domains/tau2/check.js';
import { openAiSchema } from '../../src/domains/tau2/env/schema.js';
import { faithfulPort, openFaithfulDomain } from '../../src/domains/tau2/faithful.js';
import { Tau2DataError } from '../../src/domains/tau2/port.js';
import { agentSystemPrompt } from '../../src/domains/tau2/prompts.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by tau2-bench's own code (scripts/tau2_reference.py); see test/fixtures/tau2/README.md.
const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const golden = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const port = faithfulPort('airline')!;
const { domain, tasks } = openFaithfulDomain(port, tau2DataDir);
const byId = new Map(tasks.map((t) => [t.id, t]));

/** Compares dump lines one by one, so a failure names the first differing line rather than a blob. */
function assertSameLines(actual: string[], expectedText: string): void {
  const expected = expectedText.split('\n').slice(0, -1);
  for (const [i, want] of expected.entries()) assert.equal(actual[i], want, `line ${i + 1}`);
  assert.equal(actual.length, expected.length, 'number of lines');
}

describe('airline (faithful port): tasks check goldens', () => {
  it('replays every expected action as tau2 does (airline_check.jsonl, byte for byte)', () => {
    const { lines, counts } = checkExpected(domain, tasks);
    assertSameLines(lines, golden('airline_check.jsonl'));
    assert.deepEqual(counts, { tasks: 50, calls: 142, errors: 0, setupFailures: 0 });
  });

  it('replays the wrong sequences as tau2 does (airline_wrong.jsonl, byte for byte)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'wrong-actions.json')).filter(
      (s) => s.domain === 'airline',
    );
    const { lines, counts } = checkSequences(domain, byId, sequences);
    assertSameLines(lines, golden('airline_wrong.jsonl'));
    assert.deepEqual(counts, { tasks: 17, calls: 71, errors: 36, setupFailures: 0 });
  });

  it('replays the edge cases as tau2 does: calculate, raw arguments, float prices (airline_probes.jsonl)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'airline-probes.json'));
    const { lines, counts } = checkSequences(domain, byId, sequences);
    assertSameLines(lines, golden('airline_probes.jsonl'));
    assert.deepEqual(counts, { tasks: 11, calls: 398, errors: 165, setupFailures: 0 });
  });
});

describe('airline (faithful port): what the model is sent', () => {
  const schemas = JSON.parse(golden('airline_schemas.json'));
  const prompts = JSON.parse(golden('airline_prompts.json'));

  it("the agent's tool schemas equal tau2's, $defs, anyOf and key order included", () => {
    assert.equal(JSON.stringify(domain.agentTools.tools.map(openAiSchema)), JSON.stringify(schemas.agent));
  });

  it("the agent's system prompt equals tau2's", () => {
    assert.equal(agentSystemPrompt(domain.policy), prompts.agent_system_prompt);
  });

  it('gives the user no tools, as tau2 does for every airline task', () => {
    assert.equal(schemas.user, null);
    assert.equal(domain.userTools, null);
    for (const p of prompts.user_system_prompts) assert.equal(p.user_tools, null, p.task_id);
  });
});

describe('airline (faithful port): environments', () => {
  it('each environment starts from its own copy of the DB', () => {
    const first = initializeEnvironment(domain, byId.get('1')!);
    const pristine = first.dbHash();
    const sent = first.getResponse({
      name: 'send_certificate',
      arguments: { user_id: 'raj_sanchez_7340', amount: 100n },
      requestor: 'assistant',
    });
    assert.equal(sent.error, false);
    assert.notEqual(first.dbHash(), pristine);
    assert.equal(initializeEnvironment(domain, byId.get('1')!).dbHash(), pristine);
  });

  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a db.json that is not a FlightDB fails at open, naming the file and the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'airline-'));
    dirs.push(dir);
    const domainDir = path.join(dir, 'domains', 'airline');
    mkdirSync(domainDir, { recursive: true });
    symlinkSync(path.join(tau2DataDir, 'domains/airline/policy.md'), path.join(domainDir, 'policy.md'));
    writeFileSync(
      path.join(domainDir, 'db.json'),
      '{"flights": {}, "users": {}, "reservations": {}, "x": 1}',
    );
    assert.throws(
      () => port.open(domainDir),
      (err: Error) =>
        err instanceof Tau2DataError &&
        err.message.includes(path.join(domainDir, 'db.json')) &&
        err.message.includes('x\n  Extra inputs are not permitted [type=extra_forbidden'),
    );
  });
});
