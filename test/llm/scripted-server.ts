import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted response: an error status, or SSE frames sent after the given delays. */
export interface Script {
  status?: number;
  headers?: Record<string, string>;
  /** [delay ms since the previous frame, frame payload (without `data: `)] */
  frames?: [number, string][];
  /** Close the connection after the frames instead of ending the stream. */
  cut?: boolean;
}

/** An HTTP server answering chat requests from a queue of scripts, recording request headers and bodies. */
export async function scriptedServer(scripts: Script[]) {
  const seen: IncomingHttpHeaders[] = [];
  const bodies: string[] = [];
  const server = createServer({ noDelay: true }, (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', async () => {
      seen.push(req.headers);
      bodies.push(Buffer.concat(parts).toString('utf8'));
      const script = scripts.shift() ?? { status: 500 };
      if (script.status && script.status !== 200) {
        res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
        res.end(JSON.stringify({ error: { message: `scripted ${script.status}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      for (const [delay, frame] of script.frames ?? []) {
        await new Promise((r) => setTimeout(r, delay));
        res.write(`data: ${frame}\n\n`);
      }
      if (script.cut) res.destroy();
      else res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    seen,
    /** Each request's body as it arrived. */
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const head = '"id":"c1","object":"chat.completion.chunk","created":1,"model":"m"';
/** A chunk whose delta is `delta`. */
export const chunk = (delta: object, finish: string | null = null) =>
  `{${head},"choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${JSON.stringify(finish)}}]}`;
export const usage = (prompt: number, completion: number) =>
  `{${head},"choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}}}`;
/** A usage frame whose prompt tokens include `cached` served from the prefix cache (OpenAI's, vLLM's field). */
export const usageWithCache = (prompt: number, completion: number, cached: number) =>
  `{${head},"choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion},"prompt_tokens_details":{"cached_tokens":${cached}}}}`;
