/**
 * tau2's `TelecomTools` (domains/telecom/tools.py): the agent's tools over the carrier DB, the set-up helpers
 * tasks call by name (`set_data_usage`, `suspend_line_for_overdue_bill`), and the `assert_*` checks of the
 * tasks' env assertions. Arguments arrive unvalidated, as in Python.
 */
import { randomUUID } from 'node:crypto';
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { t, validateModel } from '../env/model.js';
import {
  getattr,
  type PyDict,
  PyError,
  pyEquals,
  pyStr,
  pyTypeName,
  typeError,
  valueError,
} from '../env/python.js';
import type { MethodSpec, ParamSpec, ToolKitSpec } from '../env/toolkit.js';
import { Bill, LineItem } from './models.js';
import { addDays, firstOfMonth, pyAdd, pyCompare, pyMul, pySub, TODAY, truthy, withMonth } from './py.js';

const list = (db: PyDict, name: string) => getattr<PyDict[]>(db, name);

// `_get_<x>_by_id`: a linear search by `==`, the id echoed with str() when absent.
function byId(db: PyDict, table: string, key: string, what: string, id: PyValue): PyDict {
  for (const row of list(db, table)) if (pyEquals(row[key]!, id)) return row;
  throw valueError(`${what} with ID ${pyStr(id)} not found`);
}

/** `get_customer_by_id`. */
export const customerById = (db: PyDict, id: PyValue) => byId(db, 'customers', 'customer_id', 'Customer', id);
/** `_get_line_by_id`. */
export const lineById = (db: PyDict, id: PyValue) => byId(db, 'lines', 'line_id', 'Line', id);
/** `_get_plan_by_id`. */
export const planById = (db: PyDict, id: PyValue) => byId(db, 'plans', 'plan_id', 'Plan', id);
const deviceById = (db: PyDict, id: PyValue) => byId(db, 'devices', 'device_id', 'Device', id);
/** `_get_bill_by_id`. */
export const billById = (db: PyDict, id: PyValue) => byId(db, 'bills', 'bill_id', 'Bill', id);

/** `_get_line_by_phone`. */
export function lineByPhone(db: PyDict, phone: PyValue): PyDict {
  for (const line of list(db, 'lines')) if (pyEquals(line['phone_number']!, phone)) return line;
  throw valueError(`Line with phone number ${pyStr(phone)} not found`);
}

/** `get_customer_by_phone`: the primary number first, then each line's (a dangling line id raises). */
export function customerByPhone(db: PyDict, phone: PyValue): PyDict {
  for (const customer of list(db, 'customers')) {
    if (pyEquals(customer['phone_number']!, phone)) return customer;
    for (const lineId of customer['line_ids'] as PyValue[]) {
      if (pyEquals(lineById(db, lineId)['phone_number']!, phone)) return customer;
    }
  }
  throw valueError(`Customer with phone number ${pyStr(phone)} not found`);
}

/** `_get_bills_awaiting_payment`. */
export const billsAwaitingPayment = (db: PyDict, customer: PyDict): PyDict[] =>
  (customer['bill_ids'] as PyValue[])
    .map((id) => billById(db, id))
    .filter((bill) => pyEquals(bill['status']!, 'Awaiting Payment'));

// `x in some_list`, by ==.
const inList = (x: PyValue, xs: PyValue): boolean => (xs as PyValue[]).some((y) => pyEquals(y, x));

function targetLine(db: PyDict, customerId: PyValue, lineId: PyValue): PyDict {
  const customer = customerById(db, customerId);
  if (!inList(lineId, customer['line_ids']!)) {
    throw valueError(`Line ${pyStr(lineId)} not found for customer ${pyStr(customerId)}`);
  }
  return lineById(db, lineId);
}

// The Args: entries several tools share.
const customerIdOwningLine: ParamSpec = {
  name: 'customer_id',
  type: t.str,
  description: 'ID of the customer who owns the line.',
};
const lineParam = (description: string): ParamSpec => ({ name: 'line_id', type: t.str, description });

const getCustomerByPhone: MethodSpec = {
  name: 'get_customer_by_phone',
  description: 'Finds a customer by their primary contact or line phone number.',
  toolType: 'read',
  params: [{ name: 'phone_number', type: t.str, description: 'The phone number to search for.' }],
  run: (db, a) => customerByPhone(db, a['phone_number']!),
};

const getCustomerById: MethodSpec = {
  name: 'get_customer_by_id',
  description: 'Retrieves a customer directly by their unique ID.',
  toolType: 'read',
  params: [{ name: 'customer_id', type: t.str, description: 'The unique identifier of the customer.' }],
  run: (db, a) => customerById(db, a['customer_id']!),
};

// `s.lower()` on any value.
function lower(v: PyValue): string {
  if (typeof v !== 'string')
    throw new PyError('AttributeError', `'${pyTypeName(v)}' object has no attribute 'lower'`);
  return v.toLowerCase();
}

const getCustomerByName: MethodSpec = {
  name: 'get_customer_by_name',
  description:
    'Searches for customers by name and DOB. May return multiple matches if names are similar,\n\nDOB helps disambiguate.',
  toolType: 'read',
  params: [
    { name: 'full_name', type: t.str, description: 'The full name of the customer.' },
    { name: 'dob', type: t.str, description: 'Date of birth for verification, in the format YYYY-MM-DD.' },
  ],
  run: (db, a) =>
    list(db, 'customers').filter(
      (c) => lower(c['full_name']!) === lower(a['full_name']!) && pyEquals(c['date_of_birth']!, a['dob']!),
    ),
};

const getDetailsById: MethodSpec = {
  name: 'get_details_by_id',
  description:
    'Retrieves the details for a given ID.\n\nThe ID must be a valid ID for a Customer, Line, Device, Bill, or Plan.',
  toolType: 'read',
  params: [{ name: 'id', type: t.str, description: 'The ID of the object to retrieve.' }],
  run(db, a) {
    const id = a['id']!;
    if (typeof id !== 'string') {
      throw new PyError('AttributeError', `'${pyTypeName(id)}' object has no attribute 'startswith'`);
    }
    if (id.startsWith('L')) return lineById(db, id);
    if (id.startsWith('D')) return deviceById(db, id);
    if (id.startsWith('B')) return billById(db, id);
    if (id.startsWith('C')) return customerById(db, id);
    if (id.startsWith('P')) return planById(db, id);
    throw valueError(`Unknown ID format or type: ${id}`);
  },
};

const suspendLine: MethodSpec = {
  name: 'suspend_line',
  description:
    'Suspends a specific line (max 6 months).\n\nChecks: Line status must be Active.\nLogic: Sets line status to Suspended, records suspension_start_date.',
  toolType: 'write',
  params: [
    customerIdOwningLine,
    lineParam('ID of the line to suspend.'),
    { name: 'reason', type: t.str, description: 'Reason for suspension.' },
  ],
  run(db, a) {
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    if (!pyEquals(line['status']!, 'Active')) throw valueError('Line must be active to suspend');
    line['status'] = 'Suspended';
    line['suspension_start_date'] = TODAY;
    return { message: 'Line suspended successfully. $5/month holding fee will apply.', line };
  },
};

const resumeLine: MethodSpec = {
  name: 'resume_line',
  description:
    'Resumes a suspended line.\n\nChecks: Line status must be Suspended or Pending Activation.\nLogic: Sets line status to Active, clears suspension_start_date.',
  toolType: 'write',
  params: [customerIdOwningLine, lineParam('ID of the line to resume.')],
  run(db, a) {
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    if (!inList(line['status']!, ['Suspended', 'Pending Activation'])) {
      throw valueError('Line must be suspended to resume');
    }
    line['status'] = 'Active';
    line['suspension_start_date'] = null;
    return { message: 'Line resumed successfully', line };
  },
};

// `xs[:limit]`: an int (or bool) or None; anything else is Python's slice TypeError.
function sliceTo<T>(xs: T[], limit: PyValue): T[] {
  if (limit === null) return xs;
  if (typeof limit !== 'bigint' && typeof limit !== 'boolean') {
    throw typeError('slice indices must be integers or None or have an __index__ method');
  }
  return xs.slice(0, Number(limit));
}

const getBillsForCustomer: MethodSpec = {
  name: 'get_bills_for_customer',
  description: "Retrieves a list of the customer's bills, most recent first.",
  toolType: 'read',
  params: [
    { name: 'customer_id', type: t.str, description: 'ID of the customer.' },
    { name: 'limit', type: t.int, description: 'Maximum number of bills to return.', default: 12n },
  ],
  run(db, a) {
    const customer = customerById(db, a['customer_id']!);
    const bills = (customer['bill_ids'] as PyValue[]).map((id) => billById(db, id));
    // sorted(..., reverse=True) is stable: bills issued the same day keep their order. ISO dates sort as text.
    const sorted = [...bills].sort((x, y) => {
      const dx = x['issue_date'] as string;
      const dy = y['issue_date'] as string;
      return dx < dy ? 1 : dx > dy ? -1 : 0;
    });
    return sliceTo(sorted, a['limit']!);
  },
};

const sendPaymentRequest: MethodSpec = {
  name: 'send_payment_request',
  description:
    'Sends a payment request to the customer for a specific bill.\n\nChecks:\n    - Customer exists\n    - Bill exists and belongs to the customer\n    - No other bills are already awaiting payment for this customer\nLogic: Sets bill status to AWAITING_PAYMENT and notifies customer.\nWarning: This method does not check if the bill is already PAID.\nAlways check the bill status before calling this method.',
  toolType: 'write',
  params: [
    { name: 'customer_id', type: t.str, description: 'ID of the customer who owns the bill.' },
    { name: 'bill_id', type: t.str, description: 'ID of the bill to send payment request for.' },
  ],
  run(db, a) {
    const customer = customerById(db, a['customer_id']!);
    if (billsAwaitingPayment(db, customer).length !== 0) {
      throw valueError('A bill is already awaiting payment for this customer');
    }
    if (!inList(a['bill_id']!, customer['bill_ids']!)) {
      throw valueError(`Bill ${pyStr(a['bill_id']!)} not found for customer ${pyStr(a['customer_id']!)}`);
    }
    const bill = billById(db, a['bill_id']!);
    bill['status'] = 'Awaiting Payment';
    return `Payment request sent to the customer for bill ${pyStr(bill['bill_id']!)}`;
  },
};

/** `_set_bill_to_paid`: what `sync_tools` does once the user has paid. */
export function setBillToPaid(db: PyDict, billId: PyValue): void {
  billById(db, billId)['status'] = 'Paid';
}

// `_apply_one_time_charge`: the charge goes on the customer's first draft bill, or on a new draft bill for next
// month (with a random id, tau2's one source of nondeterminism) when there is none.
function applyOneTimeCharge(db: PyDict, customerId: PyValue, amount: PyValue, description: string): void {
  const customer = customerById(db, customerId);
  let draft = (customer['bill_ids'] as PyValue[])
    .map((id) => billById(db, id))
    .find((bill) => pyEquals(bill['status']!, 'Draft'));
  if (draft === undefined) {
    const nextMonth = firstOfMonth(addDays(firstOfMonth(TODAY), 32));
    const [year, month] = nextMonth.split('-').map(Number) as [number, number];
    const monthAfter = month < 12 ? withMonth(nextMonth, year, month + 1) : withMonth(nextMonth, year + 1, 1);
    const billId = `B${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    draft = validateModel(Bill, {
      bill_id: billId,
      customer_id: customerId,
      period_start: nextMonth,
      period_end: addDays(monthAfter, -1),
      issue_date: nextMonth,
      total_due: 0n,
      due_date: addDays(nextMonth, 14),
      status: 'Draft',
    });
    list(db, 'bills').push(draft);
    (customer['bill_ids'] as PyValue[]).push(billId);
  }
  const item = validateModel(LineItem, {
    description,
    amount,
    date: TODAY,
    item_type: pyCompare('<', amount, 0n) ? 'Credit' : 'Charge',
  });
  (draft['line_items'] as PyValue[]).push(item);
  draft['total_due'] = pyAdd(draft['total_due']!, amount);
}

const getDataUsage: MethodSpec = {
  name: 'get_data_usage',
  description:
    'Retrieves current billing cycle data usage for a line, including data\n\nrefueling amount, data limit, and cycle end date.',
  toolType: 'read',
  params: [customerIdOwningLine, lineParam('ID of the line to check usage for.')],
  run(db, a) {
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    const plan = planById(db, line['plan_id']!);
    const [year, month] = TODAY.split('-').map(Number) as [number, number];
    const nextFirst =
      month < 12 ? withMonth('0000-00-01', year, month + 1) : withMonth('0000-00-01', year, 1);
    return {
      line_id: a['line_id']!,
      data_used_gb: line['data_used_gb']!,
      data_limit_gb: plan['data_limit_gb']!,
      data_refueling_gb: line['data_refueling_gb']!,
      cycle_end_date: addDays(nextFirst, -1),
    };
  },
};

const roamingTool = (enable: boolean): MethodSpec => ({
  name: enable ? 'enable_roaming' : 'disable_roaming',
  description: `${enable ? 'Enables' : 'Disables'} international roaming on a line.`,
  toolType: 'write',
  params: [
    customerIdOwningLine,
    lineParam(`ID of the line to ${enable ? 'enable' : 'disable'} roaming for.`),
  ],
  run(db, a) {
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    const word = enable ? 'enabled' : 'disabled';
    if (truthy(line['roaming_enabled']) === enable) return `Roaming was already ${word}`;
    line['roaming_enabled'] = enable;
    return `Roaming ${word} successfully`;
  },
});

const transferToHumanAgents: MethodSpec = {
  name: 'transfer_to_human_agents',
  description:
    "Transfer the user to a human agent, with a summary of the user's issue.\n\nOnly transfer if\n -  the user explicitly asks for a human agent\n -  given the policy and the available tools, you cannot solve the user's issue.",
  toolType: 'generic',
  params: [{ name: 'summary', type: t.str, description: "A summary of the user's issue." }],
  run: () => 'Transfer successful',
};

const refuelData: MethodSpec = {
  name: 'refuel_data',
  description:
    "Refuels data for a specific line, adding to the customer's bill.\n\nChecks: Line status must be Active, Customer owns the line.\nLogic: Adds data to the line and charges customer based on the plan's refueling rate.",
  toolType: 'write',
  params: [
    customerIdOwningLine,
    lineParam('ID of the line to refuel data for.'),
    { name: 'gb_amount', type: t.float, description: 'Amount of data to add in gigabytes.' },
  ],
  run(db, a) {
    const gb = a['gb_amount']!;
    const line = targetLine(db, a['customer_id']!, a['line_id']!);
    if (pyCompare('<=', gb, 0n)) throw valueError('Refuel amount must be positive');
    const plan = planById(db, line['plan_id']!);
    const price = plan['data_refueling_price_per_gb']!;
    const charge = pyMul(gb, price);
    line['data_refueling_gb'] = pyAdd(line['data_refueling_gb']!, gb);
    applyOneTimeCharge(
      db,
      a['customer_id']!,
      charge,
      `Data refueling: ${pyStr(gb)} GB at $${pyStr(price)}/GB`,
    );
    return {
      message: `Successfully added ${pyStr(gb)} GB of data for line ${pyStr(a['line_id']!)} for $${pyFixed(Number(charge), 2)}`,
      new_data_refueling_gb: line['data_refueling_gb']!,
      charge,
    };
  },
};

// --- Not tools: set-up helpers (initialization actions) and assertions (env assertions). ---

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

/** `TelecomTools`: the agent's tools in class order, and the helpers tasks call by name. */
export const TelecomTools: ToolKitSpec = {
  className: 'TelecomTools',
  tools: [
    getCustomerByPhone,
    getCustomerById,
    getCustomerByName,
    getDetailsById,
    suspendLine,
    resumeLine,
    getBillsForCustomer,
    sendPaymentRequest,
    getDataUsage,
    roamingTool(true),
    roamingTool(false),
    transferToHumanAgents,
    refuelData,
  ],
  methods: [
    setDataUsage,
    suspendLineForOverdueBill,
    getAvailablePlanIds,
    assertDataRefuelingAmount,
    assertLineStatus,
    assertOverdueBillExists,
    assertNoOverdueBill,
  ],
};
