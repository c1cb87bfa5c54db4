/**
 * tau2's telecom carrier DB (domains/telecom/data_model.py): plans, customers, lines, bills and devices. Every
 * model is a `BaseModelNoExtra` (extra fields forbidden); enums are stored as their values, dates as `str()`.
 */
import { defineModel, type FieldType, t } from '../env/model.js';

const opt = (type: FieldType) => ({ type: t.optional(type), default: () => null });

/** `DeviceType`. */
export const DeviceType = t.enum('DeviceType', 'phone', 'router', 'tablet', 'watch', 'other');
/** `LineStatus`. */
export const LineStatus = t.enum('LineStatus', 'Active', 'Suspended', 'Pending Activation', 'Closed');
/** `BillStatus`. */
export const BillStatus = t.enum(
  'BillStatus',
  'Draft',
  'Issued',
  'Awaiting Payment',
  'Paid',
  'Overdue',
  'Disputed',
);
/** `AccountStatus`. */
export const AccountStatus = t.enum('AccountStatus', 'Active', 'Suspended', 'Pending Verification', 'Closed');
/** `PaymentMethodType`. */
export const PaymentMethodType = t.enum('PaymentMethodType', 'Credit Card', 'Debit Card', 'PayPal');

/** A customer's billing address (`Address`). */
export const Address = defineModel(
  'Address',
  { street: t.str, city: t.str, state: t.str, zip_code: t.str },
  'forbid',
);

/** A service plan (`Plan`). */
export const Plan = defineModel(
  'Plan',
  {
    plan_id: t.str,
    name: t.str,
    data_limit_gb: t.float,
    price_per_month: t.float,
    data_refueling_price_per_gb: t.float,
  },
  'forbid',
);

/** A device (`Device`). */
export const Device = defineModel(
  'Device',
  {
    device_id: t.str,
    device_type: DeviceType,
    model: t.str,
    imei: opt(t.str),
    is_esim_capable: t.bool,
    activated: { type: t.bool, default: () => false },
    activation_date: opt(t.datetime),
    last_esim_transfer_date: opt(t.datetime),
  },
  'forbid',
);

/** A phone/data line (`Line`). */
export const Line = defineModel(
  'Line',
  {
    line_id: t.str,
    phone_number: t.str,
    status: { type: LineStatus, default: () => 'Pending Activation' },
    plan_id: t.str,
    device_id: opt(t.str),
    data_used_gb: { type: t.float, default: () => 0 },
    data_refueling_gb: { type: t.float, default: () => 0 },
    roaming_enabled: { type: t.bool, default: () => false },
    contract_end_date: opt(t.date),
    last_plan_change_date: opt(t.date),
    last_sim_replacement_date: opt(t.date),
    suspension_start_date: opt(t.date),
  },
  'forbid',
);

/** A charge or credit of a bill (`LineItem`). */
export const LineItem = defineModel(
  'LineItem',
  { description: t.str, amount: t.float, date: t.date, item_type: t.str },
  'forbid',
);

/** A bill (`Bill`). */
export const Bill = defineModel(
  'Bill',
  {
    bill_id: t.str,
    customer_id: t.str,
    period_start: t.date,
    period_end: t.date,
    issue_date: t.date,
    total_due: t.float,
    due_date: t.date,
    line_items: { type: t.list(t.model(LineItem)), default: () => [], defaultFactory: true },
    status: { type: BillStatus, default: () => 'Draft' },
  },
  'forbid',
);

/** A stored payment method (`PaymentMethod`). */
export const PaymentMethod = defineModel(
  'PaymentMethod',
  { method_type: PaymentMethodType, account_number_last_4: t.str, expiration_date: t.str },
  'forbid',
);

/** A customer (`Customer`). */
export const Customer = defineModel(
  'Customer',
  {
    customer_id: t.str,
    full_name: t.str,
    date_of_birth: t.str,
    email: t.str,
    phone_number: t.str,
    address: t.model(Address),
    account_status: { type: AccountStatus, default: () => 'Pending Verification' },
    payment_methods: { type: t.list(t.model(PaymentMethod)), default: () => [], defaultFactory: true },
    line_ids: { type: t.list(t.str), default: () => [], defaultFactory: true },
    bill_ids: { type: t.list(t.str), default: () => [], defaultFactory: true },
    // The default is DEFAULT_START_DATE, a date (not validated): str() gives no time.
    created_at: { type: t.datetime, default: () => '2025-01-01' },
    last_extension_date: opt(t.date),
    goodwill_credit_used_this_year: { type: t.float, default: () => 0 },
  },
  'forbid',
);

/** The agent's DB, `db.toml` (`TelecomDB`). */
export const TelecomDB = defineModel(
  'TelecomDB',
  {
    plans: { type: t.list(t.model(Plan)), default: () => [], defaultFactory: true },
    customers: { type: t.list(t.model(Customer)), default: () => [], defaultFactory: true },
    lines: { type: t.list(t.model(Line)), default: () => [], defaultFactory: true },
    bills: { type: t.list(t.model(Bill)), default: () => [], defaultFactory: true },
    devices: { type: t.list(t.model(Device)), default: () => [], defaultFactory: true },
  },
  'forbid',
);
