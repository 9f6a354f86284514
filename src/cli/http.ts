/**
 * The CLI's HTTP transport, on node:http(s). Not fetch: its first use loads undici, ~20 ms of
 * every command that talks to a hub (measured: 25 ms for the first fetch, 6 ms on node:http),
 * and `wheelhouse start all` is timed end to end in the supervisor benchmark.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A completed exchange. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** What to send. */
export interface Call {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Give up (rejecting with code ETIMEDOUT) after this long; no limit when absent. */
  timeoutMs?: number;
}

/** Sends one request and reads the whole answer. Rejects with the socket's error (e.g. code ECONNREFUSED). */
export function exchange(url: string, call: Call): Promise<Answer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const headers = call.body === undefined ? call.headers : { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) };
    const req = send(target, { method: call.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (call.timeoutMs !== undefined) {
      req.setTimeout(call.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${call.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    }
    req.end(call.body);
  });
}
