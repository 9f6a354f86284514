/**
 * HTTP probe: a 2xx answer, and when the body is JSON with a `status` field, a healthy one.
 *
 * Written on node:http rather than fetch: while services start, every probe runs every 50 ms,
 * and fetch costs several times the CPU per request (and its first use loads undici, ~150 ms
 * and ~10 MB), all of it taken from the services booting beside the hub. Like fetch, it keeps
 * the connection alive between probes and follows redirects.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { timed, type Probe } from './probe.js';

const healthyWords = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green']);
const maxBody = 64 * 1024;
/** As fetch: at most this many redirects are followed. */
const maxRedirects = 20;

/** Builds an HTTP probe of `url`. */
export function httpProbe(url: string, timeoutMs: number): Probe {
  // One connection per probe, kept between checks (idle sockets do not keep the hub alive).
  // Dropped after 4 s idle, as fetch does: before Node's own servers close theirs (5 s).
  const options = { keepAlive: true, maxSockets: 1, timeout: 4000 };
  const agents = { http: new HttpAgent(options), https: new HttpsAgent(options) };
  return {
    check: () =>
      timed(async () => {
        const res = await get(new URL(url), agents, Date.now() + timeoutMs);
        const text = res.body;
        if (res.status < 200 || res.status > 299) return { ok: false, message: `HTTP ${res.status}${statusSuffix(text)}` };
        const status = jsonStatus(res.contentType, text);
        if (status === undefined) return { ok: true, message: `HTTP ${res.status}` };
        const ok = healthyWords.has(status.toLowerCase());
        return { ok, message: `HTTP ${res.status}, status "${status}"` };
      }),
  };
}

interface Answer {
  status: number;
  contentType: string | null;
  /** The first `maxBody` bytes of the body, as text. */
  body: string;
}

/** GET `url` following redirects until `deadline`; errors carry a `cause.code` or are named TimeoutError (see probe.ts). */
async function get(url: URL, agents: { http: HttpAgent; https: HttpsAgent }, deadline: number): Promise<Answer> {
  for (let redirects = 0; ; redirects++) {
    const res = await once(url, agents, deadline);
    const location = res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 ? res.headers.location : undefined;
    if (location === undefined || redirects >= maxRedirects) return { status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, body: await readBody(res, deadline) };
    res.resume();
    url = new URL(location, url);
  }
}

/** One request; resolves with the response whose body is still to be read. */
function once(url: URL, agents: { http: HttpAgent; https: HttpsAgent }, deadline: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') {
      reject(new Error(`unsupported protocol ${url.protocol}`));
      return;
    }
    const req = (https ? httpsRequest : httpRequest)(url, { agent: https ? agents.https : agents.http, headers: { 'user-agent': 'wheelhouse-health/1' } }, resolve);
    const timer = setTimeout(() => req.destroy(timeoutError()), Math.max(0, deadline - Date.now()));
    req.on('response', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.name === 'TimeoutError' ? err : Object.assign(new Error(err.message), { cause: err }));
    });
    req.end();
  });
}

/** Reads up to `maxBody` bytes of the body (then stops reading), failing at `deadline`. */
function readBody(res: IncomingMessage, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => res.destroy(timeoutError()), Math.max(0, deadline - Date.now()));
    const done = (): void => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8').slice(0, maxBody));
    };
    res.on('data', (chunk: Buffer) => {
      if (size >= maxBody) return;
      chunks.push(chunk);
      size += chunk.length;
      // Enough to judge: drop the connection rather than read a huge body.
      if (size >= maxBody) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.name === 'TimeoutError' ? err : Object.assign(new Error(err.message), { cause: err }));
    });
  });
}

function timeoutError(): Error {
  return Object.assign(new Error('timed out'), { name: 'TimeoutError' });
}

function jsonStatus(contentType: string | null, text: string): string | undefined {
  if (!contentType?.includes('json')) return undefined;
  try {
    const body = JSON.parse(text) as { status?: unknown };
    return typeof body?.status === 'string' ? body.status : undefined;
  } catch {
    return undefined;
  }
}

function statusSuffix(text: string): string {
  const status = jsonStatus('json', text);
  return status ? `, status "${status}"` : '';
}
