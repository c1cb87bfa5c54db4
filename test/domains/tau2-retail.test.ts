import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkExpected,
  checkSequences,
  initializeEnvironment,
  readActionsFile,
} from '../../src/domains/tau2/check.js';
import { modelName } from '../../src/domains/tau2/env/python.js';
import { openAiSchema } from '../../src/domains/tau2/env/schema.js';
import { faithfulPort, openFaithfulDomain } from '../../src/domains/tau2/faithful.js';
import { agentSystemPrompt } from '../../src/domains/tau2/prompts.js';
import { dumpsPy, loadsPy, type PyValue } from '../../src/util/pyjson.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by tau2-bench's own code (scripts/tau2_reference.py); see test/fixtures/tau2/README.md.
const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const golden = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const { domain, tasks } = openFaithfulDomain(faithfulPort('retail')!, tau2DataDir);

/** Compares dump lines one by one, so a failure names the first differing line rather than a blob. */
function assertSameLines(actual: string[], expectedText: string): void {
  const expected = expectedText.split('\n').slice(0, -1);
  for (const [i, want] of expected.entries()) assert.equal(actual[i], want, `line ${i + 1}`);
  assert.equal(actual.length, expected.length, 'number of lines');
}

describe('retail (faithful port): tasks check goldens', () => {
  it('replays every expected action as tau2 does (retail_check.jsonl, byte for byte)', () => {
    const { lines, counts } = checkExpected(domain, tasks);
    assertSameLines(lines, golden('retail_check.jsonl'));
    assert.deepEqual(counts, { tasks: 114, calls: 550, errors: 18, setupFailures: 0 });
  });

  it('replays the wrong sequences as tau2 does (retail_wrong.jsonl, byte for byte)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'wrong-actions.json')).filter(
      (s) => s.domain === 'retail',
    );
    const { lines, counts } = checkSequences(domain, new Map(tasks.map((t) => [t.id, t])), sequences);
    assertSameLines(lines, golden('retail_wrong.jsonl'));
    assert.deepEqual(counts, { tasks: 16, calls: 65, errors: 43, setupFailures: 0 });
  });

  it('replays retail-extra-actions.json as tau2 does (retail_extra.jsonl: unvalidated argument types)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'retail-extra-actions.json'));
    const { lines, counts } = checkSequences(domain, new Map(tasks.map((t) => [t.id, t])), sequences);
    assertSameLines(lines, golden('retail_extra.jsonl'));
    assert.deepEqual(counts, { tasks: 11, calls: 51, errors: 32, setupFailures: 0 });
  });
});

describe('retail (faithful port): what the model is sent', () => {
  const schemas = JSON.parse(golden('retail_schemas.json'));
  const prompts = JSON.parse(golden('retail_prompts.json'));

  it("the agent's tool schemas equal tau2's, key order included; the user has no tools", () => {
    assert.equal(JSON.stringify(domain.agentTools.tools.map(openAiSchema)), JSON.stringify(schemas.agent));
    assert.equal(schemas.user, null);
    assert.equal(domain.userTools, null);
  });

  it("the agent's system prompt equals tau2's", () => {
    assert.equal(agentSystemPrompt(domain.policy), prompts.agent_system_prompt);
  });
});

describe('retail (faithful port): the DB as Python holds it', () => {
  const env = initializeEnvironment(domain, tasks[0]!);
  const call = (name: string, args: Record<string, unknown>) =>
    env.getResponse({ name, arguments: loadsPy(JSON.stringify(args)) as never, requestor: 'assistant' });

  it('keeps dict keys in file order even when they look like integers (variants keyed by item id)', () => {
    const raw = loadsPy(readFileSync(path.join(tau2DataDir, 'domains/retail/db.json'), 'utf8')) as {
      products: Record<string, { variants: object }>;
    };
    const product = env.tools.db['products'] as Record<string, { variants: object }>;
    for (const [id, p] of Object.entries(raw.products)) {
      assert.deepEqual(Object.keys(product[id]!.variants), Object.keys(p.variants), id);
    }
    // "1151293680" (< 2^32) comes after "9690244451" in the file; a plain JS object would list it first.
    const output = loadsPy(call('get_product_details', { product_id: '1656367028' }).content);
    const keys = Object.keys((output as { variants: object }).variants);
    assert.ok(keys.indexOf('9690244451') < keys.indexOf('1151293680'), keys.join(','));
  });

  it('validates payment methods into their union member, so only gift cards get balances refunded', () => {
    const user = (env.tools.db['users'] as Record<string, { payment_methods: object }>)['anya_garcia_3271']!;
    assert.deepEqual(Object.values(user.payment_methods).map(modelName), ['GiftCard', 'CreditCard']);
    // Cancelling an order paid by gift card refunds the card at once (order #W6436609, quirk-free path).
    const before = (user.payment_methods as Record<string, { balance: number }>)['gift_card_4374071']!
      .balance;
    const order = JSON.parse(call('get_order_details', { order_id: '#W6436609' }).content);
    assert.equal(order.payment_history[0].payment_method_id, 'gift_card_4374071');
    assert.equal(
      call('cancel_pending_order', { order_id: '#W6436609', reason: 'no longer needed' }).error,
      false,
    );
    const after = (user.payment_methods as Record<string, { balance: number }>)['gift_card_4374071']!.balance;
    assert.equal(after, Math.round((before + order.payment_history[0].amount) * 100) / 100);
  });
});

describe('retail (faithful port): calculate', () => {
  it("answers every case of calculate-cases.json as tau2's calculate does (calculate.jsonl)", () => {
    // Results, Python's rounding, and CPython's exception texts (SyntaxError wording included).
    const env = initializeEnvironment(domain, tasks[0]!);
    const cases = loadsPy(golden('calculate-cases.json')) as PyValue[];
    const lines = cases.map((expression) => {
      const { content, error } = env.getResponse({
        name: 'calculate',
        arguments: { expression },
        requestor: 'assistant',
      });
      return dumpsPy({ expression, output: content, error }, { separators: [',', ':'], ensureAscii: false });
    });
    assertSameLines(lines, golden('calculate.jsonl'));
  });
});
