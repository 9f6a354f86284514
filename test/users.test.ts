// Users, invitations, resets and API tokens over a real hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens, createAccess, type Principal } from '../src/auth/index.js';
import { call, mintSession, signIn, type Browser } from '../src/auth/testing/http.js';
import { loadConfig } from '../src/core/config/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let store: Store;
const password = (name: string) => `${name}-long-password-42`;
type Err = { error: { code: string; message: string } };
type UserBody = { user: Record<string, unknown> };

async function addUser(name: string, role: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await call(t, 'POST', '/api/users', { token: t.token, body: { name, role, password: password(name), ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
const as = (b: Browser) => ({ cookie: b.cookie, csrf: b.csrf });

beforeAll(async () => {
  t = await startTestHub({}, {}, { auth: { login_attempts_per_minute: 50 } });
  store = await openStore({ kind: 'sqlite' }, t.dataDir);
  await addUser('ada', 'admin');
  await addUser('oscar', 'operator');
  await addUser('alice', 'viewer');
});
afterAll(async () => {
  await store?.close();
  await t?.close();
});

describe('users', () => {
  it('creates users and lists them without any password material', async () => {
    const res = await call<{ users: Record<string, unknown>[] }>(t, 'GET', '/api/users', { token: t.token });
    expect(res.status).toBe(200);
    const ada = res.body.users.find((u) => u.name === 'ada');
    expect(ada).toEqual({
      name: 'ada', display_name: 'ada', email: null, role: 'admin', source: 'local', disabled: false, has_password: true,
      created_at: expect.any(String), updated_at: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password_hash/);
  });

  it('stores SQL and HTML metacharacters in names and display names verbatim and answers them as JSON', async () => {
    const display = `<img src=x onerror="alert(1)">'; DROP TABLE users; -- & "quotes" \\ ü 🚀`;
    const name = "a--b.c@d_e";
    const created = await call<UserBody>(t, 'POST', '/api/users', { token: t.token, body: { name, role: 'viewer', display_name: display, email: "o'hara+x@example.com" } });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.body.user).toMatchObject({ name, display_name: display, email: "o'hara+x@example.com", has_password: false });
    const one = await call<UserBody>(t, 'GET', `/api/users/${encodeURIComponent(name)}`, { token: t.token });
    expect(one.body.user.display_name).toBe(display);
    expect((await store.auth.user(name))!.display_name).toBe(display);
    // The table is still there and whole.
    expect((await call<{ users: unknown[] }>(t, 'GET', '/api/users', { token: t.token })).body.users.length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ["o'brien"], ['a b'], ['x/y'], ["'; DROP TABLE users; --"], ['<script>'], ['a'.repeat(65)], [''], ['ünïcode'],
  ])('refuses the user name %j with 400', async (name) => {
    const res = await call<Err>(t, 'POST', '/api/users', { token: t.token, body: { name, role: 'viewer' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request/invalid');
  });

  it('refuses a second user whose name differs only in case, an unknown role and a weak password', async () => {
    expect((await call<Err>(t, 'POST', '/api/users', { token: t.token, body: { name: 'ADA', role: 'viewer' } })).body.error.code).toBe('user/exists');
    expect((await call(t, 'POST', '/api/users', { token: t.token, body: { name: 'root', role: 'superuser' } })).status).toBe(400);
    const weak = await call<Err>(t, 'POST', '/api/users', { token: t.token, body: { name: 'weak', role: 'viewer', password: 'weak' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toEqual({ code: 'auth/weak_password', message: 'the password is too short: use at least 12 characters' });
    expect((await call<Err>(t, 'POST', '/api/users', { token: t.token, body: { name: 'weak', role: 'viewer', password: 'W3ak!!2026!!!' } })).status).toBe(400);
    expect(await store.auth.user('weak')).toBeUndefined();
  });

  it('changes role, display name and e-mail; a new password or disabling ends the user\'s sessions', async () => {
    await addUser('carl', 'viewer');
    const s1 = await mintSession(store, 'carl');
    const changed = await call<UserBody>(t, 'PATCH', '/api/users/carl', { token: t.token, body: { role: 'operator', display_name: 'Carl', email: 'carl@example.com' } });
    expect(changed.body.user).toMatchObject({ role: 'operator', display_name: 'Carl', email: 'carl@example.com' });
    // A role change takes effect on the live session at once.
    expect((await call<{ scopes: string[] }>(t, 'GET', '/api/auth/session', { cookie: s1.cookie })).body.scopes).toEqual(['read', 'operate']);
    expect((await call(t, 'PATCH', '/api/users/carl', { token: t.token, body: { password: 'carl-new-password-1' } })).status).toBe(200);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: s1.cookie })).status).toBe(401);
    await signIn(t, 'carl', 'carl-new-password-1');
    const s2 = await mintSession(store, 'carl');
    expect((await call<UserBody>(t, 'PATCH', '/api/users/carl', { token: t.token, body: { disabled: true } })).body.user.disabled).toBe(true);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: s2.cookie })).status).toBe(401);
    expect((await call(t, 'POST', '/api/auth/login', { body: { username: 'carl', password: 'carl-new-password-1' } })).status).toBe(401);
    await call(t, 'PATCH', '/api/users/carl', { token: t.token, body: { disabled: false } });
    await signIn(t, 'carl', 'carl-new-password-1');
    expect((await call<Err>(t, 'PATCH', '/api/users/nobody', { token: t.token, body: { role: 'viewer' } })).body.error.code).toBe('user/not_found');
  });

  it('never leaves the hub without an admin who can sign in', async () => {
    await addUser('solo', 'admin');
    // Whatever other admins exist (the first admin of a hub, ada), make them operators for now.
    const others = (await store.auth.users()).filter((u) => u.role === 'admin' && u.name !== 'solo');
    for (const u of others) expect((await call(t, 'PATCH', `/api/users/${u.name}`, { token: t.token, body: { role: 'operator' } })).status).toBe(200);
    for (const body of [{ role: 'viewer' }, { disabled: true }]) {
      const res = await call<Err>(t, 'PATCH', '/api/users/solo', { token: t.token, body });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('user/last_admin');
    }
    expect((await call<Err>(t, 'DELETE', '/api/users/solo', { token: t.token })).body.error.code).toBe('user/last_admin');
    // An invited admin who has no password yet does not count.
    expect((await call(t, 'POST', '/api/users/invitations', { token: t.token, body: { name: 'future-admin', role: 'admin' } })).status).toBe(201);
    expect((await call(t, 'PATCH', '/api/users/solo', { token: t.token, body: { role: 'viewer' } })).status).toBe(409);
    for (const u of others) await call(t, 'PATCH', `/api/users/${u.name}`, { token: t.token, body: { role: 'admin' } });
    // Nobody removes themselves.
    const solo = await mintSession(store, 'solo');
    expect((await call<Err>(t, 'DELETE', '/api/users/solo', as(solo))).status).toBe(400);
    expect((await call(t, 'DELETE', '/api/users/solo', { token: t.token })).status).toBe(200);
  });

  it('removes a user: sessions end, tokens are revoked, the name is free again', async () => {
    await addUser('temp', 'operator');
    const s = await mintSession(store, 'temp');
    const tok = await call<{ secret: string }>(t, 'POST', '/api/tokens', { ...as(s), body: { scopes: ['read'] } });
    expect(tok.status).toBe(201);
    expect((await call(t, 'DELETE', '/api/users/temp', { token: t.token })).body).toEqual({ deleted: true, name: 'temp' });
    expect((await call(t, 'GET', '/api/auth/session', { cookie: s.cookie })).status).toBe(401);
    const refused = await call<Err>(t, 'GET', '/api/events', { token: tok.body.secret });
    expect(refused.body.error.message).toBe('invalid token: token revoked');
    expect((await call(t, 'DELETE', '/api/users/temp', { token: t.token })).status).toBe(404);
    await addUser('temp', 'viewer');
  });
});

describe('invitations and resets', () => {
  type Link = { kind: string; user: string; token: string; url: string; expires_at: string };

  it('invites: a single-use link valid 24 h; the password is set once; the user signs in with the invited role', async () => {
    const before = Date.now();
    const res = await call<Link>(t, 'POST', '/api/users/invitations', { token: t.token, body: { name: 'newbie', role: 'operator', email: 'newbie@example.com' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'invite', user: 'newbie' });
    expect(res.body.url).toBe(`${t.url}/accept#token=${res.body.token}`);
    const expires = Date.parse(res.body.expires_at);
    expect(expires - before).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    // Pending: listed, no password, cannot sign in (and the answer is the usual one).
    expect((await call<UserBody>(t, 'GET', '/api/users/newbie', { token: t.token })).body.user).toMatchObject({ has_password: false, role: 'operator', email: 'newbie@example.com' });
    expect((await call<Err>(t, 'POST', '/api/auth/login', { body: { username: 'newbie', password: 'anything-long-1' } })).body.error.code).toBe('auth/invalid_credentials');
    // A password the policy refuses leaves the link usable.
    const weak = await call<Err>(t, 'POST', '/api/auth/accept', { body: { token: res.body.token, password: 'newbie' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('auth/weak_password');
    const ok = await call<UserBody>(t, 'POST', '/api/auth/accept', { body: { token: res.body.token, password: 'newbie-chose-this-1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual({ name: 'newbie', display_name: 'newbie', role: 'operator' });
    const again = await call<Err>(t, 'POST', '/api/auth/accept', { body: { token: res.body.token, password: 'another-password-2' } });
    expect(again.status).toBe(410);
    expect(again.body.error).toEqual({ code: 'auth/link_used', message: 'this link was already used; ask an administrator for a new one' });
    const b = await signIn(t, 'newbie', 'newbie-chose-this-1');
    expect((await call<{ user: { role: string } }>(t, 'GET', '/api/auth/session', { cookie: b.cookie })).body.user.role).toBe('operator');
    // Inviting someone who already has a password is refused: that is what resets are for.
    expect((await call<Err>(t, 'POST', '/api/users/invitations', { token: t.token, body: { name: 'newbie', role: 'viewer' } })).body.error.code).toBe('user/exists');
  });

  it('resets: valid 1 h, single use, ends the user\'s sessions; a newer reset voids older ones', async () => {
    await addUser('forgetful', 'viewer');
    const s = await mintSession(store, 'forgetful');
    const first = await call<Link>(t, 'POST', '/api/users/forgetful/reset', { token: t.token });
    expect(first.status).toBe(201);
    const expires = Date.parse(first.body.expires_at) - Date.now();
    expect(expires).toBeGreaterThan(3_590_000);
    expect(expires).toBeLessThanOrEqual(3_600_000);
    const second = await call<Link>(t, 'POST', '/api/users/forgetful/reset', { token: t.token });
    expect((await call<Err>(t, 'POST', '/api/auth/accept', { body: { token: first.body.token, password: 'reset-password-long-1' } })).status).toBe(410);
    expect((await call(t, 'POST', '/api/auth/accept', { body: { token: second.body.token, password: 'reset-password-long-1' } })).status).toBe(200);
    expect((await call(t, 'GET', '/api/auth/session', { cookie: s.cookie })).status).toBe(401);
    expect((await call(t, 'POST', '/api/auth/login', { body: { username: 'forgetful', password: password('forgetful') } })).status).toBe(401);
    await signIn(t, 'forgetful', 'reset-password-long-1');
    expect((await call(t, 'POST', '/api/auth/accept', { body: { token: second.body.token, password: 'reset-password-long-2' } })).status).toBe(410);
    expect((await call<Err>(t, 'POST', '/api/users/nobody/reset', { token: t.token })).body.error.code).toBe('user/not_found');
  });

  it('refuses late links with 410 and forged ones with 400, saying nothing about users', async () => {
    const config = loadConfig({ file: writeConfig(tempDir(), { hub: { data_dir: t.dataDir } }), env: {} });
    // A reset made 61 minutes ago, with the default lifetime of an hour.
    const past = createAccess({ store, auth: config.auth, now: () => Date.now() - 61 * 60_000 });
    await addUser('late', 'viewer');
    const reset = await past.links.reset('late', 'test');
    // An invitation made now with a lifetime of 1 ms.
    const now = createAccess({ store, auth: config.auth });
    const invite = await now.links.invite({ name: 'late-invite', role: 'viewer', by: 'test' }, 1);
    await waitFor('the invitation to expire', () => Date.parse(invite.expires_at) < Date.now());
    for (const link of [reset, invite]) {
      const res = await call<Err>(t, 'POST', '/api/auth/accept', { body: { token: link.token, password: 'too-late-password-1' } });
      expect(res.status).toBe(410);
      expect(res.body.error).toEqual({ code: 'auth/link_expired', message: 'this link has expired; ask an administrator for a new one' });
    }
    const forged = [`whl_${'A'.repeat(43)}`, 'whl_short', reset.token.slice(0, -1) + (reset.token.endsWith('A') ? 'B' : 'A'), "'; DROP TABLE auth_links; --", ''];
    for (const token of forged) {
      const res = await call<Err>(t, 'POST', '/api/auth/accept', { body: { token, password: 'forged-password-1' } });
      expect(res.status, token).toBe(400);
      expect(res.body.error, token).toEqual({ code: 'auth/link_invalid', message: 'this link is not valid; ask an administrator for a new one' });
    }
    expect((await store.auth.user('late'))!.password_hash).not.toBeNull();
  });
});

describe('API tokens', () => {
  type TokenBody = { token: Record<string, unknown> & { id: string; name: string }; secret: string };
  let alice: Browser;
  let oscar: Browser;
  let ada: Browser;
  beforeAll(async () => {
    alice = await mintSession(store, 'alice');
    oscar = await mintSession(store, 'oscar');
    ada = await mintSession(store, 'ada');
  });

  it('creates a token with scopes up to the creator\'s own, shows the secret once, keeps only its hash', async () => {
    const res = await call<TokenBody>(t, 'POST', '/api/tokens', { ...as(alice), body: { name: 'ci', scopes: ['read'], expires_in: '30d' } });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whk_[A-Za-z0-9_-]{43}$/);
    expect(res.body.token).toMatchObject({ name: 'ci', owner: 'alice', scopes: ['read'], last_used_at: null, revoked_at: null, state: 'active' });
    expect(Date.parse(res.body.token.expires_at as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const stored = await store.auth.tokenById(res.body.token.id);
    expect(stored!.hash).not.toBe(res.body.secret);
    expect(JSON.stringify(await call(t, 'GET', '/api/tokens', as(alice)))).not.toContain(res.body.secret);

    const beyond = await call<Err>(t, 'POST', '/api/tokens', { ...as(alice), body: { scopes: ['operate'] } });
    expect(beyond.status).toBe(403);
    expect(beyond.body.error.message).toBe('you cannot grant operate: a token may do at most what you may (read)');
    expect((await call(t, 'POST', '/api/tokens', { ...as(oscar), body: { scopes: ['read', 'operate'] } })).status).toBe(201);
    expect((await call(t, 'POST', '/api/tokens', { ...as(oscar), body: { scopes: ['ingest'] } })).status).toBe(403);
    expect((await call(t, 'POST', '/api/tokens', { ...as(ada), body: { scopes: ['admin', 'ingest'] } })).status).toBe(201);
    // A read token cannot mint an operate token for its operator owner.
    const readOnly = await call<TokenBody>(t, 'POST', '/api/tokens', { ...as(oscar), body: { scopes: ['read'] } });
    expect((await call(t, 'POST', '/api/tokens', { token: readOnly.body.secret, body: { scopes: ['operate'] } })).status).toBe(403);
    // Names are per user.
    expect((await call<Err>(t, 'POST', '/api/tokens', { ...as(alice), body: { name: 'ci', scopes: ['read'] } })).body.error.code).toBe('token/exists');
    expect((await call(t, 'POST', '/api/tokens', { ...as(oscar), body: { name: 'ci', scopes: ['read'] } })).status).toBe(201);
    for (const body of [{ scopes: [] }, { scopes: ['root'] }, { scopes: ['read'], expires_at: '2000-01-01T00:00:00Z' }, { scopes: ['read'], expires_in: 'forever' }, { scopes: ['read'], name: 'a/b' }]) {
      expect((await call(t, 'POST', '/api/tokens', { ...as(alice), body })).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('lists one\'s own tokens with their last use; admins see all, the hub\'s own included', async () => {
    const made = await call<TokenBody>(t, 'POST', '/api/tokens', { ...as(alice), body: { name: 'used', scopes: ['read'] } });
    expect((await call(t, 'GET', '/api/events', { token: made.body.secret })).status).toBe(200);
    const mine = await call<{ tokens: { name: string; owner: string | null; last_used_at: string | null }[] }>(t, 'GET', '/api/tokens', as(alice));
    expect(new Set(mine.body.tokens.map((x) => x.owner))).toEqual(new Set(['alice']));
    expect(mine.body.tokens.find((x) => x.name === 'used')!.last_used_at).not.toBeNull();
    const all = await call<{ tokens: { name: string; owner: string | null }[] }>(t, 'GET', '/api/tokens', as(ada));
    const owners = new Set(all.body.tokens.map((x) => x.owner));
    expect(owners).toEqual(new Set([null, 'alice', 'oscar', 'ada', 'temp']));
    expect(all.body.tokens.filter((x) => x.owner === null).map((x) => x.name)).toEqual(expect.arrayContaining(['admin', 'services']));
  });

  it('revokes: the owner their own, an admin any; others\' ids are not found', async () => {
    const mk = async (b: Browser) => (await call<TokenBody>(t, 'POST', '/api/tokens', { ...as(b), body: { scopes: ['read'] } })).body;
    const a = await mk(alice);
    const o = await mk(oscar);
    expect((await call(t, 'DELETE', `/api/tokens/${o.token.id}`, as(alice))).status).toBe(404);
    expect((await call(t, 'DELETE', '/api/tokens/nope', as(alice))).status).toBe(404);
    const revoked = await call<TokenBody>(t, 'DELETE', `/api/tokens/${a.token.id}`, as(alice));
    expect(revoked.body.token).toMatchObject({ state: 'revoked', revoked_at: expect.any(String) });
    expect((await call<Err>(t, 'GET', '/api/events', { token: a.secret })).body.error.message).toBe('invalid token: token revoked');
    expect((await call(t, 'DELETE', `/api/tokens/${o.token.id}`, as(ada))).status).toBe(200);
    expect((await call(t, 'GET', '/api/events', { token: o.secret })).status).toBe(401);
  });

  it('refuses expired tokens, and narrows a token to its owner\'s current role', async () => {
    const principal: Principal = { name: 'oscar', actor: 'oscar', user: 'oscar', role: 'operator', scopes: ['read', 'operate'], credential: { kind: 'token', id: 'x', name: 'x', via: 'bearer' } };
    const made = await new ApiTokens(store, () => Date.now() - 2 * 86_400_000).create(principal, { scopes: ['read'], expiresAt: new Date(Date.now() - 86_400_000).toISOString() });
    expect((await call<Err>(t, 'GET', '/api/events', { token: made.secret })).body.error.message).toBe('invalid token: token expired');
    expect((await call<{ tokens: { id: string; state: string }[] }>(t, 'GET', '/api/tokens', as(oscar))).body.tokens.find((x) => x.id === made.token.id)!.state).toBe('expired');

    await addUser('demoted', 'operator');
    const s = await mintSession(store, 'demoted');
    const op = (await call<TokenBody>(t, 'POST', '/api/tokens', { ...as(s), body: { scopes: ['operate'] } })).body.secret;
    expect((await call(t, 'POST', '/api/services/none/stop', { token: op, body: {} })).status).toBe(404);
    await call(t, 'PATCH', '/api/users/demoted', { token: t.token, body: { role: 'viewer' } });
    expect((await call(t, 'POST', '/api/services/none/stop', { token: op, body: {} })).status).toBe(403);
    await call(t, 'PATCH', '/api/users/demoted', { token: t.token, body: { disabled: true } });
    expect((await call<Err>(t, 'GET', '/api/events', { token: op })).body.error.message).toBe("invalid token: the token's user is disabled");
  });
});

describe('behind an https public URL', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub({}, {}, { auth: { public_url: 'https://ops.example.com/' } });
    await call(h, 'POST', '/api/users', { token: h.token, body: { name: 'ada', role: 'admin', password: password('ada') } });
  });
  afterAll(async () => h?.close());

  it('marks the session cookie Secure and writes links with the public URL', async () => {
    const res = await call(h, 'POST', '/api/auth/login', { body: { username: 'ada', password: password('ada') } });
    expect(res.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
    const link = await call<{ url: string; token: string }>(h, 'POST', '/api/users/invitations', { token: h.token, body: { name: 'remote', role: 'viewer' } });
    expect(link.body.url).toBe(`https://ops.example.com/accept#token=${link.body.token}`);
    // A change posted from the public origin passes the Origin check.
    const hubStore = await openStore({ kind: 'sqlite' }, h.dataDir);
    const b = await mintSession(hubStore, 'ada');
    await hubStore.close();
    const ok = await call(h, 'POST', '/api/tokens', { cookie: b.cookie, csrf: b.csrf, body: { scopes: ['read'] }, headers: { origin: 'https://ops.example.com' } });
    expect(ok.status).toBe(201);
  });
});
