/**
 * The methods of tau2's `TelecomTools` that are not tools: the set-up helpers tasks' initialization actions
 * call by name (`set_data_usage`, `suspend_line_for_overdue_bill`) and the `assert_*` checks of their env
 * assertions. The agent's model never sees them: `get_response` answers `Tool 'x' not found.`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { t, validateModel } from '../env/model.js';
import { PyError, pyEquals, pyStr, valueError } from '../env/python.js';
import type { MethodSpec } from '../env/toolkit.js';
import { billById, customerById, inList, lineById, list, planById, targetLine } from './carrier.js';
import { Bill, LineItem } from './models.js';
import { addDays, firstOfMonth, pyAdd, pyCompare, pySub, TODAY, truthy } from './py.js';

const setDataUsage: MethodSpec = {
  name: 'set_data_usage',
  description: 'Sets the data usage for a line.',
  params: [
    { name: 'customer_id', type: t.str },
    { name: 'line_id', type: t.str },
    { name: 'data_used_gb', type: t.float },
  ],
  run(db, a) {
    targetLine(db, a['customer_id']!, a['line_id']!)['data_used_gb'] = a['data_used_gb']!;
    return `Data usage set to ${pyStr(a['data_used_gb']!)} GB for line ${pyStr(a['line_id']!)}`;
  },
};

const suspendLineForOverdueBill: MethodSpec = {
  name: 'suspend_line_for_overdue_bill',
  description: 'Suspends a line for an unpaid bill.',
  params: [
    { name: 'customer_id', type: t.str },
    { name: 'line_id', type: t.str },
    { name: 'new_bill_id', type: t.str },
    { name: 'contract_ended', type: t.bool },
  ],
  run(db, a) {
    const line = lineById(db, a['line_id']!);
    if (!pyEquals(line['status']!, 'Active'))
      throw valueError('Line must be active to suspend for unpaid bill');
    const amount = planById(db, line['plan_id']!)['price_per_month']!;
    if (pyCompare('<=', amount, 0n)) throw valueError('Amount must be positive for overdue bill');
    const customer = customerById(db, a['customer_id']!);
    const bills = (customer['bill_ids'] as PyValue[]).map((id) => billById(db, id));
    if (bills.some((bill) => pyEquals(bill['status']!, 'Overdue'))) {
      throw valueError('Customer already has an overdue bill');
    }
    const lastDayOfLastMonth = addDays(firstOfMonth(TODAY), -1);
    const firstDayOfLastMonth = firstOfMonth(lastDayOfLastMonth);
    const bill = validateModel(Bill, {
      bill_id: a['new_bill_id']!,
      customer_id: a['customer_id']!,
      period_start: firstDayOfLastMonth,
      period_end: lastDayOfLastMonth,
      issue_date: firstDayOfLastMonth,
      total_due: 0n,
      due_date: addDays(firstDayOfLastMonth, 14),
      status: 'Overdue',
    });
    const item = validateModel(LineItem, {
      description: `Charge for line ${pyStr(line['line_id']!)}`,
      amount,
      date: TODAY,
      item_type: pyCompare('>', amount, 0n) ? 'Charge' : 'Credit',
    });
    (bill['line_items'] as PyValue[]).push(item);
    bill['total_due'] = pyAdd(bill['total_due']!, amount);
    list(db, 'bills').push(bill);
    (customer['bill_ids'] as PyValue[]).push(a['new_bill_id']!);
    line['status'] = 'Suspended';
    line['suspension_start_date'] = TODAY;
    if (truthy(a['contract_ended'])) line['contract_end_date'] = lastDayOfLastMonth;
    return `Line ${pyStr(a['line_id']!)} suspended for unpaid bill ${pyStr(a['new_bill_id']!)}. Contract ended: ${pyStr(a['contract_ended']!)}`;
  },
};

const getAvailablePlanIds: MethodSpec = {
  name: 'get_available_plan_ids',
  description: 'Returns all the plans that are available to the user.',
  params: [],
  run: (db) => list(db, 'plans').map((plan) => plan['plan_id']!),
};

const assertDataRefuelingAmount: MethodSpec = {
  name: 'assert_data_refueling_amount',
  description: 'Assert that the data refueling amount is as expected.',
  params: [
    { name: 'customer_id', type: t.str },
    { name: 'line_id', type: t.str },
    { name: 'expected_amount', type: t.float },
  ],
  run(db, a) {
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    const diff = pySub(line['data_refueling_gb']!, a['expected_amount']!);
    return Math.abs(Number(diff)) < 1e-6;
  },
};

const assertLineStatus: MethodSpec = {
  name: 'assert_line_status',
  description: 'Assert that the line status is as expected.',
  params: [
    { name: 'customer_id', type: t.str },
    { name: 'line_id', type: t.str },
    { name: 'expected_status', type: t.str },
  ],
  run: (db, a) =>
    pyEquals(targetLine(db, a['customer_id']!, a['line_id']!)['status']!, a['expected_status']!),
};

const assertOverdueBillExists: MethodSpec = {
  name: 'assert_overdue_bill_exists',
  description: 'Assert that the overdue bill exists.',
  params: [
    { name: 'customer_id', type: t.str },
    { name: 'overdue_bill_id', type: t.str },
  ],
  run(db, a) {
    const id = a['overdue_bill_id']!;
    const customer = customerById(db, a['customer_id']!);
    if (!inList(id, customer['bill_ids']!)) throw valueError(`Overdue bill ${pyStr(id)} not found`);
    if (!pyEquals(billById(db, id)['status']!, 'Overdue')) {
      throw valueError(`Overdue bill ${pyStr(id)} is not overdue`);
    }
    return true;
  },
};

const assertNoOverdueBill: MethodSpec = {
  name: 'assert_no_overdue_bill',
  description: 'Assert that either the overdue bill is not in the database or it is paid.',
  params: [{ name: 'overdue_bill_id', type: t.str }],
  run(db, a) {
    try {
      return pyEquals(billById(db, a['overdue_bill_id']!)['status']!, 'Paid');
    } catch (err) {
      // Only the ValueError of a missing bill means "no overdue bill".
      if (err instanceof PyError && err.pyType === 'ValueError') return true;
      throw err;
    }
  },
};

/** The helpers and assertions of `TelecomTools` that are not tools, reached by name only. */
export const TELECOM_HELPERS: readonly MethodSpec[] = [
  setDataUsage,
  suspendLineForOverdueBill,
  getAvailablePlanIds,
  assertDataRefuelingAmount,
  assertLineStatus,
  assertOverdueBillExists,
  assertNoOverdueBill,
];
