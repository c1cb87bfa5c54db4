/**
 * Simulated roles of your own. A {@link SimRole} answers a chat request in place of the simulator's built-in
 * agent, user, judge or expert (roles.ts). The simulator still decides when each token goes out (its engine),
 * injects its faults and records the same spans and metrics: only the words are the role's. A role answers
 * synchronously, because the engine needs an answer's length when it admits the request.
 */
import type { Task } from '../domains/types.js';
import { type Rng, rngFor } from '../util/random.js';
import { type ChatMessage, planResponse, type Role, type RoleRequest, type TaskCatalog } from './roles.js';
import { type Plan, prose, textOf, toolCall } from './tokens.js';

/** A message of the conversation as a role sees it: content parts are joined into `text`. */
export interface SimMessage {
  /** `system`, `user`, `assistant` or `tool`, as sent. */
  role: string;
  text: string;
  /** The tool calls of an assistant message, their arguments as the JSON text sent. */
  toolCalls: { id: string; name: string; arguments: string }[];
  /** The call a tool message answers. */
  toolCallId?: string;
}

/** A tool call a role answers with. */
export interface SimToolCall {
  name: string;
  /** An object (sent as its JSON) or the JSON text itself. */
  arguments: Record<string, unknown> | string;
  /** Default: a `call_…` id drawn from the seed. */
  id?: string;
}

/** What a role answers: words, tool calls or both; `reasoning` streams first, as `reasoning_content`. */
export interface SimAnswer {
  text?: string;
  reasoning?: string;
  toolCalls?: SimToolCall[];
}

/** A chat request as a role sees it. */
export interface SimRoleRequest {
  /** The served model the request names. */
  model: string;
  messages: readonly SimMessage[];
  /** The names of the tools the request offers. */
  toolNames: readonly string[];
  /**
   * The task the conversation is about, when the simulator can tell: the one the harness names in its W3C
   * baggage (`tau2.domain`, `tau2.task.id`), else the one whose user instructions a message states.
   */
  task: Task | undefined;
  /** Numbers in [0, 1) drawn from the seed, the model, the task and the turn: the same run, the same draws. */
  random(): number;
  /** The answer the built-in role `role` would give (to fall back on, or to change). */
  builtIn(role: Role): SimAnswer;
}

/** A role of your own: answers one chat request. An error it throws is answered as a 500 naming the model. */
export type SimRole = (request: SimRoleRequest) => SimAnswer;

/** What a served model plays: a built-in role by name, or a role of your own. */
export type ServedRole = Role | SimRole;

/** Roles of your own for the models of a run's embedded simulator, by the role each model plays there. */
export type SimRoles = Partial<Record<Role, SimRole>>;

/** The built-in roles' names. */
export const ROLE_NAMES: readonly Role[] = ['agent', 'user', 'judge', 'expert'];

/** What answering for any role needs besides the request. */
export interface RoleScope {
  model: string;
  catalog: TaskCatalog;
  seed: number;
}

/** Why `role` cannot be served (neither a built-in role's name nor a function), or undefined. */
export function servedRoleProblem(role: unknown): string | undefined {
  if (typeof role === 'function' || ROLE_NAMES.includes(role as Role)) return undefined;
  return `${JSON.stringify(role) ?? String(role)} is neither a function nor one of ${ROLE_NAMES.join(', ')}`;
}

/** What is wrong with a run's {@link SimRoles} (a key that is no role, a value that is no function), or undefined. */
export function simRolesProblem(roles: unknown): string | undefined {
  if (typeof roles !== 'object' || roles === null) return `${String(roles)} is not an object of roles`;
  for (const [name, role] of Object.entries(roles)) {
    if (!ROLE_NAMES.includes(name as Role)) return `${name} is not one of ${ROLE_NAMES.join(', ')}`;
    if (typeof role !== 'function') return `${name} is not a function`;
  }
  return undefined;
}

/** The answer of a model playing `role` to `req`, token by token. */
export function planFor(role: ServedRole, req: RoleRequest, scope: RoleScope): Plan {
  if (typeof role === 'string') return planResponse(role, req, scope.catalog, scope.seed);
  const task = taskOf(req, scope.catalog);
  const key = `${scope.model}:${task ? `${task.domain}/${task.id}` : ''}:${req.messages.length}`;
  const request: SimRoleRequest = {
    model: scope.model,
    messages: req.messages.map(simMessage),
    toolNames: [...req.toolNames],
    task,
    random: rngFor(scope.seed, `role:${key}`),
    builtIn(name) {
      if (!ROLE_NAMES.includes(name)) {
        throw new RangeError(`builtIn: ${JSON.stringify(name)} is not one of ${ROLE_NAMES.join(', ')}`);
      }
      return answerOf(planResponse(name, req, scope.catalog, scope.seed));
    },
  };
  const who = `the simulated role of model "${scope.model}"`;
  let answer: unknown;
  try {
    answer = role(request);
  } catch (err) {
    throw new Error(`${who} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const problem = answerProblem(answer);
  if (problem) throw new Error(`${who} answered ${problem}`);
  return planOf(answer as SimAnswer, rngFor(scope.seed, `ids:${key}`));
}

/** The task of a request: named in its baggage, else stated in a message (either side's). */
function taskOf(req: RoleRequest, catalog: TaskCatalog): Task | undefined {
  const named = req.taskId === undefined ? undefined : catalog.byId(req.domain, req.taskId);
  if (named) return named;
  for (const m of req.messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const task = catalog.find(textOf(m.content), req.toolNames, req.taskId);
    if (task) return task;
  }
  return undefined;
}

function simMessage(m: ChatMessage): SimMessage {
  const toolCalls = (m.tool_calls ?? []).map((c) => ({
    id: c.id ?? '',
    name: c.function?.name ?? '',
    arguments: c.function?.arguments ?? '',
  }));
  const text = textOf(m.content);
  return {
    role: m.role,
    text,
    toolCalls,
    ...(m.tool_call_id !== undefined ? { toolCallId: m.tool_call_id } : {}),
  };
}

/** What is wrong with a role's answer, said after "answered", or undefined. */
function answerProblem(a: unknown): string | undefined {
  if (typeof a !== 'object' || a === null) return `${String(a)}, not an object`;
  if (typeof (a as { then?: unknown }).then === 'function') return 'a Promise (roles answer synchronously)';
  const { text, reasoning, toolCalls } = a as Record<string, unknown>;
  if (text !== undefined && typeof text !== 'string') return '`text` that is not a string';
  if (reasoning !== undefined && typeof reasoning !== 'string') return '`reasoning` that is not a string';
  if (toolCalls !== undefined && !Array.isArray(toolCalls)) return '`toolCalls` that is not an array';
  for (const [i, c] of ((toolCalls as unknown[] | undefined) ?? []).entries()) {
    const call = (c ?? {}) as Record<string, unknown>;
    if (typeof call.name !== 'string' || call.name === '') return `toolCalls[${i}] without a name`;
    const args = call.arguments;
    if (typeof args !== 'string' && (typeof args !== 'object' || args === null || Array.isArray(args)))
      return `toolCalls[${i}] (${call.name}) whose arguments are neither an object nor JSON text`;
  }
  if (!text && !(toolCalls as unknown[] | undefined)?.length) return 'neither text nor tool calls';
  return undefined;
}

/** The tokens of an answer: its reasoning, its words, then its tool calls (ids drawn from `rng`). */
function planOf(a: SimAnswer, rng: Rng): Plan {
  const calls = a.toolCalls ?? [];
  const deltas = [
    ...(a.reasoning ? prose(a.reasoning, 'reasoning') : []),
    ...(a.text ? prose(a.text) : []),
    ...calls.flatMap((c, i) => toolCall(rng, c.name, c.arguments, i, c.id)),
  ];
  return { deltas, finishReason: calls.length > 0 ? 'tool_calls' : 'stop' };
}

/** A built-in role's tokens as an answer; {@link planOf} gives the same tokens back. */
function answerOf(plan: Plan): SimAnswer {
  const join = (kind: 'content' | 'reasoning') =>
    plan.deltas.flatMap((d) => (d.kind === kind ? [d.text] : [])).join('');
  const calls: { name: string; arguments: string; id?: string }[] = [];
  for (const d of plan.deltas) {
    if (d.kind !== 'tool') continue;
    if (d.name !== undefined) calls.push({ name: d.name, arguments: '', ...(d.id ? { id: d.id } : {}) });
    const call = calls.at(-1);
    if (call) call.arguments += d.args;
  }
  const text = join('content');
  const reasoning = join('reasoning');
  return {
    ...(text ? { text } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(calls.length > 0 ? { toolCalls: calls } : {}),
  };
}
