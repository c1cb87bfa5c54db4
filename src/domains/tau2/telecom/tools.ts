/**
 * tau2's `TelecomTools` (domains/telecom/tools.py): the agent's tools over the carrier DB, in class order.
 * Arguments arrive unvalidated, as in Python; the look-ups are in carrier.ts, the non-tool helpers and
 * assertions in helpers.ts.
 */
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { t } from '../env/model.js';
import { attributeError, pyEquals, pyStr, pyTypeName, typeError, valueError } from '../env/python.js';
import type { MethodSpec, ParamSpec, ToolKitSpec } from '../env/toolkit.js';
import { transferToHumanAgents } from '../env/transfer.js';
import {
  applyOneTimeCharge,
  billById,
  billsAwaitingPayment,
  customerById,
  customerByPhone,
  deviceById,
  inList,
  lineById,
  list,
  planById,
  targetLine,
} from './carrier.js';
import { TELECOM_HELPERS } from './helpers.js';
import { addDays, pyAdd, pyCompare, pyLower, pyMul, TODAY, truthy, withMonth } from './py.js';

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
      (c) =>
        pyLower(c['full_name']!) === pyLower(a['full_name']!) && pyEquals(c['date_of_birth']!, a['dob']!),
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
      throw attributeError(pyTypeName(id), 'startswith');
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
  methods: TELECOM_HELPERS,
};
