/**
 * `--use-model-tool` on a faithful tau2 domain: the agent is the ToolOrchestra fork's (domains/tau2/orchestra).
 * Scripted conversations check the requests byte for byte against the module and what becomes of the replies;
 * scripted failures check the endings; runs against the simulated server check that mock and retail tasks
 * score with experts on as they do without.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Context, metrics, ROOT_CONTEXT } from '@opentelemetry/api';
import { STOP } from '../../src/domains/protocol.js';
import { resolveDomains } from '../../src/domains/registry.js';
import {
  type ExpertRequest,
  expertRequest,
  forkDomainTools,
  type OrchestraSettings,
  orchestratorRequest,
  type Tau2Message,
} from '../../src/domains/tau2/orchestra/index.js';
import type { Domain } from '../../src/domains/types.js';
import { runTrial, type TrialSettings, trialFailed } from '../../src/harness/orchestrator.js';
import { createTau2Conversation } from '../../src/harness/tau2-conversation.js';
import { type ChatRequest, type ChatResult, createLlmClient } from '../../src/llm/client.js';
import { DEFAULT_EXPERT_MAPPING } from '../../src/llm/endpoints.js';
import { LlmError } from '../../src/llm/errors.js';
import { type SimServer, startSimServer } from '../../src/sim/index.js';
import { createGenAiInstruments } from '../../src/telemetry/metrics.js';
import { Attr, Kind } from '../../src/telemetry/names.js';
import { tau2DataDir } from '../helpers.js';
import { memoryTracer } from '../otel.js';
import { trialSettings } from './fixtures.js';

const ORCHESTRATOR = 'ckpt/Nemotron-Orchestrator-8B';
const settings = trialSettings({
  agentModel: ORCHESTRATOR,
  expertMapping: { ...DEFAULT_EXPERT_MAPPING },
  useModelTool: true,
  orchestratorIsLocalPath: true,
});

type Call = ChatResult['toolCalls'][number];
/** A whole (non-streamed) reply. */
const whole = (content: string, toolCalls: Call[] = []) =>
  ({ content, reasoning: '', toolCalls }) as unknown as ChatResult;
/** A streamed reply: its deltas' text in arrival order, reasoning included. */
const streamed = (arrivalText: string, toolCalls: Call[] = []) =>
  ({ content: arrivalText, reasoning: '', arrivalText, toolCalls }) as unknown as ChatResult;
const call = (name: string, args: string, id = 'x'): Call => ({ id, name, arguments: args });

class Ending extends Error {
  constructor(
    readonly reason: string,
    readonly why?: string,
    readonly errorType?: string,
  ) {
    super(why ?? reason);
  }
}

const mock = resolveDomains(['mock'], { dataDir: tau2DataDir })[0]!;
const play = mock.tau2!;
const tools = forkDomainTools('mock', play.agentTools);
const system: Tau2Message = { role: 'system', content: play.agentSystemPrompt };

/** Plays `taskId` with scripted replies, one per request kind in order; resolves with what was sent. */
async function converse(replies: Record<string, ChatResult[]>, over: Partial<TrialSettings> = {}) {
  const requests: ChatRequest[] = [];
  const task = mock.tasks.find((t) => t.id === 'create_task_1')!;
  const conversation = createTau2Conversation({
    play,
    task,
    settings: { ...settings, ...over },
    step: async (_from, body) => {
      await body(ROOT_CONTEXT);
    },
    chat: async (request) => {
      requests.push(structuredClone(request));
      const next = replies[request.kind]?.shift();
      assert.ok(next, `a scripted ${request.kind} reply`);
      return next;
    },
    tool: (_ctx, _call, run) => run(),
    made: [],
    transcript: [],
    end: (reason, why, errorType) => new Ending(reason, why, errorType),
  });
  const ending = await conversation.run().catch((e: Ending) => e);
  return { requests, ending, trajectory: conversation.trajectory() };
}

/** The module's settings for the request the harness sent (its job id is drawn per trial). */
function moduleSettings(request: ChatRequest): OrchestraSettings {
  const jobId = (request.body as { job_id?: string }).job_id!;
  assert.match(jobId, /^tau2:mock:create_task_1:[0-9a-f]{8}$/);
  return {
    orchestratorModel: ORCHESTRATOR,
    orchestratorIsLocalPath: true,
    ossMapping: settings.expertMapping,
    jobId,
    streamOrchestrator: true,
    streamExperts: true,
  };
}

const sameBytes = (actual: unknown, expected: unknown, what: string) =>
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), what);

describe('--use-model-tool on a faithful domain: one conversation through the fork’s routing', () => {
  const ask = 'Please create a task "Quarterly review" for user_1.';

  it('sends the module’s requests byte for byte; the experts’ replies become the agent’s messages', async () => {
    const { requests, ending, trajectory } = await converse({
      user_sim: [whole(ask), whole(`Thanks. ${STOP}`)],
      llm_call: [
        // The orchestrator's own text and other calls are dropped when it calls an expert (quirk O1).
        streamed('Let me ask.', [call('get_users', '{}'), call('call_expert', '{"expert": "expert-1"}')]),
        streamed('', [call('call_expert', '{"expert": "expert-3"}')]),
      ],
      expert_call: [
        // gpt-5 (OpenAI API, not streamed by the fork): it has the tools and makes the call itself.
        whole('', [call('create_task', '{"user_id": "user_1", "title": "Quarterly review"}', 'gpt')]),
        // Qwen3-32B (vLLM, streamed, no tools): its thoughts and words are the agent's message as they came.
        streamed('I think it is done. The task is created.'),
      ],
    });
    assert.equal((ending as Ending).reason, 'user_stop');

    const [o1, o2] = requests.filter((r) => r.kind === Kind.llmCall);
    const [e1, e2] = requests.filter((r) => r.kind === Kind.expertCall);
    assert.ok(o1 && o2 && e1 && e2);
    const s = moduleSettings(o1);
    // The fork's agent state has no greeting (quirk O9).
    const conv1: Tau2Message[] = [system, { role: 'user', content: ask }];
    sameBytes(o1.body, orchestratorRequest(conv1, tools, s), 'first orchestrator request');
    assert.equal(o1.model, ORCHESTRATOR);
    const expert1: ExpertRequest = expertRequest(conv1, tools, 'gpt-5', s);
    assert.equal(expert1.backend, 'openai');
    sameBytes(e1.body, expert1.body, 'the gpt-5 expert’s request');
    assert.deepEqual([e1.model, e1.expertName], ['gpt-5', 'expert-1']);

    // tau2's trajectory: the expert's call is the agent's; no call_expert, no tool message for it.
    assert.deepEqual(
      trajectory.map((m) => [
        m.role,
        m.content,
        m.role === 'tool' ? null : (m.tool_calls?.map((c) => c.name) ?? null),
      ]),
      [
        ['assistant', 'Hi! How can I help you today?', null],
        ['user', ask, null],
        ['assistant', '', ['create_task']],
        ['tool', trajectory[3]!.content, null],
        ['assistant', 'I think it is done. The task is created.', null],
        ['user', `Thanks. ${STOP}`, null],
      ],
    );
    const made = trajectory[2]!;
    const result = trajectory[3]!;
    assert.ok(made.role === 'assistant' && made.tool_calls && result.role === 'tool');
    const id = made.tool_calls[0]!.id!;
    assert.match(
      id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      'a fresh uuid4',
    );
    assert.equal(result.id, id);
    assert.equal(result.error, false);

    const conv2: Tau2Message[] = [
      ...conv1,
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id, name: 'create_task', arguments: made.tool_calls[0]!.arguments }],
      },
      { role: 'tool', id, content: result.content },
    ];
    sameBytes(o2.body, orchestratorRequest(conv2, tools, s), 'second orchestrator request');
    const expert3 = expertRequest(conv2, tools, 'Qwen/Qwen3-32B', s);
    assert.equal(expert3.backend, 'vllm');
    sameBytes(e2.body, expert3.body, 'the Qwen3 expert’s request');
    assert.equal((e2.body as { stream?: boolean }).stream, true);
    assert.equal((e2.body as { tools?: unknown }).tools, undefined, 'a vLLM expert gets no tools (quirk O4)');
  });

  it('an unknown expert is no expert: call_expert stays a tool call, which the environment refuses', async () => {
    const { requests, trajectory } = await converse({
      user_sim: [whole(ask), whole(`Bye. ${STOP}`)],
      llm_call: [streamed('', [call('call_expert', '{"expert": "expert-9"}')]), streamed('Sorry.')],
    });
    assert.equal(requests.filter((r) => r.kind === Kind.expertCall).length, 0);
    const tool = trajectory.find((m) => m.role === 'tool');
    assert.ok(tool?.role === 'tool');
    assert.deepEqual([tool.content, tool.error], ["Error: Tool 'call_expert' not found.", true]);
  });

  it('--no-use-model-tool is tau2’s LLMAgent: the greeting, tau2’s tools, temperature 0, no body of the fork', async () => {
    const { requests } = await converse(
      { user_sim: [whole(ask), whole(STOP)], llm_call: [whole('Done.')] },
      { useModelTool: false },
    );
    const agent = requests.find((r) => r.kind === Kind.llmCall)!;
    assert.equal(agent.body, undefined);
    assert.equal(agent.temperature, 0);
    assert.deepEqual(
      agent.tools?.map((t) => (t.type === 'function' ? t.function.name : '')),
      play.agentTools.map((t) => t.function.name),
    );
    assert.deepEqual(agent.messages[1], { role: 'assistant', content: 'Hi! How can I help you today?' });
  });
});

describe('--use-model-tool on a faithful domain: where the fork crashes, the trial fails', () => {
  const task = mock.tasks.find((t) => t.id === 'create_task_1')!;
  const serverError = () =>
    new LlmError({
      type: 'server_error',
      message: 'http://x/v1 answered 503',
      url: 'http://x/v1',
      status: 503,
    });

  /** A trial whose orchestrator answers `orchestrator` once and whose expert calls run `expert`. */
  async function trial(
    orchestrator: () => ChatResult,
    expert: () => ChatResult = () => whole('ok'),
    over: Partial<TrialSettings> = {},
  ) {
    const { tracer } = memoryTracer();
    return runTrial({
      domain: mock,
      task,
      trial: 0,
      settings: { ...settings, ...over },
      tracer,
      chat: async (request: ChatRequest, _parent: Context) => {
        if (request.kind === Kind.userSim) return whole('I need a task.');
        if (request.kind === Kind.expertCall) return expert();
        return orchestrator();
      },
    });
  }
  const toExpert = () => streamed('', [call('call_expert', '{"expert": "expert-2"}')]);

  it('a failed orchestrator call: agent_error', async () => {
    const r = await trial(() => {
      throw serverError();
    });
    assert.deepEqual([r.termination_reason, r.error_type, trialFailed(r)], ['agent_error', '503', true]);
  });

  it('a failed expert call: expert_error', async () => {
    const r = await trial(toExpert, () => {
      throw serverError();
    });
    assert.deepEqual([r.termination_reason, r.error_type, trialFailed(r)], ['expert_error', '503', true]);
  });

  it('an expert model the fork does not route: expert_error with the fork’s ValueError, nothing sent', async () => {
    let sent = 0;
    const r = await trial(
      toExpert,
      () => {
        sent++;
        return whole('');
      },
      { expertMapping: { 'expert-2': 'llama-3-70b' } },
    );
    assert.equal(r.termination_reason, 'expert_error');
    assert.equal(r.error_type, 'expert_routing');
    assert.equal(r.error, 'expert-2 (llama-3-70b): ValueError: Model llama-3-70b is not supported');
    assert.equal(sent, 0);
  });

  it('tool-call arguments that are no JSON object: agent_error (the fork’s ValidationError), expert_error for an expert’s', async () => {
    const bad = [call('create_task', '[1, 2]')];
    const r = await trial(() => streamed('', bad));
    assert.equal(r.termination_reason, 'agent_error');
    assert.equal(r.error_type, 'tool_arguments');
    assert.match(
      r.error!,
      /1 validation error for ToolCall\narguments\n {2}Input should be a valid dictionary/,
    );
    const e = await trial(toExpert, () => whole('', bad));
    assert.deepEqual([e.termination_reason, e.error_type], ['expert_error', 'tool_arguments']);
  });
});

describe('--use-model-tool against the simulated server: mock and retail score as without it', () => {
  const retail = resolveDomains(['retail'], { dataDir: tau2DataDir })[0]!;
  // Enough retail tasks for both kinds of expert to be called (the simulated orchestrator consults at random).
  const retailTasks = retail.tasks.slice(0, 12);
  const experts = Object.values(DEFAULT_EXPERT_MAPPING);
  let sim: SimServer;
  before(async () => {
    sim = await startSimServer({
      seed: 5,
      models: {
        [ORCHESTRATOR]: 'agent',
        user: 'user',
        judge: 'judge',
        ...Object.fromEntries(experts.map((m) => [m, 'expert' as const])),
      },
      tasks: [...mock.tasks, ...retailTasks],
      engine: { timeScale: 0.01 },
    });
  });
  after(() => sim.close());

  async function playAll(domain: Domain, tasks: Domain['tasks'], useModelTool: boolean) {
    const { tracer, exporter } = memoryTracer();
    const endpoint = [{ baseURL: `${sim.url}/v1`, provider: 'vllm' }];
    const llm = createLlmClient({
      config: {
        models: Object.fromEntries([ORCHESTRATOR, 'user', 'judge', ...experts].map((m) => [m, endpoint])),
        expertMapping: {},
      },
      tracer,
      instruments: createGenAiInstruments(metrics.getMeterProvider().getMeter('t')),
      runId: 'test',
    });
    await llm.ready();
    try {
      const rewards: Record<string, [number, string]> = {};
      for (const task of tasks) {
        const r = await runTrial({
          domain,
          task,
          trial: 0,
          settings: { ...settings, useModelTool },
          tracer,
          chat: llm.chat,
        });
        rewards[task.id] = [r.reward, r.termination_reason];
      }
      return { rewards, spans: exporter.getFinishedSpans() };
    } finally {
      await llm.close();
    }
  }

  it('every mock task and 12 retail tasks: the same rewards and endings with experts on and off', async () => {
    const expertSpans = [];
    for (const [domain, tasks] of [
      [mock, mock.tasks],
      [retail, retailTasks],
    ] as const) {
      const on = await playAll(domain, tasks, true);
      const off = await playAll(domain, tasks, false);
      assert.deepEqual(on.rewards, off.rewards);
      // A task whose expected actions are complete finishes with 1.0. Two mock tasks cannot: tau2 scores its own
      // gold of update_task_with_user_tools 0, and update_task_with_history_and_env_assertions lists no actions
      // while its env assertion wants task_2 completed (the simulator, told the task by the baggage, does not
      // borrow the actions of another task with the same scenario).
      const incomplete = ['update_task_with_user_tools', 'update_task_with_history_and_env_assertions'];
      for (const [id, [reward]] of Object.entries(on.rewards))
        assert.equal(reward, incomplete.includes(id) ? 0 : 1, id);
      expertSpans.push(...on.spans.filter((s) => s.attributes[Attr.kind] === Kind.expertCall));
      assert.equal(off.spans.filter((s) => s.attributes[Attr.kind] === Kind.expertCall).length, 0);
    }
    // Both routes were taken: gpt-5 experts (tools, their call is the agent's) and the Qwen3 one (advice).
    const models = new Set(expertSpans.map((s) => s.attributes[Attr.genAiRequestModel]));
    assert.ok(
      models.has('Qwen/Qwen3-32B') && (models.has('gpt-5') || models.has('gpt-5-mini')),
      [...models].join(),
    );
    for (const s of expertSpans) {
      const name = s.attributes[Attr.expertName] as string;
      assert.equal(DEFAULT_EXPERT_MAPPING[name], s.attributes[Attr.genAiRequestModel]);
      assert.equal(s.name, `chat ${s.attributes[Attr.genAiRequestModel]}`);
    }
  });
});
