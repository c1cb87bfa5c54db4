/**
 * The simulated OpenAI-compatible (vLLM-like) server: `/v1/chat/completions` (streamed and not),
 * `/v1/models`, `/health`, `/metrics`. Each served model has its own engine (its own GPU, in vLLM terms);
 * the role a model plays decides what it answers (see roles.ts), the engine decides when.
 *
 * Every chat request for a served model has one `llm_request` span and is counted once in
 * `tau2_sim_requests_total`, both when its outcome is final (a {@link SimOutcome}): `ok` once every byte of
 * the answer reached the kernel, an injected fault's name (its span ERROR, with `tau2.sim.fault`) whatever
 * the client did next, else `client_closed`, or `shutdown` for requests cut off by {@link SimServer.close}.
 * Requests that name no served model (`not_found`) or have no valid body (`bad_request`) are counted but
 * have no span, as in vLLM.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { propagation, ROOT_CONTEXT, SpanKind, type Tracer } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Task } from '../domains/types.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, SimOutcome, SpanName } from '../telemetry/names.js';
import { completion, DONE_FRAME, errorBody, frameWriter, GARBAGE_BODY, GARBAGE_FRAME } from './body.js';
import {
  createEngine,
  defaultEngineConfig,
  type Engine,
  type EngineConfig,
  type SequenceHandle,
} from './engine.js';
import { createFaultPicker, type FaultConfig, faultConfigProblem, noFaults } from './faults.js';
import { createHold } from './hold.js';
import { startHttpThread, type ThreadRequest, type ThreadResponse } from './http-thread.js';
import { createSimMetrics, type RequestTimings } from './metrics.js';
import { endRequestSpan, FAULT_OUTCOME, type SpanOutcome } from './outcome.js';
import { type ChatMessage, createTaskCatalog, planResponse, type Role } from './roles.js';

/** Options of {@link startSimServer}. */
export interface SimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  seed: number;
  /** Served model name → the role it plays. */
  models: Record<string, Role>;
  /** The tasks the agent role can replay. */
  tasks: Task[];
  engine?: Partial<EngineConfig>;
  faults?: Partial<FaultConfig>;
  /** Where `llm_request` spans go; none when absent. */
  tracer?: Tracer;
}

/** A running simulated server. */
export interface SimServer {
  /** `http://host:port` (append `/v1` for an OpenAI base URL). */
  url: string;
  port: number;
  /** Stops listening and cuts off the requests in flight (their outcome: `shutdown`); idempotent. */
  close(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const baggagePropagator = new W3CBaggagePropagator();
const getter = {
  keys: (h: IncomingHttpHeaders) => Object.keys(h),
  get: (h: IncomingHttpHeaders, k: string) => h[k],
};

function sendJson(res: ThreadResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ThreadResponse, status: number, text: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

/** Starts the server; resolves once it listens. */
export async function startSimServer(options: SimOptions): Promise<SimServer> {
  const faults = { ...noFaults, ...options.faults };
  const problem = faultConfigProblem(faults);
  if (problem) throw new RangeError(`faults: ${problem}`);
  const engineConfig = { ...defaultEngineConfig, ...options.engine };
  const engines = new Map<string, Engine>();
  for (const model of Object.keys(options.models)) engines.set(model, createEngine(engineConfig));
  const catalog = createTaskCatalog(options.tasks);
  const pickFault = createFaultPicker(faults, options.seed);
  const metrics = createSimMetrics(Object.keys(options.models));
  let requestCount = 0;
  let shuttingDown = false;
  const created = Math.floor(Date.now() / 1000);

  /** Answers a request that names no served model or is not a chat request at all; no span, no engine. */
  function refuse(res: ThreadResponse, status: number, type: string, message: string, model: string): void {
    sendJson(res, status, errorBody(status, type, message));
    metrics.count(model, status === 404 ? SimOutcome.notFound : SimOutcome.badRequest);
  }

  function chat(req: ThreadRequest, res: ThreadResponse): void {
    const receivedAt = req.receivedAt;
    const raw = req.body;
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        body = parsed as Record<string, unknown>;
    } catch {}
    if (!body) {
      refuse(res, 400, 'BadRequestError', 'the request body is not a JSON object', '');
      return;
    }
    const model = String(body.model ?? '');
    const role = options.models[model];
    const engine = engines.get(model);
    if (!role || !engine) {
      refuse(res, 404, 'NotFoundError', `The model \`${model}\` does not exist.`, '');
      return;
    }
    if (!Array.isArray(body.messages)) {
      refuse(res, 400, 'BadRequestError', '`messages` is required', model);
      return;
    }

    const stream = body.stream === true;
    // About four characters per token, the usual BPE rate for English and JSON.
    const promptTokens = Math.ceil(raw.length / 4);
    const id = `chatcmpl-${(++requestCount).toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, getter);
    const span = options.tracer?.startSpan(
      SpanName.llmRequest,
      {
        kind: SpanKind.SERVER,
        startTime: epochMs(receivedAt),
        attributes: {
          [Attr.genAiRequestModel]: model,
          [Attr.genAiResponseModel]: model,
          [Attr.requestId]: id,
          [Attr.genAiRequestStream]: stream,
          [Attr.genAiInputTokens]: promptTokens,
          [Attr.simRequestReceivedMs]: epochMs(receivedAt),
        },
      },
      parent,
    );

    const fault = pickFault(raw);
    const faultOutcome = fault === 'none' ? undefined : FAULT_OUTCOME[fault];
    if (fault !== 'none') span?.setAttribute(Attr.simFault, fault);
    let status: number | undefined;
    let handle: SequenceHandle | undefined;
    let timings: RequestTimings | undefined;
    let finishedAt: number | undefined;
    let firstChunkSentAt: number | undefined;
    let settled = false;

    // Every request is counted and its span ended exactly once, when its outcome is final: the response
    // is complete (`finish`), the connection ended first (`close`), or the fault cut it.
    function settle(outcome: SpanOutcome, at: number): void {
      if (settled) return;
      settled = true;
      handle?.cancel();
      metrics.count(model, outcome);
      if (timings) metrics.observe(timings);
      if (span) endRequestSpan(span, { outcome, at, status, firstChunkSentAt, timings, finishedAt });
    }
    const firstSent = (at: number) => {
      firstChunkSentAt ??= at;
    };
    res.once('finish', (at: number) => {
      // A non-streamed answer is one chunk, sent when the response finished.
      firstSent(at);
      settle(faultOutcome ?? SimOutcome.ok, at);
    });
    res.once('close', () => {
      const gone = shuttingDown ? SimOutcome.shutdown : SimOutcome.clientClosed;
      settle(faultOutcome ?? gone, performance.now());
    });

    try {
      if (fault === '429' || fault === '5xx') {
        status = fault === '429' ? 429 : 503;
        const [type, message] =
          fault === '429'
            ? ['RateLimitError', 'Too many requests; retry later']
            : ['ServiceUnavailableError', 'The engine is overloaded'];
        sendJson(res, status, errorBody(status, type, message));
        return;
      }
      const includeUsage = Boolean(
        (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage,
      );
      const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: string } }[]) : [];
      // The task the harness names in its baggage, if any (several telecom tasks share one scenario).
      const named = propagation
        .getBaggage(baggagePropagator.extract(ROOT_CONTEXT, req.headers, getter))
        ?.getEntry(Attr.taskId)?.value;
      const plan = planResponse(
        role,
        {
          messages: body.messages as ChatMessage[],
          toolNames: tools.map((t) => t.function?.name ?? ''),
          ...(named !== undefined ? { taskId: named } : {}),
        },
        catalog,
        options.seed,
      );
      const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Number.POSITIVE_INFINITY);
      const deltas = plan.deltas.slice(0, Math.max(1, limit));
      const finishReason = deltas.length < plan.deltas.length ? 'length' : plan.finishReason;
      const answer = { id, created, model };
      const frames = frameWriter(answer);
      // The stream faults strike before the token half-way through (the only one of a one-token answer).
      const midway = Math.floor(deltas.length / 2);
      const hold = createHold();
      let garbled = false;
      let scheduledAt = receivedAt;
      let firstTokenAt: number | undefined;

      if (stream) {
        status = 200;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, true);
      }
      handle = engine.submit(promptTokens, deltas.length, {
        onScheduled(now) {
          scheduledAt = now;
        },
        onToken(index, now) {
          if (settled) return;
          if (index === 0) firstTokenAt = now;
          if (index === midway) {
            if (fault === 'cut') {
              settle(SimOutcome.cut, now);
              res.destroy();
              return;
            }
            if (fault === 'stall') hold.hold(faults.stallMs);
            if (fault === 'garbage') {
              if (stream) hold.run(() => res.write(GARBAGE_FRAME));
              else garbled = true;
            }
          }
          if (!stream) return;
          const frame = frames.token(deltas[index]!, index === 0);
          // The HTTP thread reports when the bytes were handed to the kernel, stamped on its own clock.
          hold.run(() => res.write(frame, index === 0 ? firstSent : undefined));
        },
        onFinished(now) {
          // The engine reports the last token of a cancelled sequence too (a cut on a one-token answer).
          if (settled) return;
          const first = firstTokenAt ?? now;
          finishedAt = now;
          timings = {
            model,
            queue: (scheduledAt - receivedAt) / 1000,
            prefill: (first - scheduledAt) / 1000,
            decode: (now - first) / 1000,
            ttft: (first - receivedAt) / 1000,
            e2e: (now - receivedAt) / 1000,
            promptTokens,
            outputTokens: deltas.length,
            finishedReason: finishReason,
          };
          const usage = {
            prompt_tokens: promptTokens,
            completion_tokens: deltas.length,
            total_tokens: promptTokens + deltas.length,
          };
          if (stream) {
            const tail = frames.finish(finishReason) + (includeUsage ? frames.usage(usage) : '') + DONE_FRAME;
            // One message with the end: the HTTP thread then knows the response is whole once these bytes
            // reach the kernel, whatever the client does next.
            hold.run(() => res.end(tail));
            return;
          }
          status = 200;
          const text = garbled
            ? GARBAGE_BODY
            : JSON.stringify(completion(answer, deltas, finishReason, usage));
          hold.run(() => sendText(res, 200, text));
        },
      });
    } catch (err) {
      if (!res.headersSent) {
        status = 500;
        sendJson(res, 500, errorBody(500, 'InternalServerError', String(err)));
      } else res.destroy();
      settle(SimOutcome.internalError, performance.now());
    }
  }

  function route(req: ThreadRequest, res: ThreadResponse): void {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      try {
        chat(req, res);
      } catch (err) {
        // chat() answers its own failures once a request has a span; this is the rest, which should not be.
        if (!res.headersSent) sendJson(res, 500, errorBody(500, 'InternalServerError', String(err)));
        else res.destroy();
        metrics.count('', SimOutcome.internalError);
      }
    } else if (req.method === 'GET' && path === '/health') {
      res.writeHead(200).end();
    } else if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: Object.keys(options.models).map((id) => ({
          id,
          object: 'model',
          created,
          owned_by: 'tau2-sim',
          root: id,
          parent: null,
        })),
      });
    } else if (req.method === 'GET' && path === '/metrics') {
      for (const [model, engine] of engines) metrics.collectGauges(model, engine.gauges());
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      });
    } else {
      sendJson(res, 404, errorBody(404, 'NotFoundError', `no route ${req.method} ${path}`));
    }
  }

  let http: Awaited<ReturnType<typeof startHttpThread>>;
  try {
    http = await startHttpThread(options.host ?? '127.0.0.1', options.port ?? 0, route);
  } catch (err) {
    for (const engine of engines.values()) engine.close();
    throw err;
  }
  const host = http.family === 'IPv6' ? `[${http.address}]` : http.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${http.port}`,
    port: http.port,
    close() {
      closing ??= (async () => {
        // Requests still in flight end now, counted and recorded as `shutdown`.
        shuttingDown = true;
        for (const engine of engines.values()) engine.close();
        await http.close();
      })();
      return closing;
    },
  };
}
