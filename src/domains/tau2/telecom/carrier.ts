/**
 * The carrier DB as tau2's `TelecomTools` reads and writes it (domains/telecom/tools.py, the `_get_*` helpers):
 * look-ups by id or phone number (linear, by `==`, the missing id echoed with `str()`), a customer's lines and
 * bills, and the one-time charges that refuelling puts on the draft bill. Shared by the tools, the set-up
 * helpers and `sync_tools`.
 */
import { randomUUID } from 'node:crypto';
import type { PyValue } from '../../../util/pyjson.js';
import { validateModel } from '../env/model.js';
import { getattr, type PyDict, pyEquals, pyStr, valueError } from '../env/python.js';
import { Bill, LineItem } from './models.js';
import { addDays, firstOfMonth, pyAdd, pyCompare, TODAY, withMonth } from './py.js';

/** A table of the DB (`self.db.customers`, ...). */
export const list = (db: PyDict, name: string) => getattr<PyDict[]>(db, name);

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
/** `_get_device_by_id`. */
export const deviceById = (db: PyDict, id: PyValue) => byId(db, 'devices', 'device_id', 'Device', id);
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

/** `x in xs` for a list: by `==`. */
export const inList = (x: PyValue, xs: PyValue): boolean => (xs as PyValue[]).some((y) => pyEquals(y, x));

/** `_get_target_line`: the customer's line; a line of another customer is not found. */
export function targetLine(db: PyDict, customerId: PyValue, lineId: PyValue): PyDict {
  const customer = customerById(db, customerId);
  if (!inList(lineId, customer['line_ids']!)) {
    throw valueError(`Line ${pyStr(lineId)} not found for customer ${pyStr(customerId)}`);
  }
  return lineById(db, lineId);
}

/** `_set_bill_to_paid`: what `sync_tools` does once the user has paid. */
export function setBillToPaid(db: PyDict, billId: PyValue): void {
  billById(db, billId)['status'] = 'Paid';
}

/**
 * `_apply_one_time_charge`: the charge goes on the customer's first draft bill, or on a new draft bill for next
 * month (with a random id, tau2's one source of nondeterminism) when there is none.
 */
export function applyOneTimeCharge(
  db: PyDict,
  customerId: PyValue,
  amount: PyValue,
  description: string,
): void {
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
