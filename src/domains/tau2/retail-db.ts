/** The shape of tau2-bench's retail database (`db.json`). */

/** A shipping or default address. */
export interface RetailAddress {
  address1: string;
  address2: string;
  city: string;
  country: string;
  state: string;
  zip: string;
}

/** A stored payment method; gift cards carry a balance. */
export interface RetailPaymentMethod {
  source: string;
  id: string;
  balance?: number;
  [extra: string]: unknown;
}

/** A user profile. */
export interface RetailUser {
  user_id: string;
  name: { first_name: string; last_name: string };
  address: RetailAddress;
  email: string;
  payment_methods: Record<string, RetailPaymentMethod>;
  orders: string[];
}

/** One variant (item) of a product. */
export interface RetailVariant {
  item_id: string;
  options: Record<string, string>;
  available: boolean;
  price: number;
}

/** A product type and its variants, keyed by item id. */
export interface RetailProduct {
  name: string;
  product_id: string;
  variants: Record<string, RetailVariant>;
}

/** One item line of an order. */
export interface RetailOrderItem {
  name: string;
  product_id: string;
  item_id: string;
  price: number;
  options: Record<string, string>;
}

/** A payment or refund of an order. */
export interface RetailTransaction {
  transaction_type: 'payment' | 'refund';
  amount: number;
  payment_method_id: string;
}

/** An order; fields beyond the fixed ones record cancellations, returns and exchanges. */
export interface RetailOrder {
  order_id: string;
  user_id: string;
  address: RetailAddress;
  items: RetailOrderItem[];
  status: string;
  fulfillments: unknown[];
  payment_history: RetailTransaction[];
  [extra: string]: unknown;
}

/** The retail domain's `db.json`. */
export interface RetailDb {
  products: Record<string, RetailProduct>;
  users: Record<string, RetailUser>;
  orders: Record<string, RetailOrder>;
}

/** Whether a parsed `db.json` has the retail domain's shape. */
export function isRetailDb(db: unknown): db is RetailDb {
  const d = db as Record<string, unknown> | null;
  return ['products', 'users', 'orders'].every((k) => typeof d?.[k] === 'object' && d[k] !== null);
}
