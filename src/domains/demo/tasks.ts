/** The demo bookshop's tasks. Every task's expected actions succeed, in order, on the initial database. */
import type { ExpectedAction, RewardBasis, Task } from '../types.js';

const ALL: RewardBasis[] = ['DB', 'ACTION', 'NL_ASSERTION'];

const act = (name: string, args: Record<string, unknown>, compareArgs?: string[]): ExpectedAction =>
  compareArgs ? { name, arguments: args, compareArgs } : { name, arguments: args };

const auth = (email: string) => act('find_customer_by_email', { email });
const order = (order_id: string) => act('get_order_details', { order_id });
const search = (query: string) => act('search_books', { query });

const task = (
  id: string,
  userInstructions: string,
  expectedActions: ExpectedAction[],
  nlAssertions: string[],
  rewardBasis: RewardBasis[] = ALL,
): Task => ({ id, domain: 'demo', userInstructions, expectedActions, nlAssertions, rewardBasis });

/** All tasks of the demo domain. */
export const demoTasks: Task[] = [
  task(
    'cancel_by_mistake',
    'Hi, I placed order #B1001 by mistake and I would like to cancel it. My email is maya.patel@example.com.',
    [
      auth('maya.patel@example.com'),
      order('#B1001'),
      act('cancel_pending_order', { order_id: '#B1001', reason: 'ordered by mistake' }),
    ],
    ['The agent confirmed that order #B1001 is cancelled.'],
  ),
  task(
    'change_shipping_address',
    'I just moved and my order #B1005 should go to my new place: 200 Congress Avenue, Apt 12, Austin, TX ' +
      '78701. You can find me under sofia.garcia@example.com.',
    [
      auth('sofia.garcia@example.com'),
      order('#B1005'),
      act('update_order_address', {
        order_id: '#B1005',
        street: '200 Congress Avenue, Apt 12',
        city: 'Austin',
        state: 'TX',
        zip: '78701',
      }),
    ],
    ['The agent confirmed the new shipping address of order #B1005.'],
  ),
  task(
    'return_to_original_gift_card',
    'Hello, I want to return Dracula from my order #B1010; I did not enjoy it. Put the refund back on the ' +
      'gift card I paid with. My email is noah.berg@example.com.',
    [
      auth('noah.berg@example.com'),
      order('#B1010'),
      act('return_delivered_items', {
        order_id: '#B1010',
        item_ids: ['B1010-1'],
        payment_method_id: 'gift_card_2003',
      }),
    ],
    ['The agent told the customer that 11.00 was refunded to gift card gift_card_2003.'],
  ),
  task(
    'return_to_other_gift_card',
    'I would like to return The Time Machine from order #B1007 (I got it twice as a present). Please refund it ' +
      'to my gift card rather than my credit card. My email address is kenji.tanaka@example.com.',
    [
      auth('kenji.tanaka@example.com'),
      order('#B1007'),
      act('get_customer_details', { customer_id: 'cust_kenji_tanaka' }),
      act('return_delivered_items', {
        order_id: '#B1007',
        item_ids: ['B1007-1'],
        payment_method_id: 'gift_card_2002',
      }),
    ],
    ['The agent confirmed the return of The Time Machine with a refund to the gift card.'],
  ),
  task(
    'return_two_books',
    "From my order #B1004 I'd like to send back Great Expectations and Dracula, but keep A Tale of Two Cities. " +
      'Refund to PayPal like I paid. Email: liam.oconnor@example.com.',
    [
      auth('liam.oconnor@example.com'),
      order('#B1004'),
      act('return_delivered_items', {
        order_id: '#B1004',
        item_ids: ['B1004-1', 'B1004-3'],
        payment_method_id: 'paypal_3001',
      }),
    ],
    ['The agent listed both books to return and the PayPal refund before acting.'],
  ),
  task(
    'buy_two_books_paypal',
    "I'd like to buy Emma by Jane Austen and The Odyssey, paid with my PayPal. I'm liam.oconnor@example.com.",
    [
      auth('liam.oconnor@example.com'),
      search('emma'),
      search('odyssey'),
      act('get_customer_details', { customer_id: 'cust_liam_oconnor' }),
      act('place_order', {
        customer_id: 'cust_liam_oconnor',
        book_ids: ['bk_1005', 'bk_1007'],
        payment_method_id: 'paypal_3001',
      }),
    ],
    ['The agent told the customer the total of the new order, 25.44.'],
  ),
  task(
    'buy_with_gift_card',
    'Can I order The Time Machine and pay for it with my gift card? My email is maya.patel@example.com.',
    [
      auth('maya.patel@example.com'),
      search('time machine'),
      act('get_customer_details', { customer_id: 'cust_maya_patel' }),
      act('place_order', {
        customer_id: 'cust_maya_patel',
        book_ids: ['bk_1004'],
        payment_method_id: 'gift_card_2001',
      }),
    ],
    ['The agent confirmed the order was placed and paid with the gift card.'],
  ),
  task(
    'where_is_my_order',
    'Hi, where is my order? I ordered A Tale of Two Cities a while ago. I am amara.okafor@example.com.',
    [
      auth('amara.okafor@example.com'),
      act('get_customer_details', { customer_id: 'cust_amara_okafor' }),
      order('#B1009'),
    ],
    ['The agent told the customer that order #B1009 has shipped.'],
  ),
  task(
    'is_frankenstein_in_stock',
    'Do you have Frankenstein by Mary Shelley in stock? I just want to know before I decide anything.',
    [search('frankenstein'), act('get_book_details', { book_id: 'bk_1003' })],
    ['The agent told the user that Frankenstein is out of stock.'],
  ),
  task(
    'cancel_shipped_order_refused',
    'I want to cancel order #B1003, I found the book cheaper elsewhere. Email liam.oconnor@example.com. If ' +
      'they say it cannot be cancelled, accept it and end the conversation.',
    [auth('liam.oconnor@example.com'), order('#B1003')],
    ['The agent did not cancel order #B1003 and explained that shipped orders cannot be cancelled.'],
  ),
  task(
    'damaged_book_transfer',
    'The copy of Moby-Dick in my order #B1010 arrived soaked with water and I want a free replacement sent ' +
      'right away; I do not want to return anything. My email is noah.berg@example.com. Insist on talking to a person.',
    [
      auth('noah.berg@example.com'),
      order('#B1010'),
      act(
        'transfer_to_human_agents',
        { summary: 'Customer received a water-damaged Moby-Dick in order #B1010.' },
        [],
      ),
    ],
    ['The agent transferred the customer to a human agent.'],
  ),
  task(
    'cancel_and_reorder',
    "I don't need order #B1008 anymore, please cancel it. Instead I want Great Expectations, charged to my " +
      'credit card. Email: kenji.tanaka@example.com.',
    [
      auth('kenji.tanaka@example.com'),
      order('#B1008'),
      act('cancel_pending_order', { order_id: '#B1008', reason: 'no longer needed' }),
      search('great expectations'),
      act('place_order', {
        customer_id: 'cust_kenji_tanaka',
        book_ids: ['bk_1008'],
        payment_method_id: 'credit_card_1003',
      }),
    ],
    ['The agent confirmed both the cancellation of #B1008 and the new order.'],
  ),
  task(
    'last_copy',
    'I want two copies of The War of the Worlds on my credit card. If you do not have two, one is fine. I am ' +
      'amara.okafor@example.com.',
    [
      auth('amara.okafor@example.com'),
      search('war of the worlds'),
      act('get_book_details', { book_id: 'bk_1009' }),
      act('get_customer_details', { customer_id: 'cust_amara_okafor' }),
      act('place_order', {
        customer_id: 'cust_amara_okafor',
        book_ids: ['bk_1009'],
        payment_method_id: 'credit_card_1004',
      }),
    ],
    ['The agent told the customer that only one copy was available.'],
  ),
  task(
    'dickens_titles',
    'Which books by Charles Dickens do you sell, and what do they cost?',
    [search('dickens')],
    ['The agent named Great Expectations (13.20) and A Tale of Two Cities (11.75).'],
    ['DB', 'NL_ASSERTION'],
  ),
];
