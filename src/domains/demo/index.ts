/** The built-in demo domain: a small online bookshop that needs no external data. */
import { makeToolDomain } from '../kit.js';
import type { Domain } from '../types.js';
import { initialDb } from './db.js';
import { demoPolicy } from './policy.js';
import { demoTasks } from './tasks.js';
import { demoTools } from './tools.js';

/** The demo bookshop domain, `demo`. */
export const demoDomain: Domain = makeToolDomain({
  name: 'demo',
  policy: demoPolicy,
  tasks: demoTasks,
  db: initialDb,
  tools: demoTools,
});
