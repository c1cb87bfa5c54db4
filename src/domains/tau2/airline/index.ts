/** tau2's airline domain (domains/airline/environment.py): `AirlineTools` over `db.json`; the user has no tools. */
import path from 'node:path';
import { createEnvironment } from '../env/environment.js';
import { copyInstance } from '../env/model.js';
import { createToolKit } from '../env/toolkit.js';
import { readDataText, readPyJson } from '../files.js';
import { loadDb, type Tau2DomainPort } from '../port.js';
import { FlightDB } from './models.js';
import { AirlineTools } from './tools.js';

/** The airline domain: flights, users and reservations; tau2 gives its user simulator no tools. */
export const airlineDomain: Tau2DomainPort = {
  name: 'airline',
  open(dir) {
    const policy = readDataText(path.join(dir, 'policy.md'));
    const dbFile = path.join(dir, 'db.json');
    // `FlightDB.load(path)`, once: the DB is 7 MB, and a deep copy of the validated instance is what
    // validating the same file again would give.
    const db = loadDb(FlightDB, readPyJson(dbFile), dbFile);
    return {
      name: 'airline',
      policy,
      agentTools: AirlineTools,
      userTools: null,
      createEnvironment: () =>
        createEnvironment({ domain: 'airline', tools: createToolKit(AirlineTools, copyInstance(db)) }),
    };
  },
};
