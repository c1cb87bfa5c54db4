/** tau2's retail domain (domains/retail/environment.py): `RetailTools` over `db.json`; the user has no tools. */
import path from 'node:path';
import { createEnvironment } from '../env/environment.js';
import { copyInstance } from '../env/model.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyJson } from '../files.js';
import { loadDb, type Tau2DomainPort } from '../port.js';
import { RetailDB } from './models.js';
import { RetailTools } from './tools.js';

/** The retail domain: an online shop's products, users and orders, served to the agent only. */
export const retailDomain: Tau2DomainPort = {
  name: 'retail',
  open(dir) {
    const policy = readDataText(path.join(dir, 'policy.md'));
    const dbFile = path.join(dir, 'db.json');
    // Validated once, when the domain is opened (bad data fails here, not in the first task); every
    // environment gets a copy, as if RetailDB.load had read the file again.
    const db = loadDb(RetailDB, readPyJson(dbFile), dbFile);
    return {
      name: 'retail',
      policy,
      agentTools: RetailTools,
      userTools: null,
      createEnvironment: () =>
        createEnvironment({ domain: 'retail', tools: createToolKit(RetailTools, copyInstance(db)) }),
    };
  },
};
