/**
 * A client that hangs up the moment it has read `data: [DONE]`, as the Python openai client does: it never
 * reads the chunked encoding's terminator. Run as a script (`node hangup-client.js PORT MODEL N PARALLEL`)
 * it sends N streamed requests, PARALLEL at a time, from its own process, so its reads and hang-ups race the
 * server's writes as a separate client's do.
 */
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Sends one streamed chat request over a raw socket and destroys the socket once `[DONE]` arrived. */
export function hangUpAtDone(port: number, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('data', (text: string) => {
      seen += text;
      if (seen.includes('data: [DONE]\n\n')) {
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before [DONE]:\n${seen}`)));
  });
}

/** Sends `n` distinct streamed requests for `model`, `parallel` at a time. */
export async function hangUpMany(port: number, model: string, n: number, parallel: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const body = JSON.stringify({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'system', content: `hang up ${next++}` }],
      });
      await hangUpAtDone(port, body);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, model, n, parallel] = process.argv.slice(2);
  hangUpMany(Number(port), model ?? '', Number(n), Number(parallel)).catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
