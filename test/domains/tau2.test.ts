import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listTau2Domains, loadTau2Domain, type RetailDb } from '../../src/domains/tau2/index.js';
import type { Domain } from '../../src/domains/types.js';
import { tau2DataDir } from '../helpers.js';

// The tau2-bench data beside the project (../shared/tau2) is a required fixture: missing, these tests fail.
const dataDir = tau2DataDir;

interface RawTask {
  id: string;
  initial_state?: Record<string, unknown> | null;
  evaluation_criteria?: { env_assertions?: unknown[] | null } | null;
}
const rawTasks = (name: string): RawTask[] =>
  JSON.parse(readFileSync(path.join(dataDir, 'domains', name, 'tasks.json'), 'utf8'));

/** The skip rule, restated from the tau2 files: per-task initial state or environment assertions. */
function needsSkipping(t: RawTask): boolean {
  const init = t.initial_state ?? {};
  const stateful = ['message_history', 'initialization_data', 'initialization_actions'].some(
    (k) => init[k] != null,
  );
  return stateful || (t.evaluation_criteria?.env_assertions ?? []).length > 0;
}

// Gold trajectories that include calls failing by design, also with tau2's own tools: the user first gives a
// wrong email, zip or order id (35-68), the agent looks up an example product id (2-4) or tries to exchange a
// pending order before modifying it (64), or the gift card cannot cover the price difference (105).
const RETAIL_FAILING_ACTIONS: Record<string, number[]> = {
  '2': [1],
  '3': [1],
  '4': [1],
  '35': [0],
  '37': [0],
  '38': [0],
  '39': [0],
  '46': [1, 2],
  '47': [1, 2],
  '54': [0],
  '55': [0],
  '64': [6],
  '67': [0, 1],
  '68': [0],
  '105': [0],
};

function replay(domain: Domain, id: string) {
  const task = domain.tasks.find((t) => t.id === id)!;
  const env = domain.createEnvironment(task);
  const before = env.dbHash();
  const results = task.expectedActions.map((a) => env.execute(a.name, a.arguments));
  return { task, env, before, results };
}

describe('loadTau2Domain on the tau2 data', () => {
  for (const name of ['mock', 'retail']) {
    it(`loads ${name} and skips exactly the tasks needing unsupported features`, () => {
      const raw = rawTasks(name);
      const { domain, skipped } = loadTau2Domain(dataDir, name);
      const expectedSkipped = raw.filter(needsSkipping).map((t) => String(t.id));
      assert.deepEqual(
        skipped.map((s) => s.id),
        expectedSkipped,
      );
      assert.equal(domain.tasks.length, raw.length - expectedSkipped.length);
      assert.ok(domain.tasks.length > 0);
      for (const s of skipped) assert.match(s.reason, /initial_state\.\w+ is not supported|env_assertions/);
      assert.equal(domain.name, name);
      assert.ok(domain.policy.length > 100);
      assert.ok(domain.tasks.every((t) => t.domain === name && t.userInstructions.length > 0));
    });
  }

  it('maps the mock tasks: plain instructions, reward basis defaults and compare_args', () => {
    const { domain, skipped } = loadTau2Domain(dataDir, 'mock');
    assert.equal(skipped.length, 6);
    assert.deepEqual(
      domain.tasks.map((t) => t.id),
      ['create_task_1', 'create_task_1_nl_eval', 'update_task_1', 'impossible_task_1'],
    );
    const byId = new Map(domain.tasks.map((t) => [t.id, t]));
    const create = byId.get('create_task_1')!;
    assert.match(create.userInstructions, /^Persona: Professional/);
    assert.match(create.userInstructions, /Create a new task called 'Important Meeting' for user_1\.$/);
    assert.deepEqual(create.rewardBasis, ['DB', 'ACTION', 'NL_ASSERTION']);
    assert.deepEqual(byId.get('create_task_1_nl_eval')!.expectedActions, []);
    const impossible = byId.get('impossible_task_1')!;
    assert.deepEqual(impossible.rewardBasis, ['DB', 'ACTION']);
    assert.deepEqual(impossible.nlAssertions, []);
    assert.deepEqual(impossible.expectedActions[0]!.compareArgs, []);
    assert.equal(create.expectedActions[0]!.compareArgs, undefined);
  });

  it('turns structured retail instructions into labelled text', () => {
    const { domain } = loadTau2Domain(dataDir, 'retail');
    const first = domain.tasks.find((t) => t.id === '0')!;
    const lines = first.userInstructions.split('\n');
    assert.equal(lines[0], 'Domain: retail');
    assert.match(lines[1]!, /^Reason for call: You received your order #W2378156/);
    assert.equal(lines[2], 'Known info: You are Yusuf Rossi in zip code 19122.');
    assert.equal(lines[3], 'Unknown info: You do not remember your email address.');
    assert.match(lines[4]!, /^Task instructions: /);
    for (const t of domain.tasks) assert.doesNotMatch(t.userInstructions, /null|undefined|\[object/, t.id);
    const noUnknown = domain.tasks.find((t) => t.id === '35')!;
    assert.doesNotMatch(noUnknown.userInstructions, /Unknown info/);
    assert.ok(
      domain.tasks.every((t) => t.rewardBasis.join() === 'DB,NL_ASSERTION' || t.rewardBasis.join() === 'DB'),
    );
  });

  it('replays every mock task with ok results', () => {
    const { domain } = loadTau2Domain(dataDir, 'mock');
    for (const t of domain.tasks) {
      const { results } = replay(domain, t.id);
      for (const r of results) assert.ok(r.ok, `${t.id}: ${r.content}`);
    }
    const { env, before } = replay(domain, 'create_task_1');
    assert.notEqual(env.dbHash(), before);
    const users = JSON.parse(env.execute('get_users', {}).content);
    assert.deepEqual(users[0].tasks, ['task_1', 'task_2']);
  });

  it('replays every retail task; only the by-design failures fail, and deterministically', () => {
    const { domain } = loadTau2Domain(dataDir, 'retail');
    const failing: Record<string, number[]> = {};
    for (const t of domain.tasks) {
      const { env, results } = replay(domain, t.id);
      results.forEach((r, i) => {
        if (!r.ok) failing[t.id] = [...(failing[t.id] ?? []), i];
        else assert.doesNotMatch(r.content, /^Error/);
      });
      assert.equal(replay(domain, t.id).env.dbHash(), env.dbHash(), `${t.id} replays to the same database`);
    }
    assert.deepEqual(failing, RETAIL_FAILING_ACTIONS);
  });

  it('applies retail write semantics: refunds, gift cards, one-shot item changes', () => {
    const { domain } = loadTau2Domain(dataDir, 'retail');
    const env = domain.createEnvironment(domain.tasks[0]!);
    const initialHash = env.dbHash();
    const call = (name: string, args: Record<string, unknown>) => env.execute(name, args);
    const json = (name: string, args: Record<string, unknown>) => JSON.parse(call(name, args).content);
    const db = JSON.parse(readFileSync(path.join(dataDir, 'domains/retail/db.json'), 'utf8')) as RetailDb;
    const giftPaid = Object.values(db.orders).find(
      (o) => o.status === 'pending' && o.payment_history[0]!.payment_method_id.startsWith('gift_card'),
    )!;
    const paid = giftPaid.payment_history[0]!;
    const cardId = paid.payment_method_id;
    const balance = db.users[giftPaid.user_id]!.payment_methods[cardId]!.balance!;

    const cancelled = json('cancel_pending_order', {
      order_id: giftPaid.order_id,
      reason: 'no longer needed',
    });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.payment_history.at(-1).transaction_type, 'refund');
    const after = json('get_user_details', { user_id: giftPaid.user_id }).payment_methods[cardId].balance;
    assert.equal(after, Math.round((balance + paid.amount) * 100) / 100);
    assert.match(
      call('cancel_pending_order', { order_id: giftPaid.order_id, reason: 'no longer needed' }).content,
      /'cancelled'/,
    );

    // Task 0's exchange, then the same order cannot be exchanged or returned again.
    const exchange = domain.tasks[0]!.expectedActions.at(-1)!;
    assert.equal(json(exchange.name, exchange.arguments).status, 'exchange requested');
    assert.equal(call(exchange.name, exchange.arguments).ok, false);
    assert.equal(call('calculate', { expression: '(1 + 2) / 3 * 10.005' }).content, '10.01');
    assert.match(call('calculate', { expression: 'import os' }).content, /^Error: invalid expression/);
    assert.match(call('get_item_details', { item_id: '1151293680' }).content, /"product_id":"1656367028"/);
    assert.equal(
      call('find_user_id_by_name_zip', { first_name: 'yusuf', last_name: 'ROSSI', zip: '19122' }).content,
      'yusuf_rossi_9620',
    );
    assert.equal(Object.keys(json('list_all_product_types', {})).length, 50);
    assert.equal(
      domain.createEnvironment(domain.tasks[0]!).dbHash(),
      initialHash,
      'writes stay in their environment',
    );
  });

  it('lists the domain directories', () => {
    assert.deepEqual(
      listTau2Domains(dataDir).filter((d) => d === 'mock' || d === 'retail'),
      ['mock', 'retail'],
    );
  });
});

describe('loadTau2Domain errors', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tau2-domains-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const writeDomain = (root: string, name: string, files: Record<string, string>) => {
    const dir = path.join(root, 'domains', name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const good = { 'db.json': '{"tasks": {}, "users": {}}', 'tasks.json': '[]', 'policy.md': '# p' };

  it('names a missing data directory', () => {
    const missing = path.join(tmp, 'nope');
    assert.throws(() => loadTau2Domain(missing, 'mock'), {
      message: `tau2 data directory not found: ${missing}`,
    });
  });

  it('names a missing domain directory and hints at data/tau2', () => {
    const root = path.join(tmp, 'bench');
    writeDomain(path.join(root, 'data', 'tau2'), 'mock', good);
    assert.throws(
      () => loadTau2Domain(root, 'mock'),
      (err: Error) => {
        assert.ok(err.message.includes(path.join(root, 'domains', 'mock')));
        assert.ok(err.message.includes(`did you mean --data-dir ${path.join(root, 'data', 'tau2')}`));
        return true;
      },
    );
  });

  it('names a domain it has no tools for', () => {
    const root = path.join(tmp, 'unsupported');
    const dir = writeDomain(root, 'airline', good);
    assert.throws(
      () => loadTau2Domain(root, 'airline'),
      (err: Error) => {
        assert.ok(
          err.message.includes('"airline"') && err.message.includes(dir) && err.message.includes('mock'),
        );
        return true;
      },
    );
  });

  it('names a missing file and a file with invalid JSON', () => {
    const root = path.join(tmp, 'broken');
    const dir = writeDomain(root, 'mock', { ...good, 'tasks.json': '[{"id": ' });
    assert.throws(
      () => loadTau2Domain(root, 'mock'),
      (err: Error) => {
        assert.ok(err.message.startsWith(`invalid JSON in ${path.join(dir, 'tasks.json')}`), err.message);
        return true;
      },
    );
    rmSync(path.join(dir, 'policy.md'));
    assert.throws(() => loadTau2Domain(root, 'mock'), {
      message: `tau2 file not found: ${path.join(dir, 'policy.md')}`,
    });
  });

  it('names a database of the wrong shape', () => {
    const root = path.join(tmp, 'shape');
    const dir = writeDomain(root, 'retail', { ...good, 'db.json': '{"users": {}}' });
    assert.throws(() => loadTau2Domain(root, 'retail'), { message: new RegExp(path.join(dir, 'db.json')) });
  });
});
