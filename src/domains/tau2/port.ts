/**
 * A tau2 domain ported faithfully: how to read its files and build fresh environments that behave as tau2's
 * own (see docs/tau2-fidelity.md). One module per domain implements this; `FAITHFUL_DOMAINS` lists them.
 */

import { DataError } from '../../util/errors.js';
import type { PyValue } from '../../util/pyjson.js';
import type { Tau2Environment } from './env/environment.js';
import { type ModelType, validateModel } from './env/model.js';
import type { PyDict, PyError } from './env/python.js';
import type { ToolKitSpec } from './env/toolkit.js';

/** A domain's files, read once: every environment starts from them. */
export interface OpenedTau2Domain {
  name: string;
  /** The agent's policy text, as tau2 puts it in the system prompt. */
  policy: string;
  /** The agent's toolkit class (its `tools` are what the agent is offered, in this order). */
  agentTools: ToolKitSpec;
  /** The user's toolkit class, or null when the domain gives the user no tools. */
  userTools: ToolKitSpec | null;
  /** A new environment over fresh copies of the DBs (tau2's `get_environment()`). */
  createEnvironment(): Tau2Environment;
}

/** A faithfully ported tau2 domain. */
export interface Tau2DomainPort {
  name: string;
  /** Reads `<dataDir>/domains/<name>/`; throws a {@link Tau2DataError} naming the file on bad data. */
  open(domainDir: string): OpenedTau2Domain;
}

/** tau2 data that cannot be used (missing file, bad JSON, a task of the wrong shape); names the culprit. */
export class Tau2DataError extends DataError {
  override readonly name: string = 'Tau2DataError';
}

/**
 * tau2's `DB.load(path)`: the file's data validated as the domain's DB model. A DB that does not validate is
 * bad data, named by its file.
 */
export function loadDb(model: ModelType, data: PyValue, file: string): PyDict {
  try {
    return validateModel(model, data);
  } catch (err) {
    throw new Tau2DataError(`${file} is not a valid ${model.name}: ${(err as PyError).message}`);
  }
}
