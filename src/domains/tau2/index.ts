/** tau2-bench domains read from a data directory at run time. */
export { evaluateArithmetic } from './calculate.js';
export {
  listTau2Domains,
  loadTau2Domain,
  type SkippedTask,
  SUPPORTED_TAU2_DOMAINS,
  type Tau2Load,
} from './load.js';
export { type MockDb, mockTools } from './mock.js';
export { retailTools } from './retail.js';
export { isRetailDb, type RetailDb } from './retail-db.js';
