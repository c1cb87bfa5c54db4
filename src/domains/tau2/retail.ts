/** Tools of tau2-bench's `retail` domain: users, orders and products with variant items. */
import { type Args, lookup, param, round2, type ToolDef, ToolError, tool, transferTool } from '../kit.js';
import { evaluateArithmetic } from './calculate.js';
import type {
  RetailAddress,
  RetailDb,
  RetailOrder,
  RetailPaymentMethod,
  RetailTransaction,
} from './retail-db.js';

type Db = RetailDb;

const CANCEL_REASONS = ['no longer needed', 'ordered by mistake'];
const orderId = param.str("The order id, starting with '#', e.g. '#W0000000'.");
const userId = param.str("The user id, e.g. 'sara_doe_496'.");
const paymentMethodId = param.str("The id of one of the user's payment methods, e.g. 'gift_card_0000000'.");
const itemIds = param.strs(
  "Item ids of the order's items, e.g. ['1008292230']; repeat an id that occurs twice.",
);
const newItemIds = param.strs(
  'For each item in item_ids, the id of the item it becomes (same product, other options).',
);
const addressParams = {
  address1: param.str("First line of the address, e.g. '123 Main St'."),
  address2: param.str("Second line, e.g. 'Apt 1', or ''."),
  city: param.str('City.'),
  state: param.str("State, e.g. 'CA'."),
  country: param.str("Country, e.g. 'USA'."),
  zip: param.str("Zip code, e.g. '12345'."),
};

const readAddress = (args: Args): RetailAddress => ({
  address1: args.str('address1'),
  address2: args.str('address2'),
  city: args.str('city'),
  country: args.str('country'),
  state: args.str('state'),
  zip: args.str('zip'),
});

/** The order `id` if its status is one of `statuses`. */
function orderInStatus(db: Db, id: string, ...statuses: string[]): RetailOrder {
  const order = lookup(db.orders, id, 'order');
  if (!statuses.includes(order.status)) {
    throw new ToolError(`order ${id} is '${order.status}'; this action needs '${statuses.join("' or '")}'`);
  }
  return order;
}

// Address and payment changes stay possible after an item modification; items change only once.
const MODIFIABLE = ['pending', 'pending (item modified)'];

/** Lower case without diacritics, for matching what a user says against stored names and emails. */
const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase();

function userMethod(db: Db, order: RetailOrder, id: string): RetailPaymentMethod {
  const methods = lookup(db.users, order.user_id, 'user').payment_methods;
  const method = Object.hasOwn(methods, id) ? methods[id] : undefined;
  if (!method) throw new ToolError(`payment method ${id} not found for user ${order.user_id}`);
  return method;
}

function adjustGiftCard(method: RetailPaymentMethod, delta: number): void {
  if (method.source !== 'gift_card') return;
  const balance = round2((method.balance ?? 0) + delta);
  if (balance < 0) throw new ToolError(`insufficient gift card balance on ${method.id}`);
  method.balance = balance;
}

/** Indexes of the order's items named by `ids` (an id listed twice must occur twice in the order). */
function pickItems(order: RetailOrder, ids: string[]): number[] {
  if (ids.length === 0) throw new ToolError('item_ids is empty');
  const taken = new Set<number>();
  return ids.map((id) => {
    const index = order.items.findIndex((it, i) => it.item_id === id && !taken.has(i));
    if (index < 0) {
      throw new ToolError(`item ${id} not found in order ${order.order_id} (or listed too often)`);
    }
    taken.add(index);
    return index;
  });
}

/** Checks an item swap (modify or exchange): the picked items, their new variants, the price difference. */
function planSwap(db: Db, order: RetailOrder, args: Args) {
  const ids = args.strs('item_ids');
  const newIds = args.strs('new_item_ids');
  if (ids.length !== newIds.length) {
    throw new ToolError('item_ids and new_item_ids must have the same length');
  }
  const indexes = pickItems(order, ids);
  const variants = indexes.map((index, k) => {
    const item = order.items[index]!;
    const newId = newIds[k]!;
    const product = lookup(db.products, item.product_id, 'product');
    const variant = Object.hasOwn(product.variants, newId) ? product.variants[newId] : undefined;
    if (!variant) {
      throw new ToolError(`item ${newId} is not a variant of ${product.name} (${product.product_id})`);
    }
    if (!variant.available) throw new ToolError(`item ${newId} is not available`);
    if (newId === item.item_id) throw new ToolError(`item ${newId} is the same as the item it replaces`);
    return variant;
  });
  const diff = round2(variants.reduce((s, v, k) => s + v.price - order.items[indexes[k]!]!.price, 0));
  const method = userMethod(db, order, args.str('payment_method_id'));
  if (method.source === 'gift_card' && (method.balance ?? 0) < diff) {
    throw new ToolError(`insufficient gift card balance on ${method.id} to pay the difference of ${diff}`);
  }
  return { ids, newIds, indexes, variants, diff, method };
}

/** All tools of the retail domain. */
export const retailTools: ToolDef<Db>[] = [
  tool(
    'find_user_id_by_email',
    'Find a user id by email address.',
    { email: param.str("The email, e.g. 'something@example.com'.") },
    (db, args) => {
      const email = fold(args.str('email'));
      const user = Object.values(db.users).find((u) => fold(u.email) === email);
      if (!user) throw new ToolError('user not found');
      return user.user_id;
    },
  ),
  tool(
    'find_user_id_by_name_zip',
    'Find a user id by first name, last name and zip code. Use it when the user does not know their email.',
    {
      first_name: param.str("e.g. 'John'."),
      last_name: param.str("e.g. 'Doe'."),
      zip: param.str("e.g. '12345'."),
    },
    (db, args) => {
      const [first, last] = [fold(args.str('first_name')), fold(args.str('last_name'))];
      const zip = args.str('zip').trim();
      const user = Object.values(db.users).find(
        (u) => fold(u.name.first_name) === first && fold(u.name.last_name) === last && u.address.zip === zip,
      );
      if (!user) throw new ToolError('user not found');
      return user.user_id;
    },
  ),
  tool(
    'get_user_details',
    'Get the details of a user, including their orders.',
    { user_id: userId },
    (db, args) => lookup(db.users, args.str('user_id'), 'user'),
  ),
  tool('get_order_details', 'Get the status and details of an order.', { order_id: orderId }, (db, args) =>
    lookup(db.orders, args.str('order_id'), 'order'),
  ),
  tool(
    'get_product_details',
    'Get the inventory details of a product type and all its variant items.',
    { product_id: param.str("The product id, e.g. '6086499569'. Not the same as an item id.") },
    (db, args) => lookup(db.products, args.str('product_id'), 'product'),
  ),
  tool(
    'get_item_details',
    'Get the details of one variant item: its options, availability and price, and its product.',
    { item_id: param.str("The item id, e.g. '1008292230'.") },
    (db, args) => {
      const id = args.str('item_id');
      for (const p of Object.values(db.products)) {
        const v = Object.hasOwn(p.variants, id) ? p.variants[id] : undefined;
        if (v) return { ...v, product_id: p.product_id, product_name: p.name };
      }
      throw new ToolError(`item not found: ${id}`);
    },
  ),
  tool('list_all_product_types', 'List the name and product id of all product types.', {}, (db) =>
    Object.fromEntries(
      Object.values(db.products)
        .map((p) => [p.name, p.product_id] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  ),
  tool(
    'calculate',
    'Calculate the result of an arithmetic expression (numbers, + - * /, parentheses), rounded to 2 decimals.',
    { expression: param.str("e.g. '(19.99 + 5.01) * 2'.") },
    (_db, args) => String(round2(evaluateArithmetic(args.str('expression')))),
  ),
  tool(
    'cancel_pending_order',
    'Cancel a pending order. Payments are refunded to their method: gift cards at once, others in 5-7 business days.',
    { order_id: orderId, reason: param.enum(CANCEL_REASONS, 'The reason for the cancellation.') },
    (db, args) => {
      const reason = args.str('reason');
      if (!CANCEL_REASONS.includes(reason)) {
        throw new ToolError(`reason must be one of: ${CANCEL_REASONS.join(', ')}`);
      }
      const order = orderInStatus(db, args.str('order_id'), 'pending');
      const refunds = order.payment_history
        .filter((t) => t.transaction_type === 'payment')
        .map((t): RetailTransaction => ({ ...t, transaction_type: 'refund' }));
      for (const r of refunds) adjustGiftCard(userMethod(db, order, r.payment_method_id), r.amount);
      order.payment_history.push(...refunds);
      order.status = 'cancelled';
      order.cancel_reason = reason;
      return order;
    },
  ),
  tool(
    'modify_pending_order_address',
    'Change the shipping address of a pending order.',
    { order_id: orderId, ...addressParams },
    (db, args) => {
      const address = readAddress(args);
      const order = orderInStatus(db, args.str('order_id'), ...MODIFIABLE);
      order.address = address;
      return order;
    },
  ),
  tool(
    'modify_pending_order_payment',
    'Pay a pending order with another payment method of the user; the original payment is refunded.',
    { order_id: orderId, payment_method_id: paymentMethodId },
    (db, args) => {
      const order = orderInStatus(db, args.str('order_id'), ...MODIFIABLE);
      const [paid, ...more] = order.payment_history;
      if (!paid || more.length > 0 || paid.transaction_type !== 'payment') {
        throw new ToolError('only an order with a single payment can change its payment method');
      }
      const method = userMethod(db, order, args.str('payment_method_id'));
      if (method.id === paid.payment_method_id) {
        throw new ToolError('the new payment method is the current one');
      }
      const old = userMethod(db, order, paid.payment_method_id);
      adjustGiftCard(method, -paid.amount);
      adjustGiftCard(old, paid.amount);
      order.payment_history.push(
        { transaction_type: 'payment', amount: paid.amount, payment_method_id: method.id },
        { transaction_type: 'refund', amount: paid.amount, payment_method_id: old.id },
      );
      return order;
    },
  ),
  tool(
    'modify_pending_order_items',
    'Change items of a pending order to other variants of the same products. Only once per order: the status ' +
      "becomes 'pending (item modified)'. The price difference is paid with or refunded to the payment method.",
    { order_id: orderId, item_ids: itemIds, new_item_ids: newItemIds, payment_method_id: paymentMethodId },
    (db, args) => {
      const order = orderInStatus(db, args.str('order_id'), 'pending');
      const { indexes, variants, diff, method } = planSwap(db, order, args);
      adjustGiftCard(method, -diff);
      if (diff !== 0) {
        const type = diff > 0 ? 'payment' : 'refund';
        order.payment_history.push({
          transaction_type: type,
          amount: Math.abs(diff),
          payment_method_id: method.id,
        });
      }
      indexes.forEach((index, k) => {
        const { item_id, price, options } = variants[k]!;
        Object.assign(order.items[index]!, { item_id, price, options: { ...options } });
      });
      order.status = 'pending (item modified)';
      return order;
    },
  ),
  tool(
    'modify_user_address',
    "Change a user's default address.",
    { user_id: userId, ...addressParams },
    (db, args) => {
      const address = readAddress(args);
      const user = lookup(db.users, args.str('user_id'), 'user');
      user.address = address;
      return user;
    },
  ),
  tool(
    'exchange_delivered_order_items',
    'Exchange items of a delivered order for other variants of the same products. Only once per order: the ' +
      "status becomes 'exchange requested'. The price difference is paid with or refunded to the payment method.",
    { order_id: orderId, item_ids: itemIds, new_item_ids: newItemIds, payment_method_id: paymentMethodId },
    (db, args) => {
      const order = orderInStatus(db, args.str('order_id'), 'delivered');
      const { ids, newIds, diff, method } = planSwap(db, order, args);
      Object.assign(order, {
        status: 'exchange requested',
        exchange_items: [...ids].sort(),
        exchange_new_items: [...newIds].sort(),
        exchange_payment_method_id: method.id,
        exchange_price_difference: diff,
      });
      return order;
    },
  ),
  tool(
    'return_delivered_order_items',
    "Return items of a delivered order. Only once per order: the status becomes 'return requested'. The " +
      'refund goes to the original payment method or to a gift card of the user.',
    { order_id: orderId, item_ids: itemIds, payment_method_id: paymentMethodId },
    (db, args) => {
      const ids = args.strs('item_ids');
      const order = orderInStatus(db, args.str('order_id'), 'delivered');
      pickItems(order, ids);
      const method = userMethod(db, order, args.str('payment_method_id'));
      const original = order.payment_history.find((t) => t.transaction_type === 'payment')?.payment_method_id;
      if (method.id !== original && method.source !== 'gift_card') {
        throw new ToolError('the refund must go to the original payment method or a gift card');
      }
      Object.assign(order, {
        status: 'return requested',
        return_items: [...ids].sort(),
        return_payment_method_id: method.id,
      });
      return order;
    },
  ),
  transferTool(),
];
