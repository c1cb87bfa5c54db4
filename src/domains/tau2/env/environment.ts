/**
 * tau2's `Environment` (src/tau2/environment/environment.py): the agent's toolkit, the user's optional one, and
 * the three things a run does with them: answer a tool call as the model sees it (`get_response`), set a task's
 * initial state (`set_state`), and hash the DBs (`get_db_hash`, `get_user_db_hash`).
 */
import { dumpsPy, loadsPy, orderedDict, type PyValue } from '../../../util/pyjson.js';
import { modelDump } from './model.js';
import { modelName, type PyDict, PyError, pyEquals, pyStr, pyTypeName, valueError } from './python.js';
import type { ToolKit } from './toolkit.js';

/** Who makes a tool call (tau2's `ToolRequestor`). */
export type Requestor = 'assistant' | 'user';

/** A tool call as tau2's `ToolCall` holds it; `arguments` as `json.loads` gave them. */
export interface ToolCall {
  id?: string;
  name: string;
  arguments: PyDict;
  requestor: Requestor;
}

/** What `get_response` returns: the `ToolMessage`'s `content` and `error`. */
export interface ToolResponse {
  content: string;
  error: boolean;
}

/** An `EnvFunctionCall` of a task's `initialization_actions`. */
export interface EnvFunctionCall {
  env_type: Requestor;
  func_name: string;
  arguments: PyDict;
}

/** An `EnvAssertion` of a task's `evaluation_criteria.env_assertions`: a call whose result must be a bool. */
export interface EnvAssertion extends EnvFunctionCall {
  /** The value the result must equal (default true). */
  assert_value: boolean;
  /** What a failed assertion says; default `Assertion failed: <the call>`. */
  message: string | null;
}

/** A message of a task's `initial_state.message_history`, as far as `set_state` reads it. */
export interface HistoryMessage {
  role: string;
  /** The tool message's id, or undefined. */
  id?: string;
  content?: string | null;
  tool_calls?: ToolCall[] | null;
}

/** A task's `initial_state`, as `Environment.set_state` takes it. */
export interface InitialState {
  agentData?: PyDict | null;
  userData?: PyDict | null;
  initializationActions?: readonly EnvFunctionCall[] | null;
  messageHistory?: readonly HistoryMessage[] | null;
}

/** A tau2 environment of one domain, for one task trial. */
export interface Tau2Environment {
  readonly domain: string;
  readonly tools: ToolKit;
  readonly userTools: ToolKit | null;
  /** `get_response(tool_call)`: the tool's result as text, exceptions as `Error: ...`; syncs after success. */
  getResponse(call: ToolCall): ToolResponse;
  /** `make_tool_call(name, requestor, **kwargs)`: the raw result, exceptions propagate, no sync. */
  makeToolCall(name: string, requestor: Requestor, kwargs: PyDict): PyValue;
  /** `sync_tools()`: the domain's hook that copies state between the agent's and the user's worlds. */
  sync(): void;
  /** `run_env_function_call(call)`: any method of either toolkit, then a sync. */
  runEnvFunctionCall(call: EnvFunctionCall): PyValue;
  /**
   * `run_env_assertion(assertion, raise_assertion_error)`: runs the call (then a sync) and compares its bool
   * with `assert_value`; a non-bool result is a `ValueError`, a failure with `raise_assertion_error` an
   * `AssertionError`. This is what tau2's `EnvironmentEvaluator` does for ENV_ASSERTION scoring.
   */
  runEnvAssertion(assertion: EnvAssertion, raiseAssertionError?: boolean): boolean;
  /** `set_state(initialization_data, initialization_actions, message_history)`; throws on bad history. */
  setState(state: InitialState): void;
  /** `get_db_hash()`. */
  dbHash(): string;
  /** `get_user_db_hash()`: null without user tools. */
  userDbHash(): string | null;
}

/** How a domain builds its environment: toolkits over fresh DBs, and its `sync_tools` if it overrides it. */
export interface EnvironmentParts {
  domain: string;
  tools: ToolKit;
  userTools?: ToolKit | null;
  sync?: (env: Tau2Environment) => void;
}

/** `Environment.to_json_str`: a str as is, anything else through `_process` and `json.dumps(default=str)`. */
export function toJsonStr(resp: PyValue): string {
  return typeof resp === 'string' ? resp : dumpsPy(processResult(resp));
}

// tau2's `_process`: a model is model_dump()ed and left alone, but a bare number or bool (also one inside a
// plain dict or list) becomes its str(): "4.0", "True".
function processResult(v: PyValue): PyValue {
  if (modelName(v) !== undefined) return modelDump(v);
  if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number') return pyStr(v);
  if (Array.isArray(v)) return v.map(processResult);
  if (v !== null && typeof v === 'object') {
    return orderedDict(Object.entries(v).map(([k, x]) => [k, processResult(x)]));
  }
  return v;
}

// json.loads(text), or the text itself when it is not JSON (set_state's comparison of replayed outputs).
function loadsOrText(text: string): PyValue {
  try {
    return loadsPy(text);
  } catch {
    return text;
  }
}

/** Builds the environment; `tools` and `userTools` must be fresh toolkits (their DBs belong to it). */
export function createEnvironment(parts: EnvironmentParts): Tau2Environment {
  const { tools } = parts;
  const userTools = parts.userTools ?? null;
  const env: Tau2Environment = {
    domain: parts.domain,
    tools,
    userTools,
    makeToolCall: (name, requestor, kwargs) => makeToolCall(env, name, requestor, kwargs),
    getResponse: (call) => getResponse(env, call),
    sync: () => parts.sync?.(env),
    runEnvFunctionCall: (call) => runEnvFunctionCall(env, call),
    runEnvAssertion: (assertion, raiseAssertionError = true) =>
      runEnvAssertion(env, assertion, raiseAssertionError),
    setState: (state) => setState(env, state),
    dbHash: () => tools.dbHash(),
    userDbHash: () => (userTools === null ? null : userTools.dbHash()),
  };
  // tau2's Environment.__init__ ends with a sync_tools().
  env.sync();
  return env;
}

// The methods of an environment, each given the environment it belongs to; calls between them go through
// `env`, as tau2's go through `self`.

function makeToolCall(env: Tau2Environment, name: string, requestor: Requestor, kwargs: PyDict): PyValue {
  if (requestor === 'user') {
    if (env.userTools === null) throw valueError('User tools not available');
    return env.userTools.useTool(name, kwargs);
  }
  if (requestor === 'assistant') return env.tools.useTool(name, kwargs);
  throw valueError(`Invalid requestor: ${String(requestor)}`);
}

function getResponse(env: Tau2Environment, call: ToolCall): ToolResponse {
  let resp: PyValue;
  let error = false;
  try {
    resp = env.makeToolCall(call.name, call.requestor, call.arguments);
    env.sync();
  } catch (err) {
    // Only a Python exception of the ported code is a tool error; anything else is a bug of the port.
    if (!(err instanceof PyError)) throw err;
    resp = `Error: ${err.message}`;
    error = true;
  }
  return { content: toJsonStr(resp), error };
}

function runEnvFunctionCall(env: Tau2Environment, call: EnvFunctionCall): PyValue {
  const kit =
    call.env_type === 'user' ? env.userTools : call.env_type === 'assistant' ? env.tools : undefined;
  if (kit === undefined) throw valueError(`Invalid environment type: ${String(call.env_type)}`);
  if (kit === null)
    throw new PyError('AttributeError', `'NoneType' object has no attribute '${call.func_name}'`);
  const res = kit.callMethod(call.func_name, call.arguments);
  env.sync();
  return res;
}

function runEnvAssertion(
  env: Tau2Environment,
  assertion: EnvAssertion,
  raiseAssertionError: boolean,
): boolean {
  const res = env.runEnvFunctionCall(assertion);
  if (typeof res !== 'boolean') {
    throw valueError(`Function ${assertion.func_name} returned <class '${pyTypeName(res)}'> instead of bool`);
  }
  const pass = res === assertion.assert_value;
  if (raiseAssertionError && !pass) {
    // EnvFunctionCall.__str__: env type, function name and the arguments as json.dumps(indent=2).
    const call = `Env Type: ${assertion.env_type}\nFunc Name: ${assertion.func_name}\nArguments:\n${dumpsPy(assertion.arguments, { indent: 2 })}`;
    throw new PyError('AssertionError', assertion.message ?? `Assertion failed: ${call}`);
  }
  return pass;
}

function setState(env: Tau2Environment, state: InitialState): void {
  const { tools, userTools } = env;
  if (state.agentData != null) {
    tools.updateDb(state.agentData);
    // tau2 points the user toolkit at the agent's new DB (quirk: the user's tools then see the agent DB).
    if (userTools !== null) userTools.db = tools.db;
  }
  if (state.userData != null) {
    if (userTools === null)
      throw new PyError('AttributeError', "'NoneType' object has no attribute 'update_db'");
    userTools.updateDb(state.userData);
    tools.db = userTools.db;
  }
  for (const action of state.initializationActions ?? []) env.runEnvFunctionCall(action);
  replayHistory(env, state.messageHistory ?? []);
  env.sync();
}

/**
 * set_state's replay of a message history: each state-changing tool call is made again and must answer as the
 * history says (unknown tools and tools that do not mutate state are skipped, as tau2's replay does).
 */
function replayHistory(env: Tau2Environment, messages: readonly HistoryMessage[]): void {
  const { tools, userTools } = env;
  for (const [call, expected] of historyActions(messages)) {
    const known = tools.hasTool(call.name) || (userTools?.hasTool(call.name) ?? false);
    if (!known) continue;
    const kit = tools.hasTool(call.name) ? tools : userTools!;
    if (!kit.toolMutatesState(call.name)) continue;
    const response = env.getResponse(call);
    if (!pyEquals(loadsOrText(response.content), loadsOrText(expected.content ?? ''))) {
      throw valueError(
        `Tool call:\n${call.name}\n\nReturned:\n${response.content}\n\nExpected:\n${expected.content ?? ''}`,
      );
    }
  }
}

/** set_state's `get_actions_from_messages`: each tool call of the history with the tool message answering it. */
function historyActions(messages: readonly HistoryMessage[]): [ToolCall, HistoryMessage][] {
  const queue = [...messages];
  const actions: [ToolCall, HistoryMessage][] = [];
  while (queue.length > 0) {
    const message = queue.shift()!;
    if (message.role === 'tool') {
      throw valueError('Tool message not expected. Tool messages should always follow a tool call.');
    }
    if ((message.role === 'assistant' || message.role === 'user') && message.tool_calls != null) {
      for (const call of message.tool_calls) {
        const answer = queue.shift();
        if (answer === undefined) throw valueError('Tool message expected. Got None.');
        if (answer.role !== 'tool') throw valueError(`Tool message expected. Got ${answer.role} message.`);
        if ((call.id ?? '') !== answer.id) {
          throw valueError(`Tool call id mismatch. Got ${call.id ?? ''} and ${answer.id ?? ''}`);
        }
        actions.push([call, answer]);
      }
    }
  }
  return actions;
}
