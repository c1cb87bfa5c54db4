import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoDomain } from '../../src/domains/demo/index.js';
import type { DomainEnvironment, Task } from '../../src/domains/types.js';

const WRITE_TOOLS = new Set([
  'cancel_pending_order',
  'update_order_address',
  'return_delivered_items',
  'place_order',
]);
const fresh = (): DomainEnvironment => demoDomain.createEnvironment(demoDomain.tasks[0]!);
const run = (env: DomainEnvironment, name: string, args: Record<string, unknown>) => env.execute(name, args);

describe('demo domain tasks', () => {
  it('has at least 12 well-formed tasks, one of which is a transfer', () => {
    const { tasks, tools } = demoDomain;
    assert.ok(tasks.length >= 12);
    assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length);
    const toolNames = new Set(tools.map((t) => t.name));
    for (const t of tasks) {
      assert.equal(t.domain, 'demo');
      assert.ok(t.expectedActions.length >= 1 && t.expectedActions.length <= 5, t.id);
      assert.ok(t.nlAssertions.length >= 1 && t.nlAssertions.length <= 2, t.id);
      assert.ok(t.rewardBasis.length > 0, t.id);
      for (const a of t.expectedActions) assert.ok(toolNames.has(a.name), `${t.id}: ${a.name}`);
    }
    assert.ok(tasks.some((t) => t.expectedActions.some((a) => a.name === 'transfer_to_human_agents')));
  });

  for (const task of demoDomain.tasks) {
    it(`replays the expected actions of ${task.id}`, () => {
      const env = demoDomain.createEnvironment(task);
      const before = env.dbHash();
      for (const [i, a] of task.expectedActions.entries()) {
        const result = env.execute(a.name, a.arguments);
        assert.ok(result.ok, `action ${i} ${a.name}: ${result.content}`);
      }
      const writes = task.expectedActions.some((a: Task['expectedActions'][number]) =>
        WRITE_TOOLS.has(a.name),
      );
      if (writes) assert.notEqual(env.dbHash(), before, 'a write task changes the database');
      else assert.equal(env.dbHash(), before, 'a read-only task leaves the database alone');
    });
  }
});

describe('demo environments', () => {
  it('hashes the same database the same way, and reads do not change it', () => {
    const a = fresh();
    const b = fresh();
    assert.match(a.dbHash(), /^[0-9a-f]{64}$/);
    assert.equal(a.dbHash(), b.dbHash());
    assert.ok(run(a, 'get_order_details', { order_id: '#B1001' }).ok);
    assert.ok(run(a, 'search_books', { query: 'austen' }).ok);
    assert.equal(a.dbHash(), b.dbHash());
  });

  it('keeps environments independent of each other and of the initial data', () => {
    const initial = fresh().dbHash();
    const a = fresh();
    const b = fresh();
    assert.ok(run(a, 'cancel_pending_order', { order_id: '#B1001', reason: 'ordered by mistake' }).ok);
    assert.notEqual(a.dbHash(), initial);
    assert.equal(b.dbHash(), initial);
    assert.equal(fresh().dbHash(), initial);
    assert.match(run(b, 'get_order_details', { order_id: '#B1001' }).content, /"status":"pending"/);
  });

  it('returns tool errors as values and leaves the database unchanged', () => {
    const env = fresh();
    const before = env.dbHash();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['get_order_details', { order_id: '#B9999' }, /order not found: #B9999/],
      ['get_order_details', {}, /'order_id' must be a string/],
      ['get_order_details', { order_id: '#B1001', verbose: true }, /unexpected argument.*verbose/],
      ['cancel_pending_order', { order_id: '#B1003', reason: 'no longer needed' }, /is shipped/],
      ['cancel_pending_order', { order_id: '#B1001', reason: 'too expensive' }, /reason must be one of/],
      [
        'update_order_address',
        { order_id: '#B1002', street: 'x', city: 'y', state: 'z', zip: '1' },
        /delivered/,
      ],
      [
        'return_delivered_items',
        { order_id: '#B1007', item_ids: ['B1007-9'], payment_method_id: 'credit_card_1003' },
        /not part/,
      ],
      [
        'return_delivered_items',
        { order_id: '#B1004', item_ids: ['B1004-1'], payment_method_id: 'paypal_3002' },
        /does not belong/,
      ],
      [
        'place_order',
        { customer_id: 'cust_sofia_garcia', book_ids: ['bk_1003'], payment_method_id: 'paypal_3002' },
        /in stock/,
      ],
      [
        'place_order',
        {
          customer_id: 'cust_amara_okafor',
          book_ids: ['bk_1009', 'bk_1009'],
          payment_method_id: 'credit_card_1004',
        },
        /only 1 copies/,
      ],
      [
        'place_order',
        {
          customer_id: 'cust_kenji_tanaka',
          book_ids: ['bk_1007', 'bk_1001'],
          payment_method_id: 'gift_card_2002',
        },
        /balance is too low/,
      ],
      [
        'place_order',
        { customer_id: 'cust_kenji_tanaka', book_ids: 'bk_1001', payment_method_id: 'credit_card_1003' },
        /array of strings/,
      ],
      ['find_customer_by_email', { email: 'nobody@example.com' }, /no customer/],
      ['delete_everything', {}, /unknown tool 'delete_everything'/],
    ];
    for (const [name, args, pattern] of cases) {
      const result = run(env, name, args);
      assert.equal(result.ok, false, name);
      assert.match(result.content, /^Error: /);
      assert.match(result.content, pattern);
    }
    assert.equal(env.dbHash(), before);
  });

  it('applies the side effects of writes', () => {
    const env = fresh();
    const order = (id: string) => JSON.parse(run(env, 'get_order_details', { order_id: id }).content);
    const book = (id: string) => JSON.parse(run(env, 'get_book_details', { book_id: id }).content);
    const customer = (id: string) =>
      JSON.parse(run(env, 'get_customer_details', { customer_id: id }).content);

    assert.ok(run(env, 'cancel_pending_order', { order_id: '#B1008', reason: 'no longer needed' }).ok);
    assert.equal(order('#B1008').status, 'cancelled');
    assert.equal(book('bk_1007').stock, 8);

    const placed = run(env, 'place_order', {
      customer_id: 'cust_maya_patel',
      book_ids: ['bk_1004', 'bk_1004'],
      payment_method_id: 'gift_card_2001',
    });
    assert.ok(placed.ok, placed.content);
    const created = JSON.parse(placed.content);
    assert.equal(created.order_id, '#B1012');
    assert.equal(created.total, 14.5);
    assert.equal(book('bk_1004').stock, 7);
    assert.equal(customer('cust_maya_patel').payment_methods.gift_card_2001.balance, 25.5);
    assert.ok(customer('cust_maya_patel').order_ids.includes('#B1012'));

    assert.ok(
      run(env, 'return_delivered_items', {
        order_id: '#B1010',
        item_ids: ['B1010-2'],
        payment_method_id: 'gift_card_2003',
      }).ok,
    );
    assert.equal(customer('cust_noah_berg').payment_methods.gift_card_2003.balance, 112.5);
    assert.equal(order('#B1010').status, 'return requested');
  });

  it('describes every tool with an object schema listing its required parameters', () => {
    for (const t of demoDomain.tools) {
      assert.equal(t.parameters.type, 'object');
      for (const r of t.parameters.required ?? []) assert.ok(r in t.parameters.properties, `${t.name}.${r}`);
      assert.ok(t.description.length > 10);
    }
    assert.ok(demoDomain.policy.includes('transfer_to_human_agents'));
  });
});
