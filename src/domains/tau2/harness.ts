/**
 * A faithful tau2 port as a harness {@link Domain}: every task of `tasks.json` (none skipped), tau2's prompts,
 * schemas and set-up for the orchestrator ({@link Tau2Play}), and environments for today's evaluator.
 */
import { dumpsPy, type PyValue } from '../../util/pyjson.js';
import type { Domain, DomainEnvironment, ExpectedAction, RewardBasis, Task, ToolSchema } from '../types.js';
import { initializeEnvironment } from './check.js';
import type { PyDict } from './env/python.js';
import { openAiSchema } from './env/schema.js';
import type { MethodSpec } from './env/toolkit.js';
import { evaluateSimulation } from './evaluate/evaluate.js';
import { openFaithfulDomain } from './faithful.js';
import { historyMessages } from './messages.js';
import type { Tau2Play, Tau2UserSetup } from './play.js';
import type { Tau2DomainPort } from './port.js';
import { agentSystemPrompt } from './prompts.js';
import type { Tau2Task } from './tasks.js';
import { userScenarioText, userSystemPrompt } from './user-prompt.js';

const dict = (v: PyValue | undefined): PyDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
const list = (v: PyValue | undefined): PyValue[] => (Array.isArray(v) ? v : []);
const strings = (v: PyValue | undefined): string[] => list(v).map(String);

// Today's evaluator scores DB, ACTION and NL_ASSERTION; tau2's COMMUNICATE and ENV_ASSERTION wait for the
// faithful scorer (`Tau2Play.score`) to replace it. tau2's default basis is [DB, COMMUNICATE].
const SCORED: readonly string[] = ['DB', 'ACTION', 'NL_ASSERTION'] satisfies RewardBasis[];

/** The harness's view of a tau2 task: what the simulated models and today's evaluator read. */
function harnessTask(domain: string, task: Tau2Task): Task {
  const criteria = dict(task.raw['evaluation_criteria']);
  const rawActions = list(criteria['actions']).map(dict);
  const expectedActions = task.actions.map((a, i): ExpectedAction => {
    const compare = rawActions[i]?.['compare_args'];
    return {
      name: a.name,
      arguments: a.arguments,
      requestor: a.requestor,
      argumentsJson: dumpsPy(a.arguments),
      ...(Array.isArray(compare) ? { compareArgs: compare.map(String) } : {}),
    };
  });
  const basis = criteria['reward_basis'] ?? ['DB', 'COMMUNICATE'];
  return {
    id: task.id,
    domain,
    userInstructions: userScenarioText(dict(task.raw['user_scenario'])),
    expectedActions,
    nlAssertions: strings(criteria['nl_assertions']),
    rewardBasis: strings(basis).filter((b): b is RewardBasis => SCORED.includes(b)),
    communicateInfo: strings(criteria['communicate_info']),
  };
}

/** A tool as the harness's {@link ToolSchema} (the same object tau2 sends, without the `type` wrapper). */
function toolSchema(m: MethodSpec): ToolSchema {
  const { function: f } = openAiSchema(m);
  return {
    name: f.name,
    description: f.description,
    parameters: f.parameters as unknown as ToolSchema['parameters'],
  };
}

/** Opens `<dataDir>/domains/<port.name>/` as a harness domain played as tau2 plays it. */
export function faithfulHarnessDomain(port: Tau2DomainPort, dataDir: string): Domain {
  const { domain: opened, tasks } = openFaithfulDomain(port, dataDir);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const taskOf = (id: string): Tau2Task => {
    const t = byId.get(id);
    if (!t) throw new Error(`no task "${id}" in ${port.name}`);
    return t;
  };
  const play: Tau2Play = {
    agentSystemPrompt: agentSystemPrompt(opened.policy),
    agentTools: opened.agentTools.tools.map(openAiSchema),
    user(id): Tau2UserSetup {
      const task = taskOf(id);
      // `get_user_tools(include=task.user_tools) or None`: a null list means all, an empty result means none.
      const include = task.raw['user_tools'];
      const offered = (opened.userTools?.tools ?? []).filter(
        (m) => !Array.isArray(include) || include.includes(m.name),
      );
      const tools = offered.length > 0 ? offered.map(openAiSchema) : null;
      const scenario = userScenarioText(dict(task.raw['user_scenario']));
      return { systemPrompt: userSystemPrompt(scenario, tools !== null), tools };
    },
    score: (id, messages, termination, judge) =>
      evaluateSimulation({ domain: opened, task: taskOf(id), messages, termination, judge }),
    start(id) {
      const task = taskOf(id);
      const history = list(dict(task.raw['initial_state'])['message_history']);
      return { env: initializeEnvironment(opened, task), history: historyMessages(history) };
    },
  };
  return {
    name: port.name,
    policy: opened.policy,
    tools: opened.agentTools.tools.map(toolSchema),
    tasks: tasks.map((t) => harnessTask(port.name, t)),
    createEnvironment(task): DomainEnvironment {
      const env = initializeEnvironment(opened, taskOf(task.id));
      return {
        execute(name, args, requestor = 'assistant') {
          const r = env.getResponse({ name, arguments: args as PyDict, requestor });
          return { ok: !r.error, content: r.content };
        },
        dbHash: () => env.dbHash(),
      };
    },
    tau2: play,
  };
}
