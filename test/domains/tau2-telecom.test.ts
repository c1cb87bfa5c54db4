import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkExpected,
  checkSequences,
  goldEnvironment,
  initializeEnvironment,
  readActionsFile,
} from '../../src/domains/tau2/check.js';
import type { Tau2Environment } from '../../src/domains/tau2/env/environment.js';
import { validateModel } from '../../src/domains/tau2/env/model.js';
import { PyError } from '../../src/domains/tau2/env/python.js';
import { openAiSchema } from '../../src/domains/tau2/env/schema.js';
import { faithfulPort, openFaithfulDomain } from '../../src/domains/tau2/faithful.js';
import { agentSystemPrompt } from '../../src/domains/tau2/prompts.js';
import type { Tau2Task } from '../../src/domains/tau2/tasks.js';
import { Device, LineItem } from '../../src/domains/tau2/telecom/models.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by tau2-bench's own code (scripts/tau2_reference.py, scripts/tau2_env_assertions.py); see
// test/fixtures/tau2/README.md.
const fixtures = path.join(repoRoot, 'test/fixtures/tau2');
const golden = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const { domain, tasks } = openFaithfulDomain(faithfulPort('telecom')!, tau2DataDir);
const task = (id: string) => tasks.find((t) => t.id === id)!;

/** Compares dump lines one by one, so a failure names the first differing line rather than a blob. */
function assertSameLines(actual: string[], expectedText: string): void {
  const expected = expectedText.split('\n').slice(0, -1);
  for (const [i, want] of expected.entries()) assert.equal(actual[i], want, `line ${i + 1}`);
  assert.equal(actual.length, expected.length, 'number of lines');
}

describe('telecom (faithful port): tasks check goldens', () => {
  it('replays every expected action as tau2 does (telecom_check.jsonl, byte for byte)', () => {
    const { lines, counts } = checkExpected(domain, tasks);
    assertSameLines(lines, golden('telecom_check.jsonl'));
    assert.deepEqual(counts, { tasks: 114, calls: 516, errors: 0, setupFailures: 0 });
  });

  it('replays the wrong sequences as tau2 does (telecom_wrong.jsonl, byte for byte)', () => {
    const sequences = readActionsFile(path.join(fixtures, 'wrong-actions.json')).filter(
      (s) => s.domain === 'telecom',
    );
    const { lines, counts } = checkSequences(domain, new Map(tasks.map((t) => [t.id, t])), sequences);
    assertSameLines(lines, golden('telecom_wrong.jsonl'));
    assert.deepEqual(counts, { tasks: 19, calls: 165, errors: 47, setupFailures: 0 });
  });
});

describe('telecom (faithful port): what the model is sent', () => {
  const schemas = JSON.parse(golden('telecom_schemas.json'));
  const prompts = JSON.parse(golden('telecom_prompts.json'));

  it("the agent's and the user's tool schemas equal tau2's, enums and $defs included", () => {
    assert.equal(JSON.stringify(domain.agentTools.tools.map(openAiSchema)), JSON.stringify(schemas.agent));
    assert.equal(JSON.stringify(domain.userTools!.tools.map(openAiSchema)), JSON.stringify(schemas.user));
  });

  it("the agent's system prompt (main policy + tech support manual) equals tau2's", () => {
    assert.equal(agentSystemPrompt(domain.policy), prompts.agent_system_prompt);
  });

  it('offers the user the tools tau2 offers for every task', () => {
    const names = domain.userTools!.tools.map((t) => t.name);
    assert.equal(prompts.user_system_prompts.length, 114);
    for (const p of prompts.user_system_prompts) assert.deepEqual(names, p.user_tools, p.task_id);
  });
});

// Each assertion of the task in order on one environment (each one syncs, as tau2's run_env_function_call
// does); with `raise`, a failure is recorded as tau2's script records it: "<Type>: <message>".
function runAssertions(env: Tau2Environment, t: Tau2Task, raise: boolean): (boolean | string)[] {
  return (t.evaluationCriteria?.env_assertions ?? []).map((a) => {
    try {
      return env.runEnvAssertion(a, raise);
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      return `${err.pyType}: ${err.message}`;
    }
  });
}

function replayed(t: Tau2Task): Tau2Environment {
  const env = initializeEnvironment(domain, t);
  for (const [index, action] of t.actions.entries()) env.getResponse({ id: `call_${index}`, ...action });
  return env;
}

describe('telecom (faithful port): env assertions (ENV_ASSERTION scoring)', () => {
  const expected = golden('telecom_env_assertions.jsonl')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l));

  it('every task has env assertions, read from evaluation_criteria', () => {
    assert.equal(expected.length, 114);
    assert.ok(tasks.every((t) => (t.evaluationCriteria?.env_assertions ?? []).length > 0));
  });

  it("the evaluator's gold environment (make_tool_call, no sync) has tau2's hashes and assertion results", () => {
    for (const want of expected) {
      const t = task(want.task_id);
      const env = goldEnvironment(domain, t);
      assert.deepEqual(
        [env.dbHash(), env.userDbHash()],
        [want.gold_db_hash, want.gold_user_db_hash],
        `${t.id}: gold hashes`,
      );
      assert.deepEqual(runAssertions(env, t, false), want.gold, `${t.id}: gold`);
    }
  });

  it('the expected calls made through get_response pass every assertion, as in tau2', () => {
    for (const want of expected) {
      const t = task(want.task_id);
      assert.deepEqual(runAssertions(replayed(t), t, false), want.replayed, t.id);
    }
  });

  it("a freshly set-up task fails its assertions with tau2's AssertionError texts", () => {
    for (const want of expected) {
      const t = task(want.task_id);
      assert.deepEqual(runAssertions(initializeEnvironment(domain, t), t, true), want.initial, t.id);
    }
  });

  it('an assertion that does not return a bool is a ValueError, as in tau2', () => {
    const env = initializeEnvironment(domain, tasks[0]!);
    const call = { env_type: 'user', func_name: 'check_status_bar', arguments: {} } as const;
    assert.throws(
      () => env.runEnvAssertion({ ...call, assert_value: true, message: null }),
      /Function check_status_bar returned <class 'str'> instead of bool/,
    );
  });
});

describe('telecom (faithful port): state sync and quirks', () => {
  const base = '[mobile_data_issue]data_mode_off|data_usage_exceeded[PERSONA:None]';

  it('sync_tools carries a suspension to the surroundings, the phone notices it at its next search', () => {
    const env = initializeEnvironment(domain, task(base));
    const suspended = env.getResponse({
      name: 'suspend_line',
      arguments: { customer_id: 'C1001', line_id: 'L1002', reason: 'travel' },
      requestor: 'assistant',
    });
    assert.equal(suspended.error, false);
    const surroundings = env.userTools!.db['surroundings'] as { line_active: boolean };
    assert.equal(surroundings.line_active, false);
    const status = () => env.getResponse({ name: 'check_network_status', arguments: {}, requestor: 'user' });
    assert.match(status().content, /Cellular Connection: connected/);
    env.getResponse({ name: 'reboot_device', arguments: {}, requestor: 'user' });
    assert.match(status().content, /Cellular Connection: no_service/);
  });

  it('a paid payment request settles its bill at the next sync', () => {
    const env = initializeEnvironment(domain, task(base));
    const call = (name: string, args = {}, requestor: 'user' | 'assistant' = 'user') =>
      env.getResponse({ name, arguments: args, requestor }).content;
    assert.equal(
      call('send_payment_request', { customer_id: 'C1001', bill_id: 'B1001' }, 'assistant'),
      'Payment request sent to the customer for bill B1001',
    );
    assert.match(call('check_payment_request'), /^You have a payment request for bill B1001 of /);
    assert.match(call('make_payment'), /^Payment of .* USD has been made for bill B1001\.$/);
    assert.equal(call('check_payment_request'), 'No payment request has been made.');
    assert.match(call('get_details_by_id', { id: 'B1001' }, 'assistant'), /"status": "Paid"/);
  });

  it('set_network_mode_preference(None) stores None, searches, then answers "not a valid option"', () => {
    // Output of tau2's Python for this call (found by a differential run against tau2, see the fidelity doc).
    const env = initializeEnvironment(domain, task(base));
    const out = env.getResponse({
      name: 'set_network_mode_preference',
      arguments: { mode: null },
      requestor: 'user',
    });
    assert.deepEqual(out, {
      content:
        "Failed to set network mode: 'None' is not a valid option. Please use one of: 4g_5g_preferred, 4g_only, 3g_only, 2g_only\nStatus Bar: 📶³ Good | 4G | 📵 Data Disabled | 🔋 80%",
      error: false,
    });
    assert.equal(
      (env.userTools!.db['device'] as { network_mode_preference: unknown }).network_mode_preference,
      null,
    );
  });

  it('break_vpn degrades the shared default VPN details: every later connection is poor (quirk 27)', () => {
    const env = initializeEnvironment(domain, task(base));
    env.runEnvFunctionCall({ env_type: 'user', func_name: 'break_vpn', arguments: {} });
    const fresh = initializeEnvironment(domain, task(base));
    fresh.getResponse({ name: 'connect_vpn', arguments: {}, requestor: 'user' });
    assert.match(
      fresh.getResponse({ name: 'check_vpn_status', arguments: {}, requestor: 'user' }).content,
      /'server_performance': <PerformanceLevel\.POOR: 'poor'>\}$/,
    );
  });
});

describe('telecom (faithful port): dates as pydantic 2.12 reads them', () => {
  // Expected values and texts from pydantic 2.12.4 in tau2's venv (date and datetime fields of a model).
  const item = { description: 'x', amount: 1.0, item_type: 'Charge' };
  const device = { device_id: 'D1', device_type: 'phone', model: 'X', is_esim_capable: true };
  const errorLine = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as PyError).message.split('\n')[2];
    }
    return 'no error';
  };

  it('stores str() of the value: a datetime with a space, a date without time', () => {
    assert.equal(
      validateModel(Device, { ...device, activation_date: '2025-01-20T14:30:00' })['activation_date'],
      '2025-01-20 14:30:00',
    );
    assert.equal(
      validateModel(Device, { ...device, activation_date: '2025-01-20' })['activation_date'],
      '2025-01-20 00:00:00',
    );
    assert.equal(validateModel(LineItem, { ...item, date: '2025-01-20T00:00:00' })['date'], '2025-01-20');
  });

  it("rejects what pydantic rejects, with pydantic's texts", () => {
    assert.equal(
      errorLine(() => validateModel(LineItem, { ...item, date: '2025-01-20T14:30:00' })),
      "  Datetimes provided to dates should have zero time - e.g. be exact dates [type=date_from_datetime_inexact, input_value='2025-01-20T14:30:00', input_type=str]",
    );
    assert.equal(
      errorLine(() => validateModel(LineItem, { ...item, date: '2025-02-30' })),
      "  Input should be a valid date or datetime, day value is outside expected range [type=date_from_datetime_parsing, input_value='2025-02-30', input_type=str]",
    );
    assert.equal(
      errorLine(() => validateModel(Device, { ...device, activation_date: '2025-13-01' })),
      "  Input should be a valid datetime or date, month value is outside expected range of 1-12 [type=datetime_from_date_parsing, input_value='2025-13-01', input_type=str]",
    );
  });
});
