/** The demo bookshop's database: its shape and the initial data every environment starts from. */
import { round2 } from '../kit.js';

/** A postal address. */
export interface Address {
  street: string;
  city: string;
  state: string;
  zip: string;
}

/** A stored payment method; gift cards carry a balance. */
export interface PaymentMethod {
  id: string;
  kind: 'credit_card' | 'paypal' | 'gift_card';
  last_four?: string;
  balance?: number;
}

/** A customer account. */
export interface Customer {
  customer_id: string;
  name: string;
  email: string;
  address: Address;
  payment_methods: Record<string, PaymentMethod>;
  order_ids: string[];
}

/** A title in the catalogue. */
export interface Book {
  book_id: string;
  title: string;
  author: string;
  price: number;
  stock: number;
}

/** One line of an order (one copy of one book). */
export interface OrderItem {
  item_id: string;
  book_id: string;
  title: string;
  price: number;
}

/** Order lifecycle; `return requested` is reached through a return. */
export type OrderStatus = 'pending' | 'shipped' | 'delivered' | 'cancelled' | 'return requested';

/** An order; the optional fields record what happened to it. */
export interface Order {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  items: OrderItem[];
  total: number;
  address: Address;
  payment_method_id: string;
  cancel_reason?: string;
  returned_item_ids?: string[];
  refund?: { amount: number; payment_method_id: string };
}

/** The whole bookshop. */
export interface BookshopDb {
  customers: Record<string, Customer>;
  books: Record<string, Book>;
  orders: Record<string, Order>;
}

const customer = (
  customer_id: string,
  name: string,
  address: Address,
  methods: Omit<PaymentMethod, 'id'>[],
  ids: string[],
): Customer => ({
  customer_id,
  name,
  email: `${name
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(' ', '.')}@example.com`,
  address,
  payment_methods: Object.fromEntries(methods.map((m, i) => [ids[i]!, { id: ids[i]!, ...m }])),
  order_ids: [],
});

const customers: Customer[] = [
  customer(
    'cust_maya_patel',
    'Maya Patel',
    { street: '12 Elm Street', city: 'Springfield', state: 'IL', zip: '62701' },
    [
      { kind: 'credit_card', last_four: '4242' },
      { kind: 'gift_card', balance: 40 },
    ],
    ['credit_card_1001', 'gift_card_2001'],
  ),
  customer(
    'cust_liam_oconnor',
    "Liam O'Connor",
    { street: '88 Harbor Way', city: 'Portland', state: 'ME', zip: '04101' },
    [{ kind: 'paypal' }],
    ['paypal_3001'],
  ),
  customer(
    'cust_sofia_garcia',
    'Sofia Garcia',
    { street: '5 Sunset Boulevard, Apt 3', city: 'Austin', state: 'TX', zip: '73301' },
    [{ kind: 'credit_card', last_four: '5555' }, { kind: 'paypal' }],
    ['credit_card_1002', 'paypal_3002'],
  ),
  customer(
    'cust_kenji_tanaka',
    'Kenji Tanaka',
    { street: '401 Maple Avenue', city: 'Madison', state: 'WI', zip: '53703' },
    [
      { kind: 'gift_card', balance: 15 },
      { kind: 'credit_card', last_four: '0005' },
    ],
    ['gift_card_2002', 'credit_card_1003'],
  ),
  customer(
    'cust_amara_okafor',
    'Amara Okafor',
    { street: '77 River Road', city: 'Denver', state: 'CO', zip: '80202' },
    [{ kind: 'credit_card', last_four: '1881' }],
    ['credit_card_1004'],
  ),
  customer(
    'cust_noah_berg',
    'Noah Berg',
    { street: '9 Birch Lane', city: 'Burlington', state: 'VT', zip: '05401' },
    [{ kind: 'paypal' }, { kind: 'gift_card', balance: 100 }],
    ['paypal_3003', 'gift_card_2003'],
  ),
];

const bookRows: [string, string, string, number, number][] = [
  ['bk_1001', 'Pride and Prejudice', 'Jane Austen', 9.99, 12],
  ['bk_1002', 'Moby-Dick', 'Herman Melville', 12.5, 4],
  ['bk_1003', 'Frankenstein', 'Mary Shelley', 8.75, 0],
  ['bk_1004', 'The Time Machine', 'H. G. Wells', 7.25, 9],
  ['bk_1005', 'Emma', 'Jane Austen', 10.49, 6],
  ['bk_1006', 'Dracula', 'Bram Stoker', 11, 2],
  ['bk_1007', 'The Odyssey', 'Homer', 14.95, 7],
  ['bk_1008', 'Great Expectations', 'Charles Dickens', 13.2, 5],
  ['bk_1009', 'The War of the Worlds', 'H. G. Wells', 8.4, 1],
  ['bk_1010', 'A Tale of Two Cities', 'Charles Dickens', 11.75, 8],
];
const books: Book[] = bookRows.map(([book_id, title, author, price, stock]) => ({
  book_id,
  title,
  author,
  price,
  stock,
}));

const bookById = new Map(books.map((b) => [b.book_id, b]));
const customerById = new Map(customers.map((c) => [c.customer_id, c]));

/** Builds an order's items, total and address from the catalogue and the customer, and links it to them. */
function order(
  num: number,
  customerId: string,
  status: OrderStatus,
  bookIds: string[],
  payment: string,
): Order {
  const c = customerById.get(customerId)!;
  const items = bookIds.map((id, i) => {
    const b = bookById.get(id)!;
    return { item_id: `B${num}-${i + 1}`, book_id: id, title: b.title, price: b.price };
  });
  c.order_ids.push(`#B${num}`);
  const total = round2(items.reduce((sum, it) => sum + it.price, 0));
  return {
    order_id: `#B${num}`,
    customer_id: customerId,
    status,
    items,
    total,
    address: { ...c.address },
    payment_method_id: payment,
  };
}

const orders: Order[] = [
  order(1001, 'cust_maya_patel', 'pending', ['bk_1001', 'bk_1004'], 'credit_card_1001'),
  order(1002, 'cust_maya_patel', 'delivered', ['bk_1002', 'bk_1007'], 'gift_card_2001'),
  order(1003, 'cust_liam_oconnor', 'shipped', ['bk_1005'], 'paypal_3001'),
  order(1004, 'cust_liam_oconnor', 'delivered', ['bk_1008', 'bk_1010', 'bk_1006'], 'paypal_3001'),
  order(1005, 'cust_sofia_garcia', 'pending', ['bk_1003'], 'credit_card_1002'),
  order(1006, 'cust_sofia_garcia', 'cancelled', ['bk_1009'], 'paypal_3002'),
  order(1007, 'cust_kenji_tanaka', 'delivered', ['bk_1004'], 'credit_card_1003'),
  order(1008, 'cust_kenji_tanaka', 'pending', ['bk_1007', 'bk_1001'], 'credit_card_1003'),
  order(1009, 'cust_amara_okafor', 'shipped', ['bk_1010'], 'credit_card_1004'),
  order(1010, 'cust_noah_berg', 'delivered', ['bk_1006', 'bk_1002'], 'gift_card_2003'),
  order(1011, 'cust_noah_berg', 'pending', ['bk_1008'], 'paypal_3003'),
];
orders[5]!.cancel_reason = 'no longer needed';

const byKey = <T>(rows: T[], key: (row: T) => string): Record<string, T> =>
  Object.fromEntries(rows.map((r) => [key(r), r]));

/** The initial database. Never mutated: every environment works on its own deep copy. */
export const initialDb: BookshopDb = {
  customers: byKey(customers, (c) => c.customer_id),
  books: byKey(books, (b) => b.book_id),
  orders: byKey(orders, (o) => o.order_id),
};
