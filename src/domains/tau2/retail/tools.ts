/**
 * tau2's `RetailTools` (domains/retail/tools.py), method for method. Arguments arrive unvalidated, as in
 * Python: a str where a list is expected is iterated character by character, numbers are compared with `==`,
 * and new models (`UserAddress`, `OrderPayment`) are validated by pydantic when a tool builds them. Money is
 * added in Python's order with doubles, so float noise (`0.04999999999999716`) comes out as tau2's.
 */
import { dumpsPy, type PyValue } from '../../../util/pyjson.js';
import { pyCount, pyIndex, pyIter, pyLen, pyLower, pyRound, pySorted } from '../env/builtins.js';
import { calculateTool } from '../env/calculate.js';
import { t, validateModel } from '../env/model.js';
import { getattr, modelName, type PyDict, pyEquals, pyIn, pyStr, valueError } from '../env/python.js';
import type { MethodSpec, ParamSpec, ToolKitSpec } from '../env/toolkit.js';
import { transferToHumanAgents } from '../env/transfer.js';
import { OrderPayment, UserAddress } from './models.js';

// --- RetailTools' private helpers (`_get_order`, ...): not tools, so the agent cannot call them. ---------------

const table = (db: PyDict, name: string) => getattr<PyDict>(db, name);

function getOrder(db: PyDict, orderId: PyValue): PyDict {
  if (!pyIn(orderId, table(db, 'orders'))) throw valueError('Order not found');
  return table(db, 'orders')[orderId as string] as PyDict;
}

function getUser(db: PyDict, userId: PyValue): PyDict {
  if (!pyIn(userId, table(db, 'users'))) throw valueError('User not found');
  return table(db, 'users')[userId as string] as PyDict;
}

function getProduct(db: PyDict, productId: PyValue): PyDict {
  if (!pyIn(productId, table(db, 'products'))) throw valueError('Product not found');
  return table(db, 'products')[productId as string] as PyDict;
}

function getItem(db: PyDict, itemId: PyValue): PyDict {
  for (const product of Object.values(table(db, 'products'))) {
    const variants = getattr<PyDict>(product as PyDict, 'variants');
    if (pyIn(itemId, variants)) return variants[itemId as string] as PyDict;
  }
  throw valueError('Item not found');
}

function getVariant(db: PyDict, productId: PyValue, variantId: PyValue): PyDict {
  const variants = getattr<PyDict>(getProduct(db, productId), 'variants');
  if (!pyIn(variantId, variants)) throw valueError('Variant not found');
  return variants[variantId as string] as PyDict;
}

function getPaymentMethod(db: PyDict, userId: PyValue, paymentMethodId: PyValue): PyDict {
  const methods = getattr<PyDict>(getUser(db, userId), 'payment_methods');
  if (!pyIn(paymentMethodId, methods)) throw valueError('Payment method not found');
  return methods[paymentMethodId as string] as PyDict;
}

// `isinstance(payment_method, GiftCard)`: the union validated each method into its own class.
const isGiftCard = (method: PyDict): boolean => modelName(method) === 'GiftCard';

const items = (order: PyDict) => getattr<PyDict[]>(order, 'items');
const history = (order: PyDict) => getattr<PyDict[]>(order, 'payment_history');
const num = (v: PyValue): number => Number(v);

/** `balance = round(balance + delta, 2)` on a gift card, as the tools update it in place. */
function addToBalance(card: PyDict, delta: PyValue): void {
  card['balance'] = pyRound(num(getattr(card, 'balance')) + num(delta), 2);
}

// `for item_id in item_ids: if item_ids.count(item_id) > all_item_ids.count(item_id): raise ...`
function checkItemsExist(order: PyDict, itemIds: PyValue, message: (itemId: PyValue) => string): void {
  const all = items(order).map((item) => getattr(item, 'item_id'));
  for (const itemId of pyIter(itemIds)) {
    if (pyCount(itemIds, itemId) > pyCount(all, itemId)) throw valueError(message(itemId));
  }
}

// `next((item for item in order.items if item.item_id == item_id), None)`, None raising `Item x not found`.
function findItem(order: PyDict, itemId: PyValue): PyDict {
  const item = items(order).find((it) => pyEquals(getattr(it, 'item_id'), itemId));
  if (item === undefined) throw valueError(`Item ${pyStr(itemId)} not found`);
  return item;
}

// zip(a, b): pairs up to the shorter one.
function zip(a: PyValue, b: PyValue): [PyValue, PyValue][] {
  const xs = pyIter(a);
  const ys = pyIter(b);
  return xs.slice(0, Math.min(xs.length, ys.length)).map((x, i) => [x, ys[i]!]);
}

// --- parameters, with the docstrings' Args texts -------------------------------------------------------------

const ORDER_ID =
  "The order id, such as '#W0000000'. Be careful there is a '#' symbol at the beginning of the order id.";
const PAYMENT_ID =
  "The payment method id to pay or receive refund for the item price difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be looked up from the user or order details.";
const str = (name: string, description: string): ParamSpec => ({ name, type: t.str, description });
const strList = (name: string, description: string): ParamSpec => ({
  name,
  type: t.list(t.str),
  description,
});
const addressParams: ParamSpec[] = [
  str('address1', "The first line of the address, such as '123 Main St'."),
  str('address2', "The second line of the address, such as 'Apt 1' or ''."),
  str('city', "The city, such as 'San Francisco'."),
  str('state', "The state, such as 'CA'."),
  str('country', "The country, such as 'USA'."),
  str('zip', "The zip code, such as '12345'."),
];
const userIdParam = str('user_id', "The user id, such as 'sara_doe_496'.");

// `UserAddress(address1=..., ...)`: pydantic validates the new address.
const newAddress = (a: Readonly<Record<string, PyValue>>): PyDict =>
  validateModel(UserAddress, {
    address1: a['address1']!,
    address2: a['address2']!,
    city: a['city']!,
    state: a['state']!,
    country: a['country']!,
    zip: a['zip']!,
  });

// --- the tools, in class order --------------------------------------------------------------------------------

const cancelPendingOrder: MethodSpec = {
  name: 'cancel_pending_order',
  // docstring-parser takes the docstring's first line as the short description, the rest as the long one.
  description:
    "Cancel a pending order. If the order is already processed or delivered,\n\nit cannot be cancelled. The agent needs to explain the cancellation detail\nand ask for explicit user confirmation (yes/no) to proceed. If the user confirms,\nthe order status will be changed to 'cancelled' and the payment will be refunded.\nThe refund will be added to the user's gift card balance immediately if the payment\nwas made using a gift card, otherwise the refund would take 5-7 business days to process.\nThe function returns the order details after the cancellation.",
  toolType: 'write',
  params: [
    str('order_id', ORDER_ID),
    str(
      'reason',
      "The reason for cancellation, which should be either 'no longer needed' or 'ordered by mistake'.",
    ),
  ],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    if (!pyEquals(getattr(order, 'status'), 'pending')) {
      throw valueError('Non-pending order cannot be cancelled');
    }
    // `reason not in {...}`: a set lookup, so a list or dict reason raises "unhashable type".
    if (!pyIn(a['reason']!, { 'no longer needed': null, 'ordered by mistake': null })) {
      throw valueError('Invalid reason');
    }
    const refunds: PyDict[] = [];
    for (const payment of history(order)) {
      const paymentId = getattr(payment, 'payment_method_id');
      refunds.push(
        validateModel(OrderPayment, {
          transaction_type: 'refund',
          amount: getattr(payment, 'amount'),
          payment_method_id: paymentId,
        }),
      );
      const user = getUser(db, getattr(order, 'user_id'));
      const method = getPaymentMethod(db, getattr(user, 'user_id'), paymentId);
      // Gift cards are refunded at once, one payment at a time (no rollback if a later one fails).
      if (isGiftCard(method)) addToBalance(method, getattr(payment, 'amount'));
    }
    order['status'] = 'cancelled';
    order['cancel_reason'] = a['reason']!;
    history(order).push(...refunds);
    return order;
  },
};

const exchangeDeliveredOrderItems: MethodSpec = {
  name: 'exchange_delivered_order_items',
  description:
    'Exchange items in a delivered order to new items of the same product type.\n\nFor a delivered order, return or exchange can be only done once by the agent.\nThe agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.',
  toolType: 'write',
  params: [
    str('order_id', ORDER_ID),
    strList(
      'item_ids',
      "The item ids to be exchanged, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    strList(
      'new_item_ids',
      "The item ids to be exchanged for, each such as '1008292230'.\nThere could be duplicate items in the list. Each new item id should match the item id\nin the same position and be of the same product.",
    ),
    str(
      'payment_method_id',
      "The payment method id to pay or receive refund for the item price difference,\nsuch as 'gift_card_0000000' or 'credit_card_0000000'. These can be looked up\nfrom the user or order details.",
    ),
  ],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    if (!pyEquals(getattr(order, 'status'), 'delivered')) {
      throw valueError('Non-delivered order cannot be exchanged');
    }
    const itemIds = a['item_ids']!;
    const newItemIds = a['new_item_ids']!;
    checkItemsExist(order, itemIds, (id) => `Number of ${pyStr(id)} not found.`);
    if (pyLen(itemIds) !== pyLen(newItemIds)) {
      throw valueError('The number of items to be exchanged should match.');
    }
    // `diff_price = 0` is an int: with no items it stays one, and is stored as 0, not 0.0.
    let diff: PyValue = 0n;
    for (const [itemId, newItemId] of zip(itemIds, newItemIds)) {
      const item = findItem(order, itemId);
      const variant = getVariant(db, getattr(item, 'product_id'), newItemId);
      if (!getattr(variant, 'available')) {
        throw valueError(`New item ${pyStr(newItemId)} not found or available`);
      }
      diff = num(diff) + (num(getattr(variant, 'price')) - num(getattr(item, 'price')));
    }
    diff = pyRound(diff, 2);
    const method = getPaymentMethod(db, getattr(order, 'user_id'), a['payment_method_id']!);
    if (isGiftCard(method) && num(getattr(method, 'balance')) < num(diff)) {
      throw valueError('Insufficient gift card balance to pay for the price difference');
    }
    order['status'] = 'exchange requested';
    order['exchange_items'] = pySorted(itemIds);
    order['exchange_new_items'] = pySorted(newItemIds);
    order['exchange_payment_method_id'] = a['payment_method_id']!;
    order['exchange_price_difference'] = diff;
    return order;
  },
};

const findUserIdByNameZip: MethodSpec = {
  name: 'find_user_id_by_name_zip',
  description:
    'Find user id by first name, last name, and zip code. If the user is not found, the function\n\nwill return an error message. By default, find user id by email, and only call this function\nif the user is not found by email or cannot remember email.',
  toolType: 'read',
  params: [
    str('first_name', "The first name of the customer, such as 'John'."),
    str('last_name', "The last name of the customer, such as 'Doe'."),
    str('zip', "The zip code of the customer, such as '12345'."),
  ],
  run(db, a) {
    for (const [userId, user] of Object.entries(table(db, 'users'))) {
      const name = getattr<PyDict>(user as PyDict, 'name');
      // `and` short-circuits: last_name.lower() is only reached when a first name matches.
      if (
        pyLower(getattr(name, 'first_name')) === pyLower(a['first_name']!) &&
        pyLower(getattr(name, 'last_name')) === pyLower(a['last_name']!) &&
        pyEquals(getattr(getattr<PyDict>(user as PyDict, 'address'), 'zip'), a['zip']!)
      ) {
        return userId;
      }
    }
    throw valueError('User not found');
  },
};

const findUserIdByEmail: MethodSpec = {
  name: 'find_user_id_by_email',
  description: 'Find user id by email. If the user is not found, the function will return an error message.',
  toolType: 'read',
  params: [str('email', "The email of the user, such as 'something@example.com'.")],
  run(db, a) {
    for (const [userId, user] of Object.entries(table(db, 'users'))) {
      if (pyLower(getattr(user as PyDict, 'email')) === pyLower(a['email']!)) return userId;
    }
    throw valueError('User not found');
  },
};

const getOrderDetails: MethodSpec = {
  name: 'get_order_details',
  description: 'Get the status and details of an order.',
  toolType: 'read',
  params: [str('order_id', ORDER_ID)],
  run: (db, a) => getOrder(db, a['order_id']!),
};

const getProductDetails: MethodSpec = {
  name: 'get_product_details',
  description: 'Get the inventory details of a product.',
  toolType: 'read',
  params: [
    str(
      'product_id',
      "The product id, such as '6086499569'. Be careful the product id is different from the item id.",
    ),
  ],
  run: (db, a) => getProduct(db, a['product_id']!),
};

const getItemDetails: MethodSpec = {
  name: 'get_item_details',
  description: 'Get the inventory details of an item.',
  toolType: 'read',
  params: [
    str(
      'item_id',
      "The item id, such as '6086499569'. Be careful the item id is different from the product id.",
    ),
  ],
  run: (db, a) => getItem(db, a['item_id']!),
};

const getUserDetails: MethodSpec = {
  name: 'get_user_details',
  description: 'Get the details of a user, including their orders.',
  toolType: 'read',
  params: [userIdParam],
  run: (db, a) => getUser(db, a['user_id']!),
};

const listAllProductTypes: MethodSpec = {
  name: 'list_all_product_types',
  description:
    'List the name and product id of all product types.\n\nEach product type has a variety of different items with unique item ids and options.\nThere are only 50 product types in the store.',
  toolType: 'read',
  params: [],
  run(db) {
    const byName: PyDict = {};
    for (const product of Object.values(table(db, 'products'))) {
      byName[getattr<string>(product as PyDict, 'name')] = getattr(product as PyDict, 'product_id');
    }
    // The tool returns json.dumps(..., sort_keys=True) itself: a str, sent as it is.
    return dumpsPy(byName, { sortKeys: true });
  },
};

const modifyPendingOrderAddress: MethodSpec = {
  name: 'modify_pending_order_address',
  description:
    'Modify the shipping address of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  toolType: 'write',
  params: [str('order_id', ORDER_ID), ...addressParams],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    // `"pending" in order.status`: also "pending (item modified)".
    if (!String(getattr(order, 'status')).includes('pending')) {
      throw valueError('Non-pending order cannot be modified');
    }
    order['address'] = newAddress(a);
    return order;
  },
};

const modifyPendingOrderItems: MethodSpec = {
  name: 'modify_pending_order_items',
  description:
    'Modify items in a pending order to new items of the same product type. For a pending order, this function can only be called once. The agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.',
  toolType: 'write',
  params: [
    str('order_id', ORDER_ID),
    strList(
      'item_ids',
      "The item ids to be modified, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    strList(
      'new_item_ids',
      "The item ids to be modified for, each such as '1008292230'. There could be duplicate items in the list. Each new item id should match the item id in the same position and be of the same product.",
    ),
    str('payment_method_id', PAYMENT_ID),
  ],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    if (!pyEquals(getattr(order, 'status'), 'pending')) {
      throw valueError('Non-pending order cannot be modified');
    }
    const itemIds = a['item_ids']!;
    const newItemIds = a['new_item_ids']!;
    checkItemsExist(order, itemIds, (id) => `${pyStr(id)} not found`);
    if (pyLen(itemIds) !== pyLen(newItemIds)) {
      throw valueError('The number of items to be exchanged should match');
    }
    let diff: PyValue = 0n;
    let variant: PyDict | undefined;
    for (const [itemId, newItemId] of zip(itemIds, newItemIds)) {
      if (pyEquals(itemId, newItemId)) {
        throw valueError('The new item id should be different from the old item id');
      }
      const item = findItem(order, itemId);
      variant = getVariant(db, getattr(item, 'product_id'), newItemId);
      if (!getattr(variant, 'available')) {
        throw valueError(`New item ${pyStr(newItemId)} not found or available`);
      }
      diff = num(diff) + (num(getattr(variant, 'price')) - num(getattr(item, 'price')));
    }
    const methodId = a['payment_method_id']!;
    const method = getPaymentMethod(db, getattr(order, 'user_id'), methodId);
    if (isGiftCard(method) && num(getattr(method, 'balance')) < num(diff)) {
      throw valueError('Insufficient gift card balance to pay for the new item');
    }
    history(order).push(
      validateModel(OrderPayment, {
        transaction_type: num(diff) > 0 ? 'payment' : 'refund',
        amount: typeof diff === 'bigint' ? (diff < 0n ? -diff : diff) : Math.abs(diff as number),
        payment_method_id: methodId,
      }),
    );
    if (isGiftCard(method)) addToBalance(method, -num(diff));
    for (const [itemId, newItemId] of zip(itemIds, newItemIds)) {
      const item = findItem(order, itemId);
      item['item_id'] = newItemId;
      // tau2's quirk: `variant` is the loop variable left over from the loop above, so every modified item
      // gets the LAST new variant's price and options (the options dict itself, shared with the product).
      item['price'] = getattr(variant!, 'price');
      item['options'] = getattr(variant!, 'options');
    }
    order['status'] = 'pending (item modified)';
    return order;
  },
};

const modifyPendingOrderPayment: MethodSpec = {
  name: 'modify_pending_order_payment',
  description:
    'Modify the payment method of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  toolType: 'write',
  params: [str('order_id', ORDER_ID), str('payment_method_id', PAYMENT_ID)],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    if (!String(getattr(order, 'status')).includes('pending')) {
      throw valueError('Non-pending order cannot be modified');
    }
    const methodId = a['payment_method_id']!;
    const method = getPaymentMethod(db, getattr(order, 'user_id'), methodId);
    const payments = history(order);
    if (payments.length !== 1 || !pyEquals(getattr(payments[0]!, 'transaction_type'), 'payment')) {
      throw valueError('There should be exactly one payment for a pending order');
    }
    const first = payments[0]!;
    if (pyEquals(getattr(first, 'payment_method_id'), methodId)) {
      throw valueError('The new payment method should be different from the current one');
    }
    const amount = getattr(first, 'amount');
    if (isGiftCard(method) && num(getattr(method, 'balance')) < num(amount)) {
      throw valueError('Insufficient gift card balance to pay for the order');
    }
    payments.push(
      validateModel(OrderPayment, { transaction_type: 'payment', amount, payment_method_id: methodId }),
      validateModel(OrderPayment, {
        transaction_type: 'refund',
        amount,
        payment_method_id: getattr(first, 'payment_method_id'),
      }),
    );
    if (isGiftCard(method)) addToBalance(method, -num(amount));
    const oldMethod = getPaymentMethod(db, getattr(order, 'user_id'), getattr(first, 'payment_method_id'));
    if (isGiftCard(oldMethod)) addToBalance(oldMethod, amount);
    return order;
  },
};

const modifyUserAddress: MethodSpec = {
  name: 'modify_user_address',
  description:
    'Modify the default address of a user. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  toolType: 'write',
  params: [userIdParam, ...addressParams],
  run(db, a) {
    const user = getUser(db, a['user_id']!);
    user['address'] = newAddress(a);
    return user;
  },
};

const returnDeliveredOrderItems: MethodSpec = {
  name: 'return_delivered_order_items',
  description:
    "Return some items of a delivered order.\n\nThe order status will be changed to 'return requested'.\nThe agent needs to explain the return detail and ask for explicit user confirmation (yes/no) to proceed.\nThe user will receive follow-up email for how and where to return the item.",
  toolType: 'write',
  params: [
    str('order_id', ORDER_ID),
    strList(
      'item_ids',
      "The item ids to be returned, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    str(
      'payment_method_id',
      "The payment method id to pay or receive refund for the item price difference, such as 'gift_card_0000000' or 'credit_card_0000000'.\nThese can be looked up from the user or order details.",
    ),
  ],
  run(db, a) {
    const order = getOrder(db, a['order_id']!);
    if (!pyEquals(getattr(order, 'status'), 'delivered')) {
      throw valueError('Non-delivered order cannot be returned');
    }
    const user = getUser(db, getattr(order, 'user_id'));
    const methodId = a['payment_method_id']!;
    const method = getPaymentMethod(db, getattr(user, 'user_id'), methodId);
    if (
      !isGiftCard(method) &&
      !pyEquals(methodId, getattr(pyIndex(history(order), 0) as PyDict, 'payment_method_id'))
    ) {
      throw valueError('Payment method should be the original payment method');
    }
    const itemIds = a['item_ids']!;
    checkItemsExist(order, itemIds, () => 'Some item not found');
    order['status'] = 'return requested';
    order['return_items'] = pySorted(itemIds);
    order['return_payment_method_id'] = methodId;
    return order;
  },
};

/** `RetailTools`: the agent's tools in class order (no helper methods: retail tasks use no assertions). */
export const RetailTools: ToolKitSpec = {
  className: 'RetailTools',
  tools: [
    calculateTool,
    cancelPendingOrder,
    exchangeDeliveredOrderItems,
    findUserIdByNameZip,
    findUserIdByEmail,
    getOrderDetails,
    getProductDetails,
    getItemDetails,
    getUserDetails,
    listAllProductTypes,
    modifyPendingOrderAddress,
    modifyPendingOrderItems,
    modifyPendingOrderPayment,
    modifyUserAddress,
    returnDeliveredOrderItems,
    transferToHumanAgents,
  ],
};
