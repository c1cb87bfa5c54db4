/** tau2's mock domain (domains/mock/environment.py): `MockTools` over `db.json`, `MockUserTools` over `user_db.json`. */
import path from 'node:path';
import { createEnvironment } from '../env/environment.js';
import { type ModelType, validateModel } from '../env/model.js';
import type { PyDict, PyError } from '../env/python.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyJson } from '../files.js';
import { Tau2DataError, type Tau2DomainPort } from '../port.js';
import { MockDB, MockUserDB } from './models.js';
import { MockTools } from './tools.js';
import { MockUserTools } from './user-tools.js';

// `DB.load(path)`: the file validated as the DB model; a DB that does not validate is bad data.
function loadDb(model: ModelType, data: ReturnType<typeof readPyJson>, file: string): PyDict {
  try {
    return validateModel(model, data);
  } catch (err) {
    throw new Tau2DataError(`${file} is not a valid ${model.name}: ${(err as PyError).message}`);
  }
}

/** The mock domain: to-do tasks for the agent, a notification inbox for the user. */
export const mockDomain: Tau2DomainPort = {
  name: 'mock',
  open(dir) {
    const policy = readDataText(path.join(dir, 'policy.md'));
    const dbFile = path.join(dir, 'db.json');
    const userDbFile = path.join(dir, 'user_db.json');
    const db = readPyJson(dbFile);
    const userDb = readPyJson(userDbFile);
    // Validate once up front, so bad data fails when the domain is opened rather than in the first task.
    loadDb(MockDB, db, dbFile);
    loadDb(MockUserDB, userDb, userDbFile);
    return {
      name: 'mock',
      policy,
      agentTools: MockTools,
      userTools: MockUserTools,
      createEnvironment: () =>
        createEnvironment({
          domain: 'mock',
          tools: createToolKit(MockTools, loadDb(MockDB, db, dbFile)),
          userTools: createToolKit(MockUserTools, loadDb(MockUserDB, userDb, userDbFile)),
        }),
    };
  },
};
