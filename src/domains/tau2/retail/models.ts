/** tau2's retail data models (domains/retail/data_model.py); fields in declaration order, as model_dump() writes them. */
import { defineModel, t } from '../env/model.js';

/** One purchasable variant of a product (`Variant`). */
export const Variant = defineModel('Variant', {
  item_id: t.str,
  options: t.dict(t.str),
  available: t.bool,
  price: t.float,
});

/** A product and its variants by item id (`Product`). */
export const Product = defineModel('Product', {
  name: t.str,
  product_id: t.str,
  variants: t.dict(t.model(Variant)),
});

/** `UserName`. */
export const UserName = defineModel('UserName', { first_name: t.str, last_name: t.str });

/** `UserAddress`: also built by the address tools, hence their `1 validation error for UserAddress`. */
export const UserAddress = defineModel('UserAddress', {
  address1: t.str,
  address2: t.str,
  city: t.str,
  country: t.str,
  state: t.str,
  zip: t.str,
});

// The payment methods subclass `PaymentMethodBase(source, id)`: a subclass redeclaring a field keeps its
// place, so every method dumps `source` then `id` first.

/** `CreditCard`. */
export const CreditCard = defineModel('CreditCard', {
  source: t.literal('credit_card'),
  id: t.str,
  brand: t.str,
  last_four: t.str,
});

/** `Paypal`. */
export const Paypal = defineModel('Paypal', { source: t.literal('paypal'), id: t.str });

/** `GiftCard`: the only method with a balance, which refunds and payments update in place. */
export const GiftCard = defineModel('GiftCard', {
  source: t.literal('gift_card'),
  id: t.str,
  balance: t.float,
});

/** `User`; `payment_methods` holds `Union[CreditCard, GiftCard, Paypal]` instances. */
export const User = defineModel('User', {
  user_id: t.str,
  name: t.model(UserName),
  address: t.model(UserAddress),
  email: t.str,
  payment_methods: t.dict(t.union(t.model(CreditCard), t.model(GiftCard), t.model(Paypal))),
  orders: t.list(t.str),
});

/** `OrderFullfilment` (sic). */
export const OrderFullfilment = defineModel('OrderFullfilment', {
  tracking_id: t.list(t.str),
  item_ids: t.list(t.str),
});

/** `OrderItem`: the variant bought and its price then. */
export const OrderItem = defineModel('OrderItem', {
  name: t.str,
  product_id: t.str,
  item_id: t.str,
  price: t.float,
  options: t.dict(t.str),
});

/** `OrderPayment`, built by the tools for every payment and refund. */
export const OrderPayment = defineModel('OrderPayment', {
  transaction_type: t.literal('payment', 'refund'),
  amount: t.float,
  payment_method_id: t.str,
});

const nullable = (type: ReturnType<typeof t.optional>) => ({ type, default: () => null });

/** `Order`: the optional fields default to None and are always dumped (`"cancel_reason": null`). */
export const Order = defineModel('Order', {
  order_id: t.str,
  user_id: t.str,
  address: t.model(UserAddress),
  items: t.list(t.model(OrderItem)),
  status: t.literal(
    'processed',
    'pending',
    'pending (item modified)',
    'delivered',
    'cancelled',
    'exchange requested',
    'return requested',
  ),
  fulfillments: t.list(t.model(OrderFullfilment)),
  payment_history: t.list(t.model(OrderPayment)),
  cancel_reason: nullable(t.optional(t.literal('no longer needed', 'ordered by mistake'))),
  exchange_items: nullable(t.optional(t.list(t.str))),
  exchange_new_items: nullable(t.optional(t.list(t.str))),
  exchange_payment_method_id: nullable(t.optional(t.str)),
  exchange_price_difference: nullable(t.optional(t.float)),
  return_items: nullable(t.optional(t.list(t.str))),
  return_payment_method_id: nullable(t.optional(t.str)),
});

/** The agent's DB, `db.json` (`RetailDB`, a tau2 `DB`: extra fields forbidden). */
export const RetailDB = defineModel(
  'RetailDB',
  { products: t.dict(t.model(Product)), users: t.dict(t.model(User)), orders: t.dict(t.model(Order)) },
  'forbid',
);
