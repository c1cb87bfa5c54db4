/**
 * How a trial ends when a component fails: every error of every component becomes the trial's ending (never
 * an exception out of runTrial), and the runner stops its workers before it gives up. The LLM boundary is a
 * scripted `chat` here; the same paths run against the real client and simulator in test/cli/failsafe.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Context } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import { demoDomain } from '../../src/domains/demo/index.js';
import { CALL_EXPERT, STOP } from '../../src/domains/protocol.js';
import type { Domain } from '../../src/domains/types.js';
import { runTrial, type TrialResult, type TrialSettings } from '../../src/harness/orchestrator.js';
import { openResults, readRecorded } from '../../src/harness/results.js';
import { planTrials, runTrials } from '../../src/harness/runner.js';
import { createRunStats } from '../../src/harness/stats.js';
import type { ChatRequest, ChatResult } from '../../src/llm/client.js';
import { LlmError } from '../../src/llm/errors.js';
import { createGenAiInstruments } from '../../src/telemetry/metrics.js';
import { Attr, SpanName } from '../../src/telemetry/names.js';
import { memoryTracer } from '../otel.js';
import { chatResult, trialSettings } from './fixtures.js';

const settings = trialSettings({
  expertMapping: { 'expert-1': 'expert-model' },
  useModelTool: true,
  maxSteps: 50,
});

const reply = chatResult;

type Chat = (request: ChatRequest, parent: Context, signal?: AbortSignal) => Promise<ChatResult>;

/** A conversation in which the agent first consults an expert, then says goodbye; `expert` answers for it. */
function script(expert: Chat): Chat {
  return async (request, parent, signal) => {
    if (request.kind === 'user_sim') {
      return reply(request.messages.length > 2 ? STOP : 'I need help.');
    }
    if (request.kind === 'expert_call') return expert(request, parent, signal);
    if (request.kind === 'evaluator') return reply('{"results": []}');
    const consulted = request.messages.some((m) => m.role === 'tool');
    return consulted
      ? reply('Done, goodbye.')
      : reply('', [{ id: 'c1', name: CALL_EXPERT, arguments: '{"expert":"expert-1","question":"q"}' }]);
  };
}

const task = demoDomain.tasks[0]!;
/** The task without an NL check, so the scripted judge is not asked. */
const quietTask = { ...task, nlAssertions: [] };

function trial(
  chat: Chat,
  over: Partial<TrialSettings> = {},
  signal?: AbortSignal,
  domain: Domain = demoDomain,
) {
  const { tracer, exporter } = memoryTracer();
  const result = runTrial({
    domain,
    task: quietTask,
    trial: 1,
    settings: { ...settings, ...over },
    tracer,
    chat,
    ...(signal ? { signal } : {}),
  });
  return { result, exporter };
}

const serverError = () =>
  new LlmError({
    type: 'server_error',
    message: 'http://x/v1 answered 503: overloaded',
    url: 'http://x/v1',
    status: 503,
  });

describe('trial endings: one place decides, nothing escapes runTrial', () => {
  it('a failed expert call ends the trial as expert_error, with its trace', async () => {
    const { result, exporter } = trial(
      script(async () => {
        throw serverError();
      }),
    );
    const r = await result;
    assert.equal(r.termination_reason, 'expert_error');
    assert.equal(r.error_type, '503');
    assert.match(r.error ?? '', /overloaded/);
    const root = exporter.getFinishedSpans().find((s) => s.name === SpanName.task);
    assert.equal(root?.attributes[Attr.taskTermination], 'expert_error');
    assert.equal(root?.status.code, 2, 'task span status ERROR');
  });

  it('an unexpected exception in a call ends the trial as harness_error', async () => {
    const r = await trial(
      script(async () => {
        throw new TypeError('boom');
      }),
    ).result;
    assert.equal(r.termination_reason, 'harness_error');
    assert.equal(r.error, 'TypeError: boom');
  });

  it('a tool that throws (a bug, not a tool error) ends the trial as harness_error', async () => {
    const broken: Domain = {
      ...demoDomain,
      createEnvironment: () => ({
        execute: () => {
          throw new RangeError('tool bug');
        },
        dbHash: () => '',
      }),
    };
    const chat: Chat = async (request) =>
      request.kind === 'user_sim'
        ? reply('hello')
        : reply('', [{ id: 't', name: 'search_books', arguments: '{"query":"x"}' }]);
    const r = await trial(chat, {}, undefined, broken).result;
    assert.equal(r.termination_reason, 'harness_error');
    assert.equal(r.error, 'RangeError: tool bug');
  });

  it('a domain that cannot set up a trial ends it as harness_error', async () => {
    const broken: Domain = {
      ...demoDomain,
      createEnvironment: () => {
        throw new Error('no database');
      },
    };
    const r = await trial(
      script(async () => reply('x')),
      {},
      undefined,
      broken,
    ).result;
    assert.equal(r.termination_reason, 'harness_error');
  });

  it('a judge that answers in the wrong format ends the trial as evaluator_error, not reward 0', async () => {
    const { tracer } = memoryTracer();
    const base = script(async () => reply('advice'));
    const r = await runTrial({
      domain: demoDomain,
      task,
      trial: 1,
      settings,
      tracer,
      chat: async (req, parent, signal) =>
        req.kind === 'evaluator' ? reply('Looks fine to me!') : base(req, parent, signal),
    });
    assert.equal(r.termination_reason, 'evaluator_error');
    assert.match(r.error ?? '', /did not answer one verdict per assertion.*Looks fine to me!/);
  });

  it('--task-timeout ends a stuck trial as timeout', async () => {
    const stuck: Chat = (_req, _parent, signal) =>
      new Promise((_resolve, reject) =>
        signal?.addEventListener('abort', () =>
          reject(new LlmError({ type: 'cancelled', message: 'cancelled', url: 'http://x/v1' })),
        ),
      );
    const t0 = performance.now();
    const r = await trial(stuck, { taskTimeoutMs: 200 }).result;
    assert.equal(r.termination_reason, 'timeout');
    // Library output names the setting as the library spells it (the CLI's flag is --task-timeout).
    assert.equal(r.error, 'the trial ran longer than taskTimeout (0.2 s)');
    assert.ok(performance.now() - t0 < 5000);
  });

  it('a run cancelled during an expert call ends the trial as cancelled', async () => {
    const controller = new AbortController();
    const { result } = trial(
      script(
        (_req, _parent, signal) =>
          new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () =>
              reject(new LlmError({ type: 'cancelled', message: 'cancelled', url: 'http://x/v1' })),
            );
            setTimeout(() => controller.abort(), 10);
          }),
      ),
      {},
      controller.signal,
    );
    assert.equal((await result).termination_reason, 'cancelled');
  });
});

describe('the runner stops its workers before it gives up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tau2-runner-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an error recording a result aborts the other workers; nothing is in flight when runTrials rejects', async () => {
    let inflight = 0;
    let maxAfterReject = 0;
    let rejected = false;
    const chat: Chat = (req, parent, signal) => {
      inflight++;
      if (rejected) maxAfterReject = Math.max(maxAfterReject, inflight);
      return new Promise<ChatResult>((resolve, reject) => {
        const t = setTimeout(() => resolve(script(async () => reply('ok'))(req, parent, signal)), 5);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new LlmError({ type: 'cancelled', message: 'cancelled', url: 'http://x/v1' }));
        });
      }).finally(() => inflight--);
    };
    const store = openResults(dir, 'r', 28);
    let recorded = 0;
    const failing = {
      ...store,
      record(r: TrialResult) {
        if (++recorded === 3) throw new Error('disk full');
        store.record(r);
      },
    };
    const { tracer } = memoryTracer();
    await assert.rejects(
      runTrials({
        planned: planTrials(
          [{ ...demoDomain, tasks: demoDomain.tasks.map((t) => ({ ...t, nlAssertions: [] })) }],
          2,
        ),
        results: failing,
        concurrency: 8,
        runId: 'r',
        settings,
        tracer,
        instruments: createGenAiInstruments(metrics.getMeterProvider().getMeter('t')),
        chat,
        stats: createRunStats(),
        signal: new AbortController().signal,
        flushSpans: () => {},
      }).finally(() => {
        rejected = true;
      }),
      /disk full/,
    );
    assert.equal(inflight, 0, 'no LLM call left running');
    assert.equal(maxAfterReject, 0, 'no LLM call started after');
    store.close();
    assert.equal(readRecorded(dir).length, 2, 'the two trials recorded before the error are kept');
  });

  it('results.jsonl keeps every row; results.json the latest per trial', () => {
    const d = mkdtempSync(join(dir, 'j-'));
    const row = (reason: TrialResult['termination_reason']): TrialResult => ({
      task_id: 't',
      domain: 'demo',
      trial: 1,
      reward: 0,
      steps: 1,
      termination_reason: reason,
      duration_ms: 1,
      started_at: '',
      ended_at: '',
      trace_id: reason,
      llm_calls: 0,
      tool_calls: 0,
      tool_errors: 0,
      evaluation: [],
    });
    const store = openResults(d, 'r', 1);
    store.record(row('agent_error'));
    store.record(row('agent_stop'));
    store.close();
    const summary = JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as {
      results: TrialResult[];
      failed_trials: number;
    };
    assert.deepEqual(
      summary.results.map((r) => r.termination_reason),
      ['agent_stop'],
    );
    assert.equal(summary.failed_trials, 0);
    assert.equal(readFileSync(join(d, 'results.jsonl'), 'utf8').trim().split('\n').length, 2);
  });
});
