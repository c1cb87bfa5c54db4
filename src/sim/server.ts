/**
 * The simulated OpenAI-compatible (vLLM-like) server: `/v1/chat/completions` (streamed and not),
 * `/v1/models`, `/health`, `/metrics`. Each served model has its own engine (its own GPU, in vLLM terms);
 * the role a model plays decides what it answers (see roles.ts), the engine decides when.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Task } from '../domains/types.js';
import { epochMs } from '../telemetry/clock.js';
import { Attr, SpanName } from '../telemetry/names.js';
import { createEngine, defaultEngineConfig, type Engine, type EngineConfig } from './engine.js';
import { createFaultPicker, type FaultConfig, noFaults } from './faults.js';
import { startHttpThread, type ThreadRequest, type ThreadResponse } from './http-thread.js';
import { createSimMetrics, type RequestTimings } from './metrics.js';
import { type ChatMessage, createTaskCatalog, type Delta, planResponse, type Role } from './roles.js';

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
  close(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const getter = {
  keys: (h: IncomingHttpHeaders) => Object.keys(h),
  get: (h: IncomingHttpHeaders, k: string) => h[k],
};

function sendJson(res: ThreadResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

function sendError(res: ThreadResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { object: 'error', message, type, param: null, code: status });
}

function deltaJson(d: Delta, first: boolean): string {
  switch (d.kind) {
    case 'content':
      return JSON.stringify(first ? { role: 'assistant', content: d.text } : { content: d.text });
    case 'reasoning':
      return JSON.stringify(
        first ? { role: 'assistant', reasoning_content: d.text } : { reasoning_content: d.text },
      );
    case 'tool': {
      const fn = d.name === undefined ? { arguments: d.args } : { name: d.name, arguments: d.args };
      const call =
        d.id === undefined
          ? { index: d.index, function: fn }
          : { index: d.index, id: d.id, type: 'function', function: fn };
      return JSON.stringify(first ? { role: 'assistant', tool_calls: [call] } : { tool_calls: [call] });
    }
  }
}

/** The assistant message of a non-streamed answer. */
function message(deltas: Delta[]): Record<string, unknown> {
  const content = deltas.flatMap((d) => (d.kind === 'content' ? [d.text] : [])).join('');
  const reasoning = deltas.flatMap((d) => (d.kind === 'reasoning' ? [d.text] : [])).join('');
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const d of deltas) {
    if (d.kind !== 'tool') continue;
    if (d.id !== undefined)
      calls.push({ id: d.id, type: 'function', function: { name: d.name ?? '', arguments: '' } });
    const call = calls[calls.length - 1];
    if (call) call.function.arguments += d.args;
  }
  return {
    role: 'assistant',
    content: content || null,
    ...(reasoning ? { reasoning_content: reasoning } : {}),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

/** Starts the server; resolves once it listens. */
export async function startSimServer(options: SimOptions): Promise<SimServer> {
  const engineConfig = { ...defaultEngineConfig, ...options.engine };
  const engines = new Map<string, Engine>();
  for (const model of Object.keys(options.models)) engines.set(model, createEngine(engineConfig));
  const catalog = createTaskCatalog(options.tasks);
  const pickFault = createFaultPicker({ ...noFaults, ...options.faults }, options.seed);
  const faults = { ...noFaults, ...options.faults };
  const metrics = createSimMetrics();
  let requestCount = 0;
  const created = Math.floor(Date.now() / 1000);

  function chat(req: ThreadRequest, res: ThreadResponse): void {
    const receivedAt = req.receivedAt;
    const raw = req.body;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      sendError(res, 400, 'BadRequestError', 'request body is not valid JSON');
      return;
    }
    const model = String(body.model ?? '');
    const role = options.models[model];
    const engine = engines.get(model);
    if (!role || !engine) {
      sendError(res, 404, 'NotFoundError', `The model \`${model}\` does not exist.`);
      return;
    }
    if (!Array.isArray(body.messages)) {
      sendError(res, 400, 'BadRequestError', '`messages` is required');
      return;
    }

    const fault = pickFault(raw);
    if (fault === '429') {
      sendError(res, 429, 'RateLimitError', 'Too many requests; retry later');
      return;
    }
    if (fault === '5xx') {
      sendError(res, 503, 'ServiceUnavailableError', 'The engine is overloaded');
      return;
    }

    const stream = body.stream === true;
    const includeUsage = Boolean(
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage,
    );
    const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: string } }[]) : [];
    const plan = planResponse(
      role,
      { messages: body.messages as ChatMessage[], toolNames: tools.map((t) => t.function?.name ?? '') },
      catalog,
      options.seed,
    );
    const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Number.POSITIVE_INFINITY);
    const deltas = plan.deltas.slice(0, Math.max(1, limit));
    const finishReason = deltas.length < plan.deltas.length ? 'length' : plan.finishReason;
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
        },
      },
      parent,
    );

    let scheduledAt = receivedAt;
    let firstTokenAt: number | undefined;
    let firstChunkSentAt: number | undefined;
    let finished = false;
    const prefix = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
    const frame = (delta: string, finish: string | null) =>
      `data: ${prefix}${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]}\n\n`;
    const midway = Math.floor(deltas.length / 2);
    let stalledUntil = 0;
    let pending = '';
    const write = (text: string, onSent?: (at: number) => void) => {
      if (performance.now() < stalledUntil) {
        pending += text;
        return;
      }
      // The HTTP thread reports when the bytes were handed to the kernel, stamped on its own clock.
      res.write(pending + text, onSent);
      pending = '';
    };
    const firstSent = (at: number) => {
      firstChunkSentAt ??= at;
    };

    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, true);
    }
    const handle = engine.submit(promptTokens, deltas.length, {
      onScheduled(now) {
        scheduledAt = now;
      },
      onToken(index, now) {
        if (index === 0) firstTokenAt = now;
        if (!stream) return;
        if (index === midway && index > 0) {
          if (fault === 'cut') {
            finished = true;
            handle.cancel();
            span?.setStatus({ code: SpanStatusCode.ERROR, message: 'stream cut (injected fault)' });
            span?.end(epochMs());
            res.destroy();
            return;
          }
          if (fault === 'garbage') write('data: {"id": "broken-frame", choices: [\n\n');
          if (fault === 'stall') {
            stalledUntil = now + faults.stallMs;
            setTimeout(() => write(''), faults.stallMs).unref();
          }
        }
        write(frame(deltaJson(deltas[index]!, index === 0), null), index === 0 ? firstSent : undefined);
      },
      onFinished(now) {
        finished = true;
        const outputTokens = deltas.length;
        const usage = {
          prompt_tokens: promptTokens,
          completion_tokens: outputTokens,
          total_tokens: promptTokens + outputTokens,
        };
        if (stream) {
          let tail = frame('{}', finishReason);
          if (includeUsage) {
            tail += `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
          }
          write(`${tail}data: [DONE]\n\n`);
          if (pending) setTimeout(() => res.end(), Math.max(0, stalledUntil - performance.now())).unref();
          else res.end();
        } else {
          sendJson(res, 200, {
            id,
            object: 'chat.completion',
            created,
            model,
            choices: [{ index: 0, message: message(deltas), logprobs: null, finish_reason: finishReason }],
            usage,
          });
        }
        // Recorded once the response is flushed, so the first chunk's send time is known.
        res.once('finish', (at: number) => {
          // A non-streamed answer is one chunk, sent when the response finished.
          firstSent(at);
          record(now);
        });
      },
    });

    function record(now: number): void {
      const outputTokens = deltas.length;
      const first = firstTokenAt ?? now;
      const timings: RequestTimings = {
        model,
        queue: (scheduledAt - receivedAt) / 1000,
        prefill: (first - scheduledAt) / 1000,
        decode: (now - first) / 1000,
        ttft: (first - receivedAt) / 1000,
        e2e: (now - receivedAt) / 1000,
        promptTokens,
        outputTokens,
        finishedReason: finishReason,
      };
      metrics.observe(timings);
      if (span) {
        span.setAttributes({
          [Attr.latencyTimeInQueue]: timings.queue,
          [Attr.latencyPrefill]: timings.prefill,
          [Attr.latencyDecode]: timings.decode,
          [Attr.latencyInference]: timings.prefill + timings.decode,
          [Attr.latencyTtft]: timings.ttft,
          [Attr.latencyE2e]: timings.e2e,
          [Attr.genAiOutputTokens]: outputTokens,
          [Attr.genAiFinishReasons]: [finishReason],
          [Attr.simRequestReceivedMs]: epochMs(receivedAt),
        });
        if (firstChunkSentAt !== undefined)
          span.setAttribute(Attr.simFirstChunkSentMs, epochMs(firstChunkSentAt));
        span.end(epochMs(now));
      }
    }
    res.on('close', () => {
      if (finished) return;
      finished = true;
      handle.cancel();
      span?.setStatus({ code: SpanStatusCode.ERROR, message: 'client disconnected' });
      span?.end(epochMs());
    });
  }

  function route(req: ThreadRequest, res: ThreadResponse): void {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      try {
        chat(req, res);
      } catch (err) {
        if (!res.headersSent) sendError(res, 500, 'InternalServerError', String(err));
        else res.destroy();
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
        })),
      });
    } else if (req.method === 'GET' && path === '/metrics') {
      for (const [model, engine] of engines) metrics.collectGauges(model, engine.gauges());
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      });
    } else {
      sendError(res, 404, 'NotFoundError', `no route ${req.method} ${path}`);
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
        for (const engine of engines.values()) engine.close();
        await http.close();
      })();
      return closing;
    },
  };
}
