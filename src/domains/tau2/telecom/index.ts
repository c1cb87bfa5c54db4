/**
 * tau2's telecom domain (domains/telecom/environment.py): `TelecomTools` over `db.toml`, `TelecomUserTools`
 * over `user_db.toml`, and `sync_tools`, which after every successful call carries the carrier's side (line
 * status, roaming, data allowance, bills) over to the user's surroundings and settles a payment the user made.
 */
import path from 'node:path';
import { createEnvironment, type Tau2Environment } from '../env/environment.js';
import { validateModel } from '../env/model.js';
import { getattr, type PyDict, pyEquals } from '../env/python.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyToml } from '../files.js';
import { loadDb, type Tau2DomainPort } from '../port.js';
import { billsAwaitingPayment, customerByPhone, lineByPhone, planById, setBillToPaid } from './carrier.js';
import { TelecomDB } from './models.js';
import { pyAdd, pyCompare, truthy } from './py.js';
import { TelecomTools } from './tools.js';
import { PaymentRequest, TelecomUserDB } from './user-models.js';
import { TelecomUserTools } from './user-tools.js';

/** `TelecomEnvironment.sync_tools()`: nothing until the user's phone number is known. */
export function syncTelecom(env: Tau2Environment): void {
  const db = env.tools.db;
  const surroundings = getattr<PyDict>(env.userTools!.db, 'surroundings');
  const phone = surroundings['phone_number'] ?? null;
  if (phone === null) return;
  const line = lineByPhone(db, phone);
  surroundings['line_active'] = pyEquals(line['status']!, 'Active');
  surroundings['roaming_allowed'] = truthy(line['roaming_enabled']);
  const plan = planById(db, line['plan_id']!);
  surroundings['mobile_data_usage_exceeded'] = pyCompare(
    '>=',
    line['data_used_gb']!,
    pyAdd(plan['data_limit_gb']!, line['data_refueling_gb']!),
  );
  // A paid request settles its bill on the agent's side; then the next bill awaiting payment (if any) becomes
  // the user's request.
  const paid = surroundings['payment_request'] as PyDict | null;
  if (paid !== null && truthy(paid['paid'])) {
    setBillToPaid(db, paid['bill_id']!);
    surroundings['payment_request'] = null;
  }
  if (surroundings['payment_request'] === null) {
    const [bill] = billsAwaitingPayment(db, customerByPhone(db, phone));
    if (bill !== undefined) {
      surroundings['payment_request'] = validateModel(PaymentRequest, {
        bill_id: bill['bill_id']!,
        amount_due: bill['total_due']!,
      });
    }
  }
}

/** `get_environment()`'s policy: the main policy and the tech-support manual, each in its own tag. */
export function telecomPolicy(mainPolicy: string, techSupport: string): string {
  return `<main_policy>\n${mainPolicy}\n</main_policy>\n<tech_support_policy>\n${techSupport}\n</tech_support_policy>`;
}

/** The telecom domain (tau2's default `manual` policy type, not solo mode). */
export const telecomDomain: Tau2DomainPort = {
  name: 'telecom',
  open(dir) {
    const policy = telecomPolicy(
      readDataText(path.join(dir, 'main_policy.md')),
      readDataText(path.join(dir, 'tech_support_manual.md')),
    );
    const dbFile = path.join(dir, 'db.toml');
    const userDbFile = path.join(dir, 'user_db.toml');
    const db = readPyToml(dbFile);
    const userDb = readPyToml(userDbFile);
    // Validate once up front, so bad data fails when the domain is opened rather than in the first task.
    loadDb(TelecomDB, db, dbFile);
    loadDb(TelecomUserDB, userDb, userDbFile);
    return {
      name: 'telecom',
      policy,
      agentTools: TelecomTools,
      userTools: TelecomUserTools,
      createEnvironment: () =>
        createEnvironment({
          domain: 'telecom',
          tools: createToolKit(TelecomTools, loadDb(TelecomDB, db, dbFile)),
          userTools: createToolKit(TelecomUserTools, loadDb(TelecomUserDB, userDb, userDbFile)),
          sync: syncTelecom,
        }),
    };
  },
};
