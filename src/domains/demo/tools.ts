/** The demo bookshop's tools: pure functions over a {@link BookshopDb}. */
import { type Args, lookup, param, round2, type ToolDef, ToolError, tool, transferTool } from '../kit.js';
import type { BookshopDb, Customer, Order, OrderStatus, PaymentMethod } from './db.js';

type Db = BookshopDb;

/** Reasons a customer may give for cancelling. */
export const CANCEL_REASONS = ['no longer needed', 'ordered by mistake'];

const orderId = param.str("The order id, including the leading '#', e.g. '#B1001'.");
const customerId = param.str("The customer id, e.g. 'cust_maya_patel'.");
const paymentMethodId = param.str("The id of one of the customer's payment methods, e.g. 'gift_card_2001'.");

function orderWithStatus(db: Db, id: string, status: OrderStatus): Order {
  const order = lookup(db.orders, id, 'order');
  if (order.status !== status) {
    throw new ToolError(`order ${id} is ${order.status}; this action needs a ${status} order`);
  }
  return order;
}

function paymentMethodOf(customer: Customer, id: string): PaymentMethod {
  const method = Object.hasOwn(customer.payment_methods, id) ? customer.payment_methods[id] : undefined;
  if (!method)
    throw new ToolError(`payment method ${id} does not belong to customer ${customer.customer_id}`);
  return method;
}

function creditGiftCard(db: Db, order: Order, amount: number, methodId: string): void {
  const method = lookup(db.customers, order.customer_id, 'customer').payment_methods[methodId];
  if (method?.kind === 'gift_card') method.balance = round2((method.balance ?? 0) + amount);
}

function addressArgs(args: Args) {
  return {
    street: args.str('street'),
    city: args.str('city'),
    state: args.str('state'),
    zip: args.str('zip'),
  };
}

/** All tools of the demo domain. */
export const demoTools: ToolDef<Db>[] = [
  tool(
    'find_customer_by_email',
    'Find the id of the customer with this email address. Use it to authenticate the customer.',
    { email: param.str('The email address, e.g. maya.patel@example.com.') },
    (db, args) => {
      const email = args.str('email').trim().toLowerCase();
      const found = Object.values(db.customers).find((c) => c.email === email);
      if (!found) throw new ToolError(`no customer with email ${email}`);
      return found.customer_id;
    },
  ),
  tool(
    'get_customer_details',
    "Get a customer's profile: name, email, default address, payment methods and order ids.",
    { customer_id: customerId },
    (db, args) => lookup(db.customers, args.str('customer_id'), 'customer'),
  ),
  tool(
    'get_order_details',
    'Get the status, items, total, shipping address and payment method of an order.',
    { order_id: orderId },
    (db, args) => lookup(db.orders, args.str('order_id'), 'order'),
  ),
  tool(
    'get_book_details',
    'Get the title, author, price and number of copies in stock of a book.',
    { book_id: param.str("The book id, e.g. 'bk_1001'.") },
    (db, args) => lookup(db.books, args.str('book_id'), 'book'),
  ),
  tool(
    'search_books',
    'Search the catalogue by words of the title or the author. Returns the matching books (possibly none).',
    { query: param.str("Words to look for, e.g. 'austen' or 'time machine'.") },
    (db, args) => {
      const words = args.str('query').toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) throw new ToolError('query is empty');
      return Object.values(db.books)
        .filter((b) => words.every((w) => `${b.title} ${b.author}`.toLowerCase().includes(w)))
        .map(({ book_id, title, author, price, stock }) => ({
          book_id,
          title,
          author,
          price,
          in_stock: stock > 0,
        }));
    },
  ),
  tool(
    'cancel_pending_order',
    'Cancel a pending order. Its books go back to stock; a gift card payment is refunded at once, other ' +
      'payments within 5 to 7 business days.',
    { order_id: orderId, reason: param.enum(CANCEL_REASONS, 'Why the customer cancels.') },
    (db, args) => {
      const reason = args.str('reason');
      if (!CANCEL_REASONS.includes(reason))
        throw new ToolError(`reason must be one of: ${CANCEL_REASONS.join(', ')}`);
      const order = orderWithStatus(db, args.str('order_id'), 'pending');
      for (const item of order.items) lookup(db.books, item.book_id, 'book').stock += 1;
      creditGiftCard(db, order, order.total, order.payment_method_id);
      order.status = 'cancelled';
      order.cancel_reason = reason;
      return order;
    },
  ),
  tool(
    'update_order_address',
    'Change the shipping address of a pending order.',
    {
      order_id: orderId,
      street: param.str('Street and number, with apartment or suite if any.'),
      city: param.str('City.'),
      state: param.str("Two-letter state code, e.g. 'TX'."),
      zip: param.str('Five-digit zip code.'),
    },
    (db, args) => {
      const address = addressArgs(args);
      const order = orderWithStatus(db, args.str('order_id'), 'pending');
      order.address = address;
      return order;
    },
  ),
  tool(
    'return_delivered_items',
    'Request the return of some items of a delivered order (once per order). The refund goes to the ' +
      "original payment method or to one of the customer's gift cards (credited at once).",
    {
      order_id: orderId,
      item_ids: param.strs("Ids of the order's items to return, e.g. ['B1002-1']."),
      payment_method_id: paymentMethodId,
    },
    (db, args) => {
      const itemIds = args.strs('item_ids');
      const methodId = args.str('payment_method_id');
      const order = orderWithStatus(db, args.str('order_id'), 'delivered');
      if (itemIds.length === 0) throw new ToolError('item_ids is empty');
      if (new Set(itemIds).size !== itemIds.length) throw new ToolError('item_ids has duplicates');
      const items = itemIds.map((id) => {
        const item = order.items.find((it) => it.item_id === id);
        if (!item) throw new ToolError(`item ${id} is not part of order ${order.order_id}`);
        return item;
      });
      const method = paymentMethodOf(lookup(db.customers, order.customer_id, 'customer'), methodId);
      if (methodId !== order.payment_method_id && method.kind !== 'gift_card') {
        throw new ToolError('a refund goes to the original payment method or to a gift card');
      }
      const amount = round2(items.reduce((sum, it) => sum + it.price, 0));
      creditGiftCard(db, order, amount, methodId);
      order.status = 'return requested';
      order.returned_item_ids = itemIds;
      order.refund = { amount, payment_method_id: methodId };
      return order;
    },
  ),
  tool(
    'place_order',
    "Place a new order (one copy per listed book id) shipped to the customer's default address.",
    {
      customer_id: customerId,
      book_ids: param.strs("Ids of the books to buy; repeat an id to buy several copies, e.g. ['bk_1001']."),
      payment_method_id: paymentMethodId,
    },
    (db, args) => {
      const bookIds = args.strs('book_ids');
      const customer = lookup(db.customers, args.str('customer_id'), 'customer');
      const method = paymentMethodOf(customer, args.str('payment_method_id'));
      if (bookIds.length === 0) throw new ToolError('book_ids is empty');
      const books = bookIds.map((id) => lookup(db.books, id, 'book'));
      for (const book of new Set(books)) {
        const wanted = books.filter((b) => b === book).length;
        if (book.stock < wanted) throw new ToolError(`only ${book.stock} copies of ${book.book_id} in stock`);
      }
      const total = round2(books.reduce((sum, b) => sum + b.price, 0));
      if (method.kind === 'gift_card') {
        if ((method.balance ?? 0) < total) throw new ToolError(`gift card ${method.id} balance is too low`);
        method.balance = round2((method.balance ?? 0) - total);
      }
      const num = 1 + Math.max(1000, ...Object.keys(db.orders).map((id) => Number(id.slice(2)) || 0));
      const order: Order = {
        order_id: `#B${num}`,
        customer_id: customer.customer_id,
        status: 'pending',
        items: books.map((b, i) => ({
          item_id: `B${num}-${i + 1}`,
          book_id: b.book_id,
          title: b.title,
          price: b.price,
        })),
        total,
        address: { ...customer.address },
        payment_method_id: method.id,
      };
      for (const b of books) b.stock -= 1;
      db.orders[order.order_id] = order;
      customer.order_ids.push(order.order_id);
      return order;
    },
  ),
  transferTool(),
];
