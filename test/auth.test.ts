// Password sign-in over a real hub: sessions and their cookie, logout, expiry, CSRF, throttling, no user enumeration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PasswordHasher, minimumHashParams, parsePhc } from '../src/auth/index.js';
import { call, mintSession, postFrom, signIn, type Browser } from '../src/auth/testing/http.js';
import { openStore, type Store } from '../src/store/index.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let store: Store;
const password = (name: string) => `${name}-correct-horse-7`;
const users: [string, string][] = [
  ['alice', 'viewer'],
  ['oscar', 'operator'],
  ['ada', 'admin'],
  ['target', 'viewer'],
  ['pat', 'viewer'],
  ['many', 'operator'],
];

beforeAll(async () => {
  t = await startTestHub({}, {}, { auth: { login_attempts_per_minute: 5, session_ttl: '1h', session_idle: '30m' } });
  store = await openStore({ kind: 'sqlite' }, t.dataDir);
  for (const [name, role] of users) {
    const res = await call(t, 'POST', '/api/users', { token: t.token, body: { name, role, password: password(name) } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(async () => {
  await store?.close();
  await t?.close();
});

describe('login', () => {
  it('answers the user, a CSRF token and the expiry, and sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const before = Date.now();
    const res = await call<{ user: unknown; csrf_token: string; expires_at: string }>(t, 'POST', '/api/auth/login', { body: { username: 'alice', password: password('alice') } });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ name: 'alice', display_name: 'alice', role: 'viewer' });
    expect(res.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(res.body.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^wh_session=whs_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    // Plain HTTP and no cookie_secure / https public_url: not Secure (the browser would drop it).
    expect(cookie).not.toContain('Secure;');
    // Nothing secret in the body: the session secret lives only in the cookie.
    expect(JSON.stringify(res.body)).not.toContain('whs_');
  });

  it('tells who is signed in at GET /api/auth/session, by cookie or by the session as a bearer token', async () => {
    const b = await signIn(t, 'oscar', password('oscar'));
    const byCookie = await call<Record<string, unknown>>(t, 'GET', '/api/auth/session', { cookie: b.cookie });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toMatchObject({ user: { name: 'oscar', role: 'operator' }, scopes: ['read', 'operate'], csrf_token: b.csrf, expires_at: b.expiresAt });
    expect(byCookie.body.credential).toMatchObject({ kind: 'session', via: 'cookie' });
    const byBearer = await call<Record<string, unknown>>(t, 'GET', '/api/auth/session', { token: b.secret });
    expect(byBearer.body.credential).toMatchObject({ kind: 'session', via: 'bearer' });
    // The admin token is a hub token: no user.
    const admin = await call<Record<string, unknown>>(t, 'GET', '/api/auth/session', { token: t.token });
    expect(admin.body).toMatchObject({ user: null, scopes: ['admin'], csrf_token: null, credential: { kind: 'token', name: 'admin' } });
    expect((await call(t, 'GET', '/api/auth/session')).status).toBe(401);
  });

  it('lets an operator operate and a viewer only read', async () => {
    const viewer = await mintSession(store, 'alice');
    const operator = await mintSession(store, 'oscar');
    expect((await call(t, 'GET', '/api/events', { cookie: viewer.cookie })).status).toBe(200);
    const denied = await call<{ error: { code: string; message: string } }>(t, 'POST', '/api/services/none/start', { cookie: viewer.cookie, csrf: viewer.csrf, body: {} });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({ code: 'auth/forbidden', message: 'this action needs the operate permission; your role (viewer) grants read' });
    // Allowed through: the 404 is the service's own answer.
    expect((await call(t, 'POST', '/api/services/none/start', { cookie: operator.cookie, csrf: operator.csrf, body: {} })).status).toBe(404);
    expect((await call(t, 'GET', '/api/users', { cookie: operator.cookie })).status).toBe(403);
  });
});

describe('no user enumeration', () => {
  it('answers an unknown user, a wrong password, a disabled user and a user without a password with the same 401', async () => {
    await call(t, 'POST', '/api/users', { token: t.token, body: { name: 'nopass', role: 'viewer' } });
    await call(t, 'POST', '/api/users', { token: t.token, body: { name: 'gone', role: 'viewer', password: password('gone') } });
    await call(t, 'PATCH', '/api/users/gone', { token: t.token, body: { disabled: true } });
    const attempts = [
      { username: 'nobody-here', password: 'whatever-password-1' },
      { username: 'alice', password: 'not-alice-password-1' },
      { username: 'gone', password: password('gone') },
      { username: 'nopass', password: 'anything-at-all-12' },
      { username: "'; DROP TABLE users; --", password: 'x' },
    ];
    const answers = [];
    // Each from its own address, so the throttle stays out of it.
    for (const [i, body] of attempts.entries()) answers.push(await postFrom(`127.0.0.${40 + i}`, `${t.url}/api/auth/login`, body));
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.body).toEqual({ error: { code: 'auth/invalid_credentials', message: 'wrong user name or password' } });
      expect(a.headers.get('content-length')).toBe(answers[0]!.headers.get('content-length'));
      expect(a.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('bad input', () => {
  it('refuses oversized credentials before hashing: 400 over 1,024 characters, 413 over the body limit', async () => {
    const long = 'x'.repeat(1025);
    for (const body of [{ username: long, password: 'p' }, { username: 'alice', password: long }]) {
      const res = await call<{ error: { code: string } }>(t, 'POST', '/api/auth/login', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('request/invalid');
    }
    const huge = await call<{ error: { code: string } }>(t, 'POST', '/api/auth/login', { body: { username: 'alice', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('request/too_large');
    const extra = await call(t, 'POST', '/api/auth/login', { body: { username: 'alice', password: password('alice'), admin: true } });
    expect(extra.status).toBe(400);
    // An over-long bearer token or cookie is refused as malformed, not looked up.
    expect((await call(t, 'GET', '/api/events', { token: `whk_${'a'.repeat(600)}` })).status).toBe(401);
    expect((await call(t, 'GET', '/api/events', { cookie: `wh_session=whs_${'a'.repeat(5000)}` })).status).toBe(401);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const res = await call<{ error: { code: string } }>(t, 'POST', '/api/auth/login', {
      body: { username: 'alice', password: password('alice') },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth/csrf');
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe('throttling', () => {
  it('counts failures per account from any address: 429 with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postFrom(`127.0.0.${60 + i}`, `${t.url}/api/auth/login`, { username: 'target', password: `wrong-password-${i}` })).status).toBe(401);
    }
    const locked = await postFrom<{ error: { code: string; message: string } }>('127.0.0.70', `${t.url}/api/auth/login`, { username: 'target', password: password('target') });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('auth/rate_limited');
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(locked.body.error.message).toBe(`too many failed sign-ins; try again in ${retry} s`);
    // The same name in other letter case is the same account.
    expect((await postFrom('127.0.0.71', `${t.url}/api/auth/login`, { username: 'TARGET', password: 'x' })).status).toBe(429);
    // The address itself is fine: another account signs in from it.
    expect((await postFrom('127.0.0.70', `${t.url}/api/auth/login`, { username: 'alice', password: password('alice') })).status).toBe(200);
  });

  it('counts failures per source address across accounts, unknown ones included', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postFrom('127.0.0.80', `${t.url}/api/auth/login`, { username: `ghost${i}`, password: 'wrong-password-1' })).status).toBe(401);
    }
    const locked = await postFrom('127.0.0.80', `${t.url}/api/auth/login`, { username: 'many', password: password('many') });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The account is fine from elsewhere.
    expect((await postFrom('127.0.0.81', `${t.url}/api/auth/login`, { username: 'many', password: password('many') })).status).toBe(200);
  });
});

describe('logout and session end', () => {
  it('logs out: 204, the cookie cleared, the session over', async () => {
    const b = await signIn(t, 'alice', password('alice'));
    const noCsrf = await call<{ error: { code: string } }>(t, 'POST', '/api/auth/logout', { cookie: b.cookie });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('auth/csrf');
    const out = await call(t, 'POST', '/api/auth/logout', { cookie: b.cookie, csrf: b.csrf });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^wh_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/);
    const after = await call<{ error: { code: string; message: string } }>(t, 'GET', '/api/auth/session', { cookie: b.cookie });
    expect(after.status).toBe(401);
    expect(after.body.error).toEqual({ code: 'auth/invalid_token', message: 'invalid session: session ended (logged out)' });
  });

  it('logs out everywhere', async () => {
    const one = await signIn(t, 'oscar', password('oscar'));
    const two = await mintSession(store, 'oscar');
    const other = await mintSession(store, 'alice');
    expect((await call(t, 'POST', '/api/auth/logout-all', { cookie: one.cookie, csrf: one.csrf })).status).toBe(204);
    for (const b of [one, two]) expect((await call(t, 'GET', '/api/auth/session', { cookie: b.cookie })).status).toBe(401);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: other.cookie })).status).toBe(200);
    const again = await signIn(t, 'oscar', password('oscar'));
    expect((await call(t, 'GET', '/api/auth/session', { cookie: again.cookie })).status).toBe(200);
    // A hub token belongs to nobody: nothing to log out of everywhere.
    expect((await call(t, 'POST', '/api/auth/logout-all', { token: t.token })).status).toBe(400);
  });

  it('changes one\'s own password: the current one is checked, every session ends, a new one is answered', async () => {
    const first = await signIn(t, 'pat', password('pat'));
    const other = await mintSession(store, 'pat');
    const wrong = await call<{ error: { code: string; message: string } }>(t, 'POST', '/api/auth/password', {
      cookie: first.cookie, csrf: first.csrf, body: { current_password: 'not-it-at-all-1', new_password: 'a-new-and-long-one-2' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('the current password is wrong');
    const weak = await call<{ error: { code: string } }>(t, 'POST', '/api/auth/password', {
      cookie: first.cookie, csrf: first.csrf, body: { current_password: password('pat'), new_password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('auth/weak_password');
    const ok = await call<{ csrf_token: string }>(t, 'POST', '/api/auth/password', {
      cookie: first.cookie, csrf: first.csrf, body: { current_password: password('pat'), new_password: 'a-new-and-long-one-2' },
    });
    expect(ok.status).toBe(200);
    const fresh = ok.headers.getSetCookie()[0]!.split(';')[0]!;
    for (const b of [first, other]) expect((await call(t, 'GET', '/api/auth/session', { cookie: b.cookie })).status).toBe(401);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: fresh })).status).toBe(200);
    expect((await postFrom('127.0.0.90', `${t.url}/api/auth/login`, { username: 'pat', password: password('pat') })).status).toBe(401);
    await signIn(t, 'pat', 'a-new-and-long-one-2');
  });

  it('refuses expired, idle, revoked, tampered and forged sessions with 401', async () => {
    const now = Date.now();
    const cases: [string, string, RegExp][] = [];
    cases.push(['expired', (await mintSession(store, 'alice', { at: now - 2 * 3_600_000, ttlMs: 3_600_000 })).cookie, /session expired; log in again/]);
    // The hub's idle limit is 30 minutes; this one was last seen 31 minutes ago.
    cases.push(['idle', (await mintSession(store, 'alice', { at: now - 31 * 60_000, ttlMs: 3_600_000 })).cookie, /after inactivity/]);
    const live = await mintSession(store, 'alice');
    const last = live.secret.at(-1) === 'A' ? 'B' : 'A';
    cases.push(['tampered', `wh_session=${live.secret.slice(0, -1)}${last}`, /unknown session/]);
    cases.push(['forged', `wh_session=whs_${'x'.repeat(43)}`, /unknown session/]);
    cases.push(['garbage', 'wh_session=%00<script>', /malformed session/]);
    const revoked = await mintSession(store, 'alice');
    await call(t, 'POST', '/api/auth/logout', { cookie: revoked.cookie, csrf: revoked.csrf });
    cases.push(['revoked', revoked.cookie, /logged out/]);
    for (const [label, cookie, message] of cases) {
      const res = await call<{ error: { code: string; message: string } }>(t, 'GET', '/api/events', { cookie });
      expect(res.status, label).toBe(401);
      expect(res.body.error.code, label).toBe('auth/invalid_token');
      expect(res.body.error.message, label).toMatch(message);
      expect(res.headers.get('www-authenticate'), label).toBe('Bearer realm="wheelhouse"');
    }
    expect((await call(t, 'GET', '/api/events', { cookie: live.cookie })).status).toBe(200);
  });

  it('keeps an active session alive past the idle limit counted from login', async () => {
    // Signed in 20 minutes ago (idle limit 30): a request now counts as activity.
    const b = await mintSession(store, 'alice', { at: Date.now() - 20 * 60_000, ttlMs: 3_600_000 });
    expect((await call(t, 'GET', '/api/events', { cookie: b.cookie })).status).toBe(200);
    const { hashSecret } = await import('../src/auth/index.js');
    const seen = (await store.auth.sessionByHash(hashSecret(b.secret)))!.last_seen_at;
    expect(Date.now() - Date.parse(seen)).toBeLessThan(60_000);
  });
});

describe('CSRF', () => {
  const body = { scopes: ['read'] };
  let b: Browser;
  beforeAll(async () => {
    b = await mintSession(store, 'alice');
  });

  it('refuses a cookie-authenticated change without the session\'s X-CSRF-Token, or with a wrong one', async () => {
    for (const csrf of [undefined, 'wrong', `${b.csrf.slice(0, -1)}x`]) {
      const res = await call<{ error: { code: string } }>(t, 'POST', '/api/tokens', { cookie: b.cookie, csrf, body });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth/csrf');
    }
    // Another session's token is no good either.
    const other = await mintSession(store, 'alice');
    expect((await call(t, 'POST', '/api/tokens', { cookie: b.cookie, csrf: other.csrf, body })).status).toBe(403);
    expect((await call(t, 'POST', '/api/tokens', { cookie: b.cookie, csrf: b.csrf, body })).status).toBe(201);
  });

  it('refuses a change from another origin even with the token, and accepts the hub\'s own origin', async () => {
    const from = (origin: string, site?: string) =>
      call(t, 'POST', '/api/tokens', { cookie: b.cookie, csrf: b.csrf, body, headers: { origin, ...(site ? { 'sec-fetch-site': site } : {}) } });
    expect((await from('https://evil.example')).status).toBe(403);
    expect((await from('null')).status).toBe(403);
    expect((await from(t.url, 'cross-site')).status).toBe(403);
    expect((await from(t.url, 'same-origin')).status).toBe(201);
  });

  it('needs no token for reads, nor for bearer credentials', async () => {
    expect((await call(t, 'GET', '/api/tokens', { cookie: b.cookie })).status).toBe(200);
    expect((await call(t, 'POST', '/api/tokens', { token: b.secret, body })).status).toBe(201);
    expect((await call(t, 'POST', '/api/tokens', { token: t.token, body })).status).toBe(201);
  });

  it('authenticates a WebSocket upgrade by the cookie and refuses one from another site', async () => {
    const wsUrl = `${t.url.replace('http', 'ws')}/api/logs/stream`;
    const first = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { cookie: b.cookie, origin: t.url } });
      ws.once('message', (m) => {
        resolve(String(m));
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toEqual({ type: 'ready' });
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl, { headers });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('open', () => {
          resolve(101);
          ws.close();
        });
        ws.once('error', () => undefined);
      });
    expect(await status({ cookie: b.cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await status({})).toBe(401);
    expect(await status({ cookie: 'wh_session=whs_forged' })).toBe(401);
  });
});

describe('password hashes', () => {
  it('upgrades a hash made with weaker parameters at the next sign-in', async () => {
    const weak = new PasswordHasher(minimumHashParams);
    const user = (await store.auth.user('ada'))!;
    await store.auth.updateUser({ ...user, password_hash: await weak.hash(password('ada')) });
    expect(parsePhc((await store.auth.user('ada'))!.password_hash!)).toMatchObject({ memoryCost: 19_456, timeCost: 2 });
    await signIn(t, 'ada', password('ada'));
    const after = (await store.auth.user('ada'))!.password_hash!;
    expect(parsePhc(after)).toEqual({ alg: 'argon2id', version: 19, memoryCost: 65_536, timeCost: 3, parallelism: 1 });
    // Still the same password.
    await signIn(t, 'ada', password('ada'));
    expect((await store.auth.user('ada'))!.password_hash).toBe(after);
  });

  it('keeps no password in clear', async () => {
    for (const u of await store.auth.users()) {
      if (u.password_hash) expect(parsePhc(u.password_hash)?.alg).toBe('argon2id');
      expect(JSON.stringify(u)).not.toContain(password(u.name));
    }
  });
});
