import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RewardType } from '../../src/domains/tau2/criteria.js';
import { evaluateActions } from '../../src/domains/tau2/evaluate/action.js';
import { evaluateCommunicate } from '../../src/domains/tau2/evaluate/communicate.js';
import { evaluateSimulation, Tau2EvaluationError } from '../../src/domains/tau2/evaluate/evaluate.js';
import type { Tau2Message } from '../../src/domains/tau2/evaluate/messages.js';
import { evaluateNlAssertions, type JudgeRequest } from '../../src/domains/tau2/evaluate/nl-assertions.js';
import type { TerminationReason } from '../../src/domains/tau2/evaluate/reward-info.js';
import {
  FAITHFUL_DOMAINS,
  faithfulPort,
  openFaithfulDomain,
  TAU2_DOMAINS,
} from '../../src/domains/tau2/faithful.js';
import type { OpenedTau2Domain } from '../../src/domains/tau2/port.js';
import { readTasks, type Tau2Task } from '../../src/domains/tau2/tasks.js';
import { dumpsPy, loadsPy, type PyValue } from '../../src/util/pyjson.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by tau2-bench's own evaluate_simulation (scripts/tau2_scoring_reference.py); format in
// test/fixtures/tau2/README.md.
const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const goldenFile = (domain: string) => path.join(fixtures, `${domain}_eval.jsonl`);

/** One line of `<domain>_eval.jsonl`. */
interface EvalLine {
  domain: string;
  task_id: string;
  variant: string;
  reward_basis: RewardType[] | null;
  termination_reason: TerminationReason;
  messages: Tau2Message[];
  judge_reply: string | null;
  judge_requests: PyValue[];
  reward_info: PyValue | null;
  error: { type: string; message: string } | null;
}

function readGolden(domain: string): EvalLine[] {
  const text = readFileSync(goldenFile(domain), 'utf8');
  // Lossless: 2 and 2.0 in tool arguments must stay apart, as they do for tau2.
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => loadsPy(l) as unknown as EvalLine);
}

// Compact dumps: the comparison is of tau2's JSON text, key order and float formatting included.
const json = (v: unknown) => dumpsPy(v as PyValue, { separators: [',', ':'], ensureAscii: false });

/** The golden's task, with the reward basis it was scored with when the line overrides it. */
function taskFor(tasks: ReadonlyMap<string, Tau2Task>, line: EvalLine): Tau2Task {
  const task = tasks.get(line.task_id);
  assert.ok(task, `no task ${line.task_id}`);
  if (line.reward_basis === null) return task;
  assert.ok(task.evaluationCriteria);
  return { ...task, evaluationCriteria: { ...task.evaluationCriteria, reward_basis: line.reward_basis } };
}

const covered = new Map<string, number>();

describe('scoring as tau2 scores (<domain>_eval.jsonl)', () => {
  it('has tau2 goldens for all four domains', () => {
    for (const domain of TAU2_DOMAINS) assert.ok(existsSync(goldenFile(domain)), goldenFile(domain));
  });

  for (const name of FAITHFUL_DOMAINS) {
    it(`${name}: every trajectory gets tau2's RewardInfo, judge prompt and exceptions`, async () => {
      const { domain, tasks } = openFaithfulDomain(faithfulPort(name)!, tau2DataDir);
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const lines = readGolden(name);
      for (const [i, line] of lines.entries()) {
        const where = `${name}_eval.jsonl line ${i + 1} (${line.task_id}, ${line.variant})`;
        const requests: JudgeRequest[] = [];
        const run = evaluateSimulation({
          domain,
          task: taskFor(byId, line),
          messages: line.messages,
          termination: line.termination_reason,
          judge: async (request) => {
            requests.push(request);
            return line.judge_reply;
          },
        });
        if (line.error !== null) {
          const err = await run.then(
            () => assert.fail(`${where}: scored, tau2 raised ${line.error!.type}`),
            (e: unknown) => e,
          );
          assert.ok(err instanceof Tau2EvaluationError, `${where}: ${String(err)}`);
          assert.deepEqual({ type: err.pyType, message: err.message }, line.error, where);
        } else {
          assert.equal(json(await run), json(line.reward_info), where);
        }
        assert.equal(json(requests), json(line.judge_requests), `${where}: judge requests`);
      }
      covered.set(name, lines.length);
    });
  }

  it('covered the whole mock golden file at least', () => {
    assert.ok(FAITHFUL_DOMAINS.includes('mock'));
    const lines = readGolden('mock').length;
    assert.ok(lines > 100, `mock_eval.jsonl has ${lines} lines`);
    assert.equal(covered.get('mock'), lines);
  });
});

// A domain that must not be touched: premature terminations are scored without one.
const noDomain = new Proxy({} as OpenedTau2Domain, {
  get: () => assert.fail('the domain was used'),
});

const field = (info: PyValue | null, key: string): PyValue =>
  (info as { [key: string]: PyValue } | null)?.[key] ?? null;

describe('scoring without an environment, on every domain (ported or not)', () => {
  // What needs no faithful domain: terminations, the action and communicate checks (but the tool types), the
  // judge's prompt and the reading of its answer. Checks the goldens of domains not ported yet against the port.
  for (const name of TAU2_DOMAINS) {
    it(`${name}_eval.jsonl: terminations, action and communicate checks, judge requests and answers`, async () => {
      const tasks = readTasks(path.join(tau2DataDir, 'domains', name, 'tasks.json'));
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const lines = readGolden(name);
      let judged = 0;
      for (const [i, line] of lines.entries()) {
        const where = `${name}_eval.jsonl line ${i + 1} (${line.task_id}, ${line.variant})`;
        const task = taskFor(byId, line);
        const judge = async () => line.judge_reply;
        if (line.termination_reason !== 'agent_stop' && line.termination_reason !== 'user_stop') {
          const info = await evaluateSimulation({
            domain: noDomain,
            task,
            messages: line.messages,
            termination: line.termination_reason,
            judge,
          });
          assert.equal(json(info), json(line.reward_info), where);
          continue;
        }
        const criteria = task.evaluationCriteria!;
        if (line.judge_requests.length > 0) {
          judged++;
          const requests: JudgeRequest[] = [];
          const nl = evaluateNlAssertions(criteria, line.messages, async (r) => {
            requests.push(r);
            return line.judge_reply;
          });
          if (line.error !== null) {
            // The judge runs last: an exception after it was called is the reading of its answer.
            await assert.rejects(nl, (e: Error & { pyType?: string }) => {
              assert.deepEqual({ type: e.pyType, message: e.message }, line.error, where);
              return true;
            });
          } else {
            assert.equal(
              json((await nl).nl_assertions),
              json(field(line.reward_info, 'nl_assertions')),
              where,
            );
          }
          assert.equal(json(requests), json(line.judge_requests), `${where}: judge requests`);
        }
        if (line.reward_info === null) continue;
        const communicate = evaluateCommunicate(criteria, line.messages);
        assert.equal(
          json(communicate.communicate_checks),
          json(field(line.reward_info, 'communicate_checks')),
          where,
        );
        const actions = evaluateActions(criteria, line.messages, new Map()).action_checks;
        const golden = field(line.reward_info, 'action_checks') as { [key: string]: PyValue }[] | null;
        // Without the domain's toolkits the tool types are unknown: compare the rest.
        assert.equal(json(actions), json(golden?.map((c) => ({ ...c, tool_type: null })) ?? null), where);
      }
      assert.ok(lines.length >= tasks.length * 2, `${name}: ${lines.length} lines for ${tasks.length} tasks`);
      if (name === 'retail' || name === 'mock') assert.ok(judged > 0, `${name}: no judged line`);
    });
  }
});
