/**
 * What the simulated server answers, by the role the requested model plays: the agent replays the task's
 * expected actions as tool calls (sometimes consulting an expert first, and asking the user before the last
 * action), the user states its scenario and stops when served, the judge accepts every assertion. An expert
 * given tools (the ToolOrchestra fork's gpt-5 experts, who see the agent's conversation) answers as the agent
 * would, without consulting; an expert without tools answers in prose (often reasoning first), as advice the
 * agent then acts on. Every choice is drawn from the seed and the conversation, never from arrival order, so
 * the same run gives the same tokens. A served model can play a role of the user's instead (custom-role.ts).
 */
import {
  ASSERTIONS_CLOSE,
  ASSERTIONS_OPEN,
  type AssertionVerdict,
  between,
  CALL_EXPERT,
  EXPERT_NAMES,
  SCENARIO_CLOSE,
  SCENARIO_OPEN,
  STOP,
  TRANSFER,
  TRANSFER_NOTICE,
  USER_ACTION_CLOSE,
  USER_ACTION_OPEN,
} from '../domains/protocol.js';
import { GPT5_NOTE } from '../domains/tau2/orchestra/index.js';
import type { ExpectedAction, Task } from '../domains/types.js';
import { hash32, intBetween, rngFor } from '../util/random.js';
import { filler, type Plan, prose, textOf, toolCall, withReasoning } from './tokens.js';

/** Roles a served model can play. */
export type Role = 'agent' | 'user' | 'judge' | 'expert';

/** The subset of a chat request the roles read. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[] | null;
  tool_call_id?: string;
}

export interface RoleRequest {
  messages: ChatMessage[];
  toolNames: string[];
  /** `tau2.task.id` of the request's W3C baggage, when the harness sent one. */
  taskId?: string;
  /** `tau2.domain` of the request's W3C baggage, when the harness sent one. */
  domain?: string;
}

/** Probability that the agent consults an expert before an action (when it has the tool). */
const EXPERT_RATE = 0.3;
/** Probability that an agent turn starts with reasoning tokens; experts reason more often. */
const AGENT_REASONING_RATE = 0.3;
const EXPERT_REASONING_RATE = 0.6;
const CONFIRM = 'Shall I proceed?';
/** How an expert without tools opens its advice; the agent acts on advice rather than asking again. */
const ADVICE = 'My advice:';
const DONE = 'Is there anything else I can help you with?';

/** The arguments of an expected action as a model would write them (a tau2 task's keep 2.0 a float). */
const argumentsText = (a: ExpectedAction): string => a.argumentsJson ?? JSON.stringify(a.arguments);

/**
 * Finds the task a conversation is about, by the words the user opens with. Tasks can share those words (114
 * telecom tasks have 15 scenarios: the phone's state tells them apart, which a model finds out by asking); then
 * the task the harness names in its baggage (`named`) picks among them, and never a task the words do not fit.
 */
export interface TaskCatalog {
  find(userMessage: string, toolNames: string[], named?: string): Task | undefined;
  /** The task `id` of `domain` (task ids repeat across domains; without a domain, the first with that id). */
  byId(domain: string | undefined, id: string): Task | undefined;
}

/** Indexes tasks by the instructions their user simulator states first. */
export function createTaskCatalog(tasks: Task[]): TaskCatalog {
  const byText = new Map<string, Task[]>();
  for (const task of tasks) {
    const key = task.userInstructions.trim();
    byText.set(key, [...(byText.get(key) ?? []), task]);
  }
  return {
    byId: (domain, id) => tasks.find((t) => t.id === id && (domain === undefined || t.domain === domain)),
    find(first, toolNames, named) {
      const candidates = byText.get(first.trim()) ?? [];
      const byName = candidates.find((t) => t.id === named);
      if (byName) return byName;
      const tools = new Set(toolNames);
      // The agent's own actions must be among its tools; the user's run on the user's side.
      const fits = (t: Task) => t.expectedActions.every((a) => a.requestor === 'user' || tools.has(a.name));
      return candidates.find(fits) ?? candidates[0];
    },
  };
}

/** The request to run a user tool, as the simulated agent words it. */
function userActionRequest(a: ExpectedAction): string {
  return (
    `Please do this on your side and tell me what you see: ${USER_ACTION_OPEN}${a.name}">` +
    `${argumentsText(a)}${USER_ACTION_CLOSE}`
  );
}

/** The user tool call an agent's message asks for, or undefined. */
function requestedUserAction(text: string): { name: string; args: string } | undefined {
  const start = text.indexOf(USER_ACTION_OPEN);
  if (start < 0) return undefined;
  const rest = text.slice(start + USER_ACTION_OPEN.length);
  const nameEnd = rest.indexOf('">');
  const end = rest.indexOf(USER_ACTION_CLOSE);
  if (nameEnd < 0 || end < nameEnd) return undefined;
  return { name: rest.slice(0, nameEnd), args: rest.slice(nameEnd + 2, end) };
}

/**
 * The task whose scenario a user message states, and where the sim's own work starts: a task's message
 * history may come before that message.
 */
function agentTask(req: RoleRequest, catalog: TaskCatalog): { task: Task | undefined; from: number } {
  for (const [i, m] of req.messages.entries()) {
    if (m.role !== 'user') continue;
    const task = catalog.find(textOf(m.content), req.toolNames, req.taskId);
    if (task) return { task, from: i + 1 };
  }
  return { task: undefined, from: 0 };
}

/** How far the agent is through its task, from its messages since the task's scenario was stated. */
function agentProgress(since: ChatMessage[], last: ChatMessage | undefined) {
  const said = (m: ChatMessage, words: string) => m.role === 'assistant' && textOf(m.content).includes(words);
  const calls = since.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
  // An action is done when the agent called it, or asked the user to (its reply follows before the next turn).
  const userActionsAsked = since.filter((m) => said(m, USER_ACTION_OPEN)).length;
  const done = calls.filter((c) => c.function?.name !== CALL_EXPERT).length + userActionsAsked;
  const lastCall = calls[calls.length - 1];
  const justConsulted = last?.role === 'tool' && lastCall?.function?.name === CALL_EXPERT;
  // With the fork's routing an expert's words are the agent's own message: advice given since the agent's
  // last tool call counts as consulted for the action at hand.
  const lastCallAt = since.findLastIndex((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0);
  const advised = since.slice(lastCallAt + 1).some((m) => said(m, ADVICE));
  const asked = since.some((m) => said(m, CONFIRM));
  return { done, consulted: justConsulted || advised, asked };
}

/** The agent's closing words once every action is done. */
function agentClosing(task: Task): string {
  const transferred = task.expectedActions.some((a) => a.name === 'transfer_to_human_agents');
  // tau2's COMMUNICATE check looks for each `communicate_info` string in the agent's messages.
  const info = (task.communicateInfo ?? []).map((i) => `${i}. `).join('');
  return transferred ? TRANSFER_NOTICE : `I have taken care of your request. ${info}${DONE}`;
}

function agentPlan(req: RoleRequest, catalog: TaskCatalog, seed: number): Plan {
  const { task, from } = agentTask(req, catalog);
  const rng = rngFor(seed, `agent:${task?.id ?? 'unknown'}:${req.messages.length}`);
  if (!task) {
    return { deltas: prose("I'm sorry, I cannot help with that request. " + DONE), finishReason: 'stop' };
  }
  const { done, consulted, asked } = agentProgress(req.messages.slice(from), req.messages.at(-1));
  const actions = task.expectedActions;
  const say = (text: string): Plan => ({
    deltas: withReasoning(rng, AGENT_REASONING_RATE, prose(text)),
    finishReason: 'stop',
  });
  if (done >= actions.length) return say(agentClosing(task));
  const action = actions[done]!;
  if (action.requestor === 'user') return say(userActionRequest(action));
  if (actions.length > 1 && done === actions.length - 1 && !asked) {
    return say(`I am ready to run ${action.name} for you. ${CONFIRM}`);
  }
  const consult = req.toolNames.includes(CALL_EXPERT) && !consulted;
  if (consult && rngFor(seed, `expert:${task.id}:${done}`)() < EXPERT_RATE) {
    const expert = EXPERT_NAMES[hash32(`${seed}:${task.id}:${done}`) % EXPERT_NAMES.length]!;
    const args = { expert, question: `How should I handle ${action.name} under the policy?` };
    return { deltas: toolCall(rng, CALL_EXPERT, args), finishReason: 'tool_calls' };
  }
  return {
    deltas: withReasoning(rng, AGENT_REASONING_RATE, toolCall(rng, action.name, argumentsText(action))),
    finishReason: 'tool_calls',
  };
}

function userPlan(req: RoleRequest, seed: number): Plan {
  const system = textOf(req.messages.find((m) => m.role === 'system')?.content);
  // The user simulator's own words are `assistant` messages; the agent's are `user` messages.
  const own = req.messages.filter((m) => m.role === 'assistant');
  const agent = textOf([...req.messages].reverse().find((m) => m.role === 'user')?.content);
  const last = req.messages[req.messages.length - 1];
  const scenario = between(system, SCENARIO_OPEN, SCENARIO_CLOSE);
  // A task's message history may hold earlier words of the user: the scenario is stated once, all the same.
  const stated = own.some((m) => textOf(m.content).trim() === scenario);
  const wanted = last?.role === 'user' ? requestedUserAction(agent) : undefined;
  let text: string;
  if (!stated && scenario !== undefined) text = scenario;
  else if (own.length === 0) text = 'I need some help.';
  else if (last?.role === 'tool') text = `I did it. This is what I see: ${textOf(last.content)}`;
  else if (wanted && req.toolNames.includes(wanted.name)) {
    const rng = rngFor(seed, `user:${wanted.name}:${req.messages.length}`);
    return { deltas: toolCall(rng, wanted.name, wanted.args), finishReason: 'tool_calls' };
  } else if (wanted) text = 'I cannot do that from here.';
  else if (agent.includes(ADVICE)) text = 'Please go ahead.';
  else if (agent.includes(TRANSFER_NOTICE)) text = TRANSFER;
  else if (agent.includes(CONFIRM)) text = 'Yes, please go ahead.';
  else if (agent.includes(DONE) || own.length >= 4) text = `No, that's all. Thank you! ${STOP}`;
  else text = 'Could you please continue?';
  return { deltas: prose(text), finishReason: 'stop' };
}

// tau2's judge gets its assertions as the Python repr of a list of str, after `expectedOutcomes:`.
const TAU2_OUTCOMES = 'expectedOutcomes:';
const PY_STR = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
const PY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** The strings of a Python list repr of str (the escapes `repr` writes for text). */
function pyStrList(repr: string): string[] {
  return [...repr.matchAll(PY_STR)].map((m) =>
    (m[1] ?? m[2] ?? '').replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(Number.parseInt(e.slice(1), 16)) : (PY_ESCAPES[e] ?? `\\${e}`),
    ),
  );
}

/** The assertions a judge request asks about: ours between markers, or tau2's list. */
function judgedAssertions(prompt: string): string[] {
  const ours = between(prompt, ASSERTIONS_OPEN, ASSERTIONS_CLOSE);
  if (ours !== undefined) {
    return ours
      .split('\n')
      .map((l) => l.replace(/^\s*\d+\.\s*/, '').trim())
      .filter(Boolean);
  }
  const at = prompt.lastIndexOf(TAU2_OUTCOMES);
  if (at < 0) return [];
  const line =
    prompt
      .slice(at + TAU2_OUTCOMES.length)
      .trimStart()
      .split('\n')[0] ?? '';
  return pyStrList(line);
}

function judgePlan(req: RoleRequest): Plan {
  const prompt = req.messages.map((m) => textOf(m.content)).join('\n');
  const assertions = judgedAssertions(prompt);
  const results: AssertionVerdict[] = assertions.map((a) => ({
    expectedOutcome: a,
    reasoning: 'The conversation shows this outcome.',
    metExpectation: true,
  }));
  return { deltas: prose(JSON.stringify({ results })), finishReason: 'stop' };
}

function expertPlan(req: RoleRequest, catalog: TaskCatalog, seed: number): Plan {
  // With the agent's tools it can take the agent's next step itself (it has no call_expert to consult).
  if (req.toolNames.length > 0) return agentPlan(req, catalog, seed);
  const question = textOf(req.messages[req.messages.length - 1]?.content);
  const rng = rngFor(seed, `expert:${question}:${req.messages.length}`);
  const answer = prose(`${ADVICE} follow the policy: ${filler(rng, intBetween(rng, 30, 120))}`);
  return { deltas: withReasoning(rng, EXPERT_REASONING_RATE, answer), finishReason: 'stop' };
}

/** The request without the fork's note on its last message (which a gpt-5 expert is sent; quirk O5). */
function withoutNote(req: RoleRequest): RoleRequest {
  const last = req.messages.at(-1);
  const text = typeof last?.content === 'string' ? last.content : undefined;
  if (last === undefined || text === undefined || !text.endsWith(GPT5_NOTE)) return req;
  const stripped = { ...last, content: text.slice(0, -GPT5_NOTE.length) };
  return { ...req, messages: [...req.messages.slice(0, -1), stripped] };
}

/** The answer of a model playing `role` to `req`. */
export function planResponse(role: Role, req: RoleRequest, catalog: TaskCatalog, seed: number): Plan {
  switch (role) {
    case 'agent':
      return agentPlan(req, catalog, seed);
    case 'user':
      return userPlan(req, seed);
    case 'judge':
      return judgePlan(req);
    case 'expert':
      return expertPlan(withoutNote(req), catalog, seed);
  }
}
