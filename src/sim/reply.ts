/** Whole answers in one write: a JSON body, or text already written as JSON. */
import type { ThreadResponse } from './http-thread.js';

/** Sends `body` as JSON with `status`. */
export function sendJson(res: ThreadResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

/** Sends `text` as an `application/json` body with `status` (the garbage fault's body is not JSON). */
export function sendText(res: ThreadResponse, status: number, text: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}
