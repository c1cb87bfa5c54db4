/**
 * `tau2-trace tasks check`: set each task up as a tau2 simulation does, send actions through `get_response`,
 * and write what the model would see, one JSON line per call and a final line with the DB hashes (format:
 * test/fixtures/tau2/README.md). Library code: returns lines and counts, prints nothing.
 */
import { dumpsPy, type PyValue } from '../../util/pyjson.js';
import type { Tau2Environment } from './env/environment.js';
import { modelDump } from './env/model.js';
import { PyError } from './env/python.js';
import { readPyJson } from './files.js';
import { type OpenedTau2Domain, Tau2DataError } from './port.js';
import { parseAction, type ReplayAction, type Tau2Task } from './tasks.js';

/** What one domain's check counted (the summary line). */
export interface CheckCounts {
  tasks: number;
  calls: number;
  errors: number;
  setupFailures: number;
}

/** A new, zeroed {@link CheckCounts}. */
export const newCounts = (): CheckCounts => ({ tasks: 0, calls: 0, errors: 0, setupFailures: 0 });

// One dump line: keys in insertion order, compact separators, non-ASCII raw, floats as Python writes them.
const line = (obj: { [key: string]: PyValue }): string =>
  dumpsPy(obj, { separators: [',', ':'], ensureAscii: false });

/**
 * tau2's `Orchestrator.initialize()` as far as the environment goes: `set_state` with the task's initial
 * state, then one more `sync_tools()` (after the agent's and user's states are built).
 */
export function initializeEnvironment(domain: OpenedTau2Domain, task: Tau2Task): Tau2Environment {
  const env = domain.createEnvironment();
  env.setState(task.initialState);
  env.sync();
  return env;
}

/**
 * The gold environment of tau2's `EnvironmentEvaluator.calculate_reward`: `set_state` with the task's
 * initialization data and actions (no message history), then each expected action through `make_tool_call`
 * — no `sync_tools()` after the calls, their errors ignored (quirk 19). Its hashes are the gold DB hashes.
 */
export function goldEnvironment(domain: OpenedTau2Domain, task: Tau2Task): Tau2Environment {
  const env = domain.createEnvironment();
  env.setState({ ...task.initialState, messageHistory: [] });
  for (const action of task.actions) {
    try {
      env.makeToolCall(action.name, action.requestor, action.arguments);
    } catch (err) {
      // The evaluator logs a failing gold action and goes on; a JS error is still a bug of the port.
      if (!(err instanceof PyError)) throw err;
    }
  }
  return env;
}

/**
 * Replays `actions` on a fresh set-up of `task` and appends the dump lines to `out`. A set-up that raises is
 * recorded (a `setup_error` line and a final line without hashes); tool errors never stop the sequence.
 */
export function replaySequence(
  domain: OpenedTau2Domain,
  task: Tau2Task,
  seq: number,
  actions: readonly ReplayAction[],
  out: string[],
  counts: CheckCounts,
): void {
  counts.tasks++;
  const head = { domain: domain.name, task_id: task.id, seq: BigInt(seq) };
  let env: Tau2Environment;
  try {
    env = initializeEnvironment(domain, task);
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    counts.setupFailures++;
    out.push(line({ type: 'setup_error', ...head, error: `${err.pyType}: ${err.message}` }));
    out.push(line({ type: 'final', ...head, db_hash: null, user_db_hash: null }));
    return;
  }
  for (const [index, action] of actions.entries()) {
    // As sent: written before the call, in case a tool changes what it was given.
    const shown = modelDump(action.arguments);
    const response = env.getResponse({ id: `call_${index}`, ...action });
    counts.calls++;
    if (response.error) counts.errors++;
    out.push(
      line({
        type: 'call',
        ...head,
        index: BigInt(index),
        requestor: action.requestor,
        name: action.name,
        arguments: shown,
        output: response.content,
        error: response.error,
      }),
    );
  }
  out.push(line({ type: 'final', ...head, db_hash: env.dbHash(), user_db_hash: env.userDbHash() }));
}

/** A sequence of an actions file: the task to set up and the actions to send, `seq` its index in the file. */
export interface ActionSequence {
  seq: number;
  domain: string;
  taskId: string;
  actions: ReplayAction[];
}

/**
 * Reads an actions file (the `actions` setting of `tasks check`): `[{domain, task_id, actions: [{name,
 * arguments, requestor?}], note?}]`. Throws a {@link Tau2DataError} about `actions` naming the file, the
 * sequence and the field.
 */
export function readActionsFile(file: string): ActionSequence[] {
  const field = 'actions';
  const raw = readPyJson(file);
  if (!Array.isArray(raw)) throw new Tau2DataError(`${file} must hold a JSON list of sequences`, { field });
  return raw.map((v: PyValue, seq) => {
    const where = `${file}: sequence ${seq}`;
    const fail = (msg: string): never => {
      throw new Tau2DataError(`${where}${msg}`, { field });
    };
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(' must be an object');
    const { domain, task_id: taskId, actions } = v;
    if (typeof domain !== 'string') return fail(': domain must be a string');
    if (typeof taskId !== 'string') return fail(': task_id must be a string');
    if (!Array.isArray(actions)) return fail(': actions must be a list');
    return {
      seq,
      domain,
      taskId,
      actions: actions.map((a, i) => parseAction(a, `actions[${i}]`, where, field)),
    };
  });
}

/** Every task of `tasks` with its expected actions (`seq` 0), in file order. */
export function checkExpected(
  domain: OpenedTau2Domain,
  tasks: readonly Tau2Task[],
): { lines: string[]; counts: CheckCounts } {
  const lines: string[] = [];
  const counts = newCounts();
  for (const task of tasks) replaySequence(domain, task, 0, task.actions, lines, counts);
  return { lines, counts };
}

/** The given sequences (already this domain's), each on its task. */
export function checkSequences(
  domain: OpenedTau2Domain,
  tasks: ReadonlyMap<string, Tau2Task>,
  sequences: readonly ActionSequence[],
): { lines: string[]; counts: CheckCounts } {
  const lines: string[] = [];
  const counts = newCounts();
  for (const s of sequences) {
    const task = tasks.get(s.taskId);
    if (!task) throw new Error(`sequence ${s.seq}: no task "${s.taskId}" in ${domain.name}`);
    replaySequence(domain, task, s.seq, s.actions, lines, counts);
  }
  return { lines, counts };
}
