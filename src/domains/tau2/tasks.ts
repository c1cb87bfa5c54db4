/**
 * The parts of tau2's `Task` (data_model/tasks.py) that set up and replay a task: `initial_state` and the
 * expected actions of `evaluation_criteria`. Read from `tasks.json` losslessly (2 and 2.0 stay apart).
 */
import type { PyValue } from '../../util/pyjson.js';
import { type EvaluationCriteria, parseEvaluationCriteria, parseFunctionCall } from './criteria.js';
import type { HistoryMessage, InitialState, Requestor, ToolCall } from './env/environment.js';
import type { PyDict } from './env/python.js';
import { readPyJson } from './files.js';
import { Tau2DataError } from './port.js';

/** An action to replay: tau2's `Action` (name, arguments, requestor). */
export interface ReplayAction {
  name: string;
  arguments: PyDict;
  requestor: Requestor;
}

/** One task of a domain's `tasks.json`. */
export interface Tau2Task {
  id: string;
  initialState: InitialState;
  /** `evaluation_criteria.actions`, [] when there are none. */
  actions: ReplayAction[];
  /** `evaluation_criteria` as scoring reads it; null when the task has none. */
  evaluationCriteria: EvaluationCriteria | null;
  /** The task as `json.loads` read it: the fields set-up and replay do not need (user scenario, criteria). */
  raw: PyDict;
}

const isDict = (v: PyValue | undefined): v is PyDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Shape checks that name the culprit (`<file>: task 3 (id "x"): ...`); `field`, the setting that named the
 * file, when a setting did (it then heads the message, see `Tau2Error`).
 */
export class Reader {
  constructor(
    readonly where: string,
    readonly field?: string,
  ) {}
  fail(msg: string): never {
    throw new Tau2DataError(`${this.where}: ${msg}`, { field: this.field });
  }
  dict(v: PyValue | undefined, what: string): PyDict {
    return isDict(v) ? v : this.fail(`${what} must be an object`);
  }
  optDict(v: PyValue | undefined, what: string): PyDict | null {
    return v === undefined || v === null ? null : this.dict(v, what);
  }
  optList(v: PyValue | undefined, what: string): PyValue[] | null {
    if (v === undefined || v === null) return null;
    return Array.isArray(v) ? v : this.fail(`${what} must be a list`);
  }
  str(v: PyValue | undefined, what: string): string {
    return typeof v === 'string' ? v : this.fail(`${what} must be a string`);
  }
  requestor(v: PyValue | undefined, what: string): Requestor {
    if (v === undefined) return 'assistant';
    return v === 'assistant' || v === 'user' ? v : this.fail(`${what} must be "assistant" or "user"`);
  }
}

/**
 * Parses one action (`{name, arguments, requestor?}`) of a task or of an actions file; `field` as in
 * {@link Reader}.
 */
export function parseAction(v: PyValue, what: string, where: string, field?: string): ReplayAction {
  const r = new Reader(where, field);
  const a = r.dict(v, what);
  return {
    name: r.str(a['name'], `${what}.name`),
    arguments: r.dict(a['arguments'], `${what}.arguments`),
    requestor: r.requestor(a['requestor'], `${what}.requestor`),
  };
}

function parseMessage(r: Reader, v: PyValue, what: string): HistoryMessage {
  const m = r.dict(v, what);
  const message: HistoryMessage = { role: r.str(m['role'], `${what}.role`) };
  if (typeof m['id'] === 'string') message.id = m['id'];
  if (typeof m['content'] === 'string') message.content = m['content'];
  const calls = r.optList(m['tool_calls'], `${what}.tool_calls`);
  if (calls !== null) {
    message.tool_calls = calls.map((c, i): ToolCall => {
      const call = r.dict(c, `${what}.tool_calls[${i}]`);
      return {
        id: typeof call['id'] === 'string' ? call['id'] : '',
        name: r.str(call['name'], `${what}.tool_calls[${i}].name`),
        arguments: r.dict(call['arguments'], `${what}.tool_calls[${i}].arguments`),
        requestor: r.requestor(call['requestor'], `${what}.tool_calls[${i}].requestor`),
      };
    });
  }
  return message;
}

function parseTask(v: PyValue, index: number, file: string): Tau2Task {
  const raw = isDict(v) ? v : undefined;
  const id = raw?.['id'];
  const r = new Reader(`${file}: task ${index}${typeof id === 'string' ? ` (id "${id}")` : ''}`);
  const task = r.dict(v, 'the task');
  const initial = r.optDict(task['initial_state'], 'initial_state');
  const data = r.optDict(initial?.['initialization_data'], 'initial_state.initialization_data');
  const criteria = r.optDict(task['evaluation_criteria'], 'evaluation_criteria');
  return {
    id: r.str(task['id'], 'id'),
    initialState: {
      agentData: r.optDict(data?.['agent_data'], 'initialization_data.agent_data'),
      userData: r.optDict(data?.['user_data'], 'initialization_data.user_data'),
      initializationActions: (
        r.optList(initial?.['initialization_actions'], 'initialization_actions') ?? []
      ).map((c, i) => parseFunctionCall(r, c, `initialization_actions[${i}]`)),
      messageHistory: (r.optList(initial?.['message_history'], 'message_history') ?? []).map((m, i) =>
        parseMessage(r, m, `message_history[${i}]`),
      ),
    },
    actions: (r.optList(criteria?.['actions'], 'evaluation_criteria.actions') ?? []).map((a, i) =>
      parseAction(a, `evaluation_criteria.actions[${i}]`, r.where),
    ),
    evaluationCriteria: parseEvaluationCriteria(r, task['evaluation_criteria']),
    raw: task,
  };
}

/** Reads `tasks.json` (a list of tasks) in file order. */
export function readTasks(file: string): Tau2Task[] {
  const raw = readPyJson(file);
  if (!Array.isArray(raw)) throw new Tau2DataError(`${file} must hold a JSON list of tasks`);
  return raw.map((v, i) => parseTask(v, i, file));
}
