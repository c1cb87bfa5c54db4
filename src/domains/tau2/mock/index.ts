/** tau2's mock domain (domains/mock/environment.py): `MockTools` over `db.json`, `MockUserTools` over `user_db.json`. */
import path from 'node:path';
import { createEnvironment } from '../env/environment.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyJson } from '../files.js';
import { loadDb, type Tau2DomainPort } from '../port.js';
import { MockDB, MockUserDB } from './models.js';
import { MockTools } from './tools.js';
import { MockUserTools } from './user-tools.js';

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
