/** The simulated server's routes: chat completions, the model list, health and vLLM's metrics. */
import { SimOutcome } from '../telemetry/names.js';
import { errorBody } from './body.js';
import { handleChat } from './chat.js';
import type { ThreadRequest, ThreadResponse } from './http-thread.js';
import { sendJson } from './reply.js';
import type { SimState } from './state.js';

/** Answers one request of any route. */
export function route(state: SimState, req: ThreadRequest, res: ThreadResponse): void {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    try {
      handleChat(state, req, res);
    } catch (err) {
      // handleChat answers its own failures once a request has a span; this is the rest, which should not be.
      if (!res.headersSent) sendJson(res, 500, errorBody(500, 'InternalServerError', String(err)));
      else res.destroy();
      state.metrics.count('', SimOutcome.internalError);
    }
  } else if (req.method === 'GET' && path === '/health') {
    res.writeHead(200).end();
  } else if (req.method === 'GET' && path === '/v1/models') {
    sendJson(res, 200, modelList(state));
  } else if (req.method === 'GET' && path === '/metrics') {
    sendMetrics(state, res);
  } else {
    sendJson(res, 404, errorBody(404, 'NotFoundError', `no route ${req.method} ${path}`));
  }
}

/** `/v1/models` as vLLM answers it. */
function modelList(state: SimState): unknown {
  return {
    object: 'list',
    data: Object.keys(state.models).map((id) => ({
      id,
      object: 'model',
      created: state.created,
      owned_by: 'tau2-sim',
      root: id,
      parent: null,
    })),
  };
}

/** `/metrics` in Prometheus text, the engines' gauges read at the scrape. */
function sendMetrics(state: SimState, res: ThreadResponse): void {
  const { metrics } = state;
  for (const [model, engine] of state.engines) metrics.collectGauges(model, engine.gauges());
  void metrics.registry.metrics().then((text) => {
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
  });
}
