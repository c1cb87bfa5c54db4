/** tau2's retail domain (domains/retail/environment.py): `RetailTools` over `db.json`; the user has no tools. */
import path from 'node:path';
import { createEnvironment } from '../env/environment.js';
import { copyInstance, validateModel } from '../env/model.js';
import type { PyDict, PyError } from '../env/python.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyJson } from '../files.js';
import { Tau2DataError, type Tau2DomainPort } from '../port.js';
import { RetailDB } from './models.js';
import { RetailTools } from './tools.js';

// `RetailDB.load(path)`: the file validated as the DB model; a DB that does not validate is bad data.
function loadDb(data: ReturnType<typeof readPyJson>, file: string): PyDict {
  try {
    return validateModel(RetailDB, data);
  } catch (err) {
    throw new Tau2DataError(`${file} is not a valid RetailDB: ${(err as PyError).message}`);
  }
}

/** The retail domain: an online shop's products, users and orders, served to the agent only. */
export const retailDomain: Tau2DomainPort = {
  name: 'retail',
  open(dir) {
    const policy = readDataText(path.join(dir, 'policy.md'));
    const dbFile = path.join(dir, 'db.json');
    // Validated once, when the domain is opened (bad data fails here, not in the first task); every
    // environment gets a copy, as if RetailDB.load had read the file again.
    const db = loadDb(readPyJson(dbFile), dbFile);
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
