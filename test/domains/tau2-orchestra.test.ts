import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { initializeEnvironment } from '../../src/domains/tau2/check.js';
import { type PyDict, PyError } from '../../src/domains/tau2/env/python.js';
import type { OpenAiToolSchema } from '../../src/domains/tau2/env/schema.js';
import { faithfulPort, openFaithfulDomain } from '../../src/domains/tau2/faithful.js';
import {
  CALL_EXPERT_TOOL,
  EXPERT_POLICY,
  expertAnswer,
  expertRequest,
  isContextLengthError,
  llmFailure,
  type ModelReply,
  type OrchestraSettings,
  orchestratorRequest,
  POLICY_STRINGS,
  readOrchestratorReply,
  streamedReply,
  type Tau2Message,
  toWireMessages,
} from '../../src/domains/tau2/orchestra/index.js';
import { loadsPy, type PyValue } from '../../src/util/pyjson.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// Goldens written by the ToolOrchestra fork's own code (scripts/orchestra_reference.py); see
// test/fixtures/orchestra/README.md. Each file is read twice: as plain JSON for request bodies (what a JSON
// reader on the wire sees) and with Python's int/float distinction for tool-call arguments.
const fixtures = path.join(repoRoot, 'test/fixtures/orchestra');
const text = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: golden JSON, shaped by the Python script
type Json = any;
const json = (name: string): Json => JSON.parse(text(name));
const py = (name: string): Json => loadsPy(text(name));

// History arguments keep Python's int/float apart (they are re-serialised); replies are plain wire JSON.
const cases = py('cases.json');
const wireCases = json('cases.json');
const constants = json('constants.json');
const DOMAINS = ['retail', 'airline', 'telecom', 'mock'] as const;

/** A conversation of cases.json as the agent's state, behind the domain's system prompt. */
function conversation(domain: Json, name: string): Tau2Message[] {
  return [{ role: 'system', content: domain.system_prompt }, ...(cases.conversations[name] as Tau2Message[])];
}

/** A scripted reply of cases.json (`tool_calls: [{name, arguments}]`, or streamed `chunks`) as the fork reads it. */
function reply(r: Json): ModelReply {
  if (r.chunks) return streamedReply(r.chunks);
  return {
    content: r.content ?? null,
    ...(r.reasoning_content !== undefined ? { reasoning_content: r.reasoning_content } : {}),
    tool_calls:
      r.tool_calls?.map((c: Json) => ({ function: { name: c.name, arguments: c.arguments } })) ?? null,
  };
}

/** Runs `body` and gives its outcome as the golden writes it: the message, or `Class: text` of what it raised. */
function outcome(body: () => { content: string; toolCalls: { name: string; arguments: PyValue }[] | null }) {
  try {
    const m = body();
    return { content: m.content, tool_calls: m.toolCalls };
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    return { raised: `${err.pyType}: ${err.message}` };
  }
}

/** deepEqual ignores key order; the messages and tools must also serialise as the fork's do. */
function assertSameOrder(actual: { messages: unknown; tools?: unknown }, expected: Json): void {
  assert.equal(JSON.stringify(actual.messages), JSON.stringify(expected.messages));
  assert.equal(JSON.stringify(actual.tools), JSON.stringify(expected.tools));
}

describe("ToolOrchestra fork: the fork's constants", () => {
  it('declares call_expert as the fork does, key order included', () => {
    assert.equal(JSON.stringify(CALL_EXPERT_TOOL), JSON.stringify(constants.extra_tool));
  });

  it('replaces the same policy passages with the same expert policy', () => {
    assert.deepEqual(POLICY_STRINGS, constants.POLICY_STRINGS);
    assert.equal(EXPERT_POLICY, constants.EXPERT_POLICT);
  });
});

describe('ToolOrchestra fork: to_litellm_messages', () => {
  const domains = Object.fromEntries(DOMAINS.map((d) => [d, json(`${d}.json`)]));
  it(`converts ${constants.conversions.length} conversation/model pairs as the fork does, byte for byte`, () => {
    for (const c of constants.conversions) {
      const messages = toWireMessages(conversation(domains[c.conversation], c.conversation), {
        model: c.model,
        useModelTool: c.use_model_tool,
        role: 'assistant',
        enableThinking: c.enable_thinking,
      });
      assert.equal(JSON.stringify(messages), JSON.stringify(c.messages), `${c.conversation} for ${c.model}`);
    }
  });
});

describe('ToolOrchestra fork: what a2c0247 ports can feed it', () => {
  for (const d of DOMAINS) {
    it(`${d}: the fork's agent prompt is a2c0247's; its tools are a2c0247's (retail: without get_item_details)`, () => {
      const fork = json(`${d}.json`);
      const prompts = JSON.parse(
        readFileSync(path.join(repoRoot, `test/fixtures/tau2/${d}_prompts.json`), 'utf8'),
      );
      const schemas = JSON.parse(
        readFileSync(path.join(repoRoot, `test/fixtures/tau2/${d}_schemas.json`), 'utf8'),
      );
      assert.equal(fork.system_prompt, prompts.agent_system_prompt);
      const older = schemas.agent.filter((t: OpenAiToolSchema) => t.function.name !== 'get_item_details');
      assert.equal(JSON.stringify(fork.tools), JSON.stringify(older));
      assert.equal(schemas.agent.length - older.length, d === 'retail' ? 1 : 0);
    });
  }
});

describe('ToolOrchestra fork: one agent turn with experts on', () => {
  for (const d of DOMAINS) {
    const plain = json(`${d}.json`);
    const exact = py(`${d}.json`);
    for (const [i, golden] of (plain.cases as Json[]).entries()) {
      const input = (wireCases.cases as Json[]).find((c) => c.name === golden.name);
      it(`${golden.name}: requests and the agent's message equal the fork's`, () => {
        const settings: OrchestraSettings = {
          orchestratorModel: golden.orchestrator_model,
          orchestratorIsLocalPath: golden.orchestrator_is_local_path,
          ossMapping: golden.oss_mapping ? cases.oss_mappings[golden.oss_mapping] : null,
          jobId: golden.job_id,
          streamOrchestrator: golden.stream,
          streamExperts: golden.stream,
        };
        const conv = conversation(plain, input.conversation);
        const [first, second, ...rest] = golden.requests as Json[];
        assert.equal(rest.length, 0);
        assert.equal(first.api_key, 'EMPTY');
        const request = orchestratorRequest(conv, plain.tools, settings);
        assert.deepEqual(request, first.body);
        assertSameOrder(request, first.body);

        const result = outcome(() => {
          const turn = readOrchestratorReply(reply(input.orchestrator_reply), settings);
          if (turn.kind === 'message') return turn.message;
          const expert = expertRequest(conv, plain.tools, turn.model, settings);
          assert.equal(expert.backend, second.api_key === 'openai' ? 'openai' : 'vllm');
          assert.deepEqual(expert.body, second.body);
          assertSameOrder(expert.body, second.body);
          const r = input.expert_reply;
          if (r.status !== undefined) {
            throw llmFailure(
              isContextLengthError(r.message) ? 'ContextLengthExceededError' : 'MaxRetriesExceededError',
            );
          }
          return expertAnswer(reply(r));
        });
        // The fork sent an expert request exactly when the case scripts an expert reply.
        assert.equal(golden.requests.length, input.expert_reply ? 2 : 1);
        const { call_expert_responses: responses, ...message } = exact.cases[i].result;
        assert.deepEqual(result, message);
        if (responses !== undefined) {
          // A call_expert left in the agent's message is an ordinary unknown tool for the faithful environment.
          const { domain, tasks } = openFaithfulDomain(faithfulPort(d)!, tau2DataDir);
          const env = initializeEnvironment(domain, tasks[0]!);
          const left = (result.tool_calls ?? []).filter((c) => c.name === 'call_expert');
          const answers = left.map((c) =>
            env.getResponse({ name: c.name, arguments: c.arguments as PyDict, requestor: 'assistant' }),
          );
          assert.deepEqual(answers, responses);
        }
      });
    }
  }
});

describe("ToolOrchestra fork: the first agent turn of the fork's own Orchestrator", () => {
  const first = wireCases.first_turn;
  for (const d of DOMAINS) {
    it(`${d}: the orchestrator and the expert see the system prompt and the user's words, not the greeting`, () => {
      const plain = json(`${d}.json`);
      const golden = plain.first_turn;
      const [, orchestrator, expert] = golden.requests as Json[];
      const settings: OrchestraSettings = {
        orchestratorModel: golden.orchestrator_model,
        orchestratorIsLocalPath: true,
        ossMapping: null,
        jobId: golden.job_id,
      };
      // tau2 a2c0247 puts "Hi! How can I help you today?" in the agent's state; the fork's older tau2 does not.
      const conv: Tau2Message[] = [
        { role: 'system', content: plain.system_prompt },
        { role: 'user', content: first.user_reply.content },
      ];
      const request = orchestratorRequest(conv, plain.tools, settings);
      assert.deepEqual(request, orchestrator.body);
      assertSameOrder(request, orchestrator.body);
      const turn = readOrchestratorReply(reply(first.orchestrator_reply), settings);
      assert.deepEqual(turn, { kind: 'expert', expert: 'expert-1', model: 'gpt-5' });
      const sent = expertRequest(conv, plain.tools, turn.model, settings);
      assert.equal(sent.backend, 'openai');
      assert.deepEqual(sent.body, expert.body);
      assertSameOrder(sent.body, expert.body);
      const answer = expertAnswer(reply(first.expert_reply));
      assert.deepEqual({ content: answer.content, tool_calls: answer.toolCalls }, golden.result);
    });
  }
});
