/** Test helpers for the auth tests: JSON calls, signing in, cookies, calls from other loopback addresses. Not part of the build. */
import { request } from 'node:http';
import type { Store } from '../../store/index.js';
import { Sessions } from '../sessions.js';

/** A hub to call: its base URL. */
export interface Target {
  url: string;
}

/** An answer: status, headers, parsed body (or the text when it is not JSON). */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the hub with an optional JSON body. */
export async function call<T = Record<string, unknown>>(
  t: Target,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string; cookie?: string; csrf?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** A signed-in browser: the Cookie header value, the raw session secret and the CSRF token. */
export interface Browser {
  cookie: string;
  secret: string;
  csrf: string;
  expiresAt: string;
}

/** The wh_session value of a Set-Cookie answer; undefined when none is set. */
export function sessionFromSetCookie(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const m = /^wh_session=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Signs in with a password; throws unless the hub answers 200. */
export async function signIn(t: Target, username: string, password: string): Promise<Browser> {
  const res = await call<{ csrf_token: string; expires_at: string }>(t, 'POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const secret = sessionFromSetCookie(res.headers)!;
  return { cookie: `wh_session=${secret}`, secret, csrf: res.body.csrf_token, expiresAt: res.body.expires_at };
}

/** Mints a session straight into the store (no Argon2): for tests that need many, or ones made in the past. */
export async function mintSession(store: Store, user: string, opts: { at?: number; ttlMs?: number; idleMs?: number } = {}): Promise<Browser> {
  const sessions = new Sessions(store, { ttlMs: opts.ttlMs ?? 3_600_000, idleMs: opts.idleMs ?? 3_600_000 }, () => opts.at ?? Date.now());
  const { secret, session } = await sessions.create(user, { address: '127.0.0.1', userAgent: 'test' });
  return { cookie: `wh_session=${secret}`, secret, csrf: session.csrf_token, expiresAt: session.expires_at };
}

/**
 * A POST with a JSON body from a chosen loopback source address (127.0.0.2, …), so tests can
 * be several clients at once. fetch cannot pick its source address; node:http can.
 */
export function postFrom<T = Record<string, unknown>>(localAddress: string, url: string, body: unknown): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers, body: (text ? JSON.parse(text) : undefined) as T });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}
