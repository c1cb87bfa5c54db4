/**
 * `POST /v1/chat/completions`: admits a request (a JSON body naming a served model, with messages), opens
 * its {@link Exchange}, then answers with its injected 429/503 or with its role's answer played by the
 * engine (answer.ts). A request that cannot be admitted is refused without a span or an engine, as in vLLM.
 */
import { SimOutcome } from '../telemetry/names.js';
import { planAnswer, playAnswer } from './answer.js';
import { errorBody } from './body.js';
import { type Admitted, type Exchange, openExchange } from './exchange.js';
import type { ThreadRequest, ThreadResponse } from './http-thread.js';
import { blockHashes, CHARS_PER_TOKEN, promptTextOf } from './prefix-cache.js';
import { sendJson } from './reply.js';
import type { SimState } from './state.js';

/** Answers one chat request; every request is counted once, and one for a served model has a span. */
export function handleChat(state: SimState, req: ThreadRequest, res: ThreadResponse): void {
  const admitted = admit(state, req, res);
  if (!admitted) return;
  const ex = openExchange(state, req, res, admitted);
  try {
    if (ex.fault === '429' || ex.fault === '5xx') {
      answerFault(ex, res);
      return;
    }
    const plan = planAnswer(state, req, admitted);
    playAnswer(state, ex, res, admitted, plan, req.receivedAt);
  } catch (err) {
    // A role that throws (a custom one's message names its model) and any bug of ours: a 500 while the
    // headers can still say so, a reset once a stream has begun.
    if (!res.headersSent) {
      ex.status = 500;
      sendJson(res, 500, errorBody(500, 'InternalServerError', String(err)));
    } else res.destroy();
    ex.settle(SimOutcome.internalError, performance.now());
  }
}

/** The request, if it is a well-formed chat request for a served model; else it is refused and counted. */
function admit(state: SimState, req: ThreadRequest, res: ThreadResponse): Admitted | undefined {
  const body = jsonObject(req.body);
  if (!body) {
    refuse(state, res, 400, 'BadRequestError', 'the request body is not a JSON object', '');
    return undefined;
  }
  const model = String(body.model ?? '');
  const role = state.models[model];
  const engine = state.engines.get(model);
  if (!role || !engine) {
    refuse(state, res, 404, 'NotFoundError', `The model \`${model}\` does not exist.`, '');
    return undefined;
  }
  if (!Array.isArray(body.messages)) {
    refuse(state, res, 400, 'BadRequestError', '`messages` is required', model);
    return undefined;
  }
  // About four characters per token, the usual BPE rate for English and JSON.
  const promptTokens = Math.ceil(req.body.length / CHARS_PER_TOKEN);
  const blocks = engine.blockSize ? blockHashes(promptTextOf(body), engine.blockSize) : [];
  return { model, role, engine, body, stream: body.stream === true, promptTokens, blocks };
}

function jsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {}
  return undefined;
}

/** Answers a request that names no served model or is not a chat request at all. */
function refuse(
  state: SimState,
  res: ThreadResponse,
  status: number,
  type: string,
  message: string,
  model: string,
): void {
  sendJson(res, status, errorBody(status, type, message));
  state.metrics.count(model, status === 404 ? SimOutcome.notFound : SimOutcome.badRequest);
}

/** The injected 429 or 503, in OpenAI's error shape. */
function answerFault(ex: Exchange, res: ThreadResponse): void {
  const status = ex.fault === '429' ? 429 : 503;
  const [type, message] =
    ex.fault === '429'
      ? ['RateLimitError', 'Too many requests; retry later']
      : ['ServiceUnavailableError', 'The engine is overloaded'];
  ex.status = status;
  sendJson(res, status, errorBody(status, type, message));
}
