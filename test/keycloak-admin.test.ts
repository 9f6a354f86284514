// Keycloak administration over a real hub against a fake Keycloak that keeps the Admin REST API's
// traps: id only in Location, PUT replaces, no set-groups call, 60 s tokens, 403 without roles.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { startFakeKeycloak, type FakeKeycloak } from '../src/keycloak/testing/fake-keycloak.js';
import { openStore } from '../src/store/index.js';
import { waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let kc: FakeKeycloak;
let t: TestHub;
let bare: TestHub;
let operator: string;

type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  kc = await startFakeKeycloak({ realm: 'wheelhouse', adminUser: 'hub-admin', adminPassword: 'kc-secret' });
  t = await startTestHub({}, {}, { auth: { keycloak: { url: kc.url, realm: 'wheelhouse', admin_user: 'hub-admin', admin_password: 'kc-secret' } } });
  bare = await startTestHub({});
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  operator = `whk_${randomBytes(24).toString('base64url')}`;
  await store.tokens.create({ id: 'op', name: 'op', hash: hashToken(operator), scopes: ['operate'], created_at: new Date().toISOString(), expires_at: null, last_used_at: null, revoked_at: null });
  await store.close();
});
afterAll(async () => {
  await t?.close();
  await bare?.close();
  await kc?.close();
});
beforeEach(() => {
  kc.roles = new Set(['view-users', 'query-users', 'manage-users', 'query-groups', 'view-realm']);
  kc.refuseAllTokens = false;
});

async function call(method: string, path: string, body?: unknown, hub: TestHub = t, token = hub.token): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await hub.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

function rawStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method: 'GET', headers: { authorization: `Bearer ${t.token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    // node:http keeps the path exactly as given.
    req.path = path;
    req.end();
  });
}

const routes: [string, string, unknown?][] = [
  ['GET', '/api/keycloak/users'],
  ['POST', '/api/keycloak/users', { username: 'x' }],
  ['GET', '/api/keycloak/users/abc'],
  ['PATCH', '/api/keycloak/users/abc', { firstName: 'x' }],
  ['PUT', '/api/keycloak/users/abc', { firstName: 'x' }],
  ['DELETE', '/api/keycloak/users/abc'],
  ['POST', '/api/keycloak/users/abc/reset-password', { password: 'long-enough-1' }],
  ['POST', '/api/keycloak/users/abc/password', { password: 'long-enough-1' }],
  ['GET', '/api/keycloak/groups'],
  ['GET', '/api/keycloak/users/abc/groups'],
  ['PUT', '/api/keycloak/users/abc/groups', { groups: [] }],
  ['POST', '/api/keycloak/users/abc/groups', { groups: [] }],
];

describe('Keycloak routes: access', () => {
  it('answer 404 keycloak/not_configured on every route when auth.keycloak is absent', async () => {
    for (const [method, path, body] of routes) {
      const res = await call(method, path, body, bare);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('keycloak/not_configured');
      expect(res.body.error.message).toContain('Keycloak is not configured');
    }
  });

  it('need the admin scope: 401 anonymous, 403 for an operator token, before anything reaches Keycloak', async () => {
    const before = kc.seen.length;
    for (const [method, path, body] of routes) {
      const anon = await t.fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      expect(anon.status, `${method} ${path}`).toBe(401);
      expect((await call(method, path, body, t, operator)).status, `${method} ${path}`).toBe(403);
      expect((await call(method, path, body, bare, 'whk_not-a-real-token-at-all')).status).toBe(401);
    }
    expect(kc.seen.length).toBe(before);
  });
});

describe('Keycloak users', () => {
  it('creates a user with a temporary password: the id comes from the Location header', async () => {
    const res = await call('POST', '/api/keycloak/users', { username: 'Jane.Smith', email: 'jane@example.com', firstName: 'Jane', lastName: 'Smith', enabled: true, temporaryPassword: 'temp-password-123' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ success: true, user_id: expect.any(String), message: 'User created with a temporary password' });
    const id = res.body.user_id as string;
    expect(res.headers.get('location')).toBe(`/api/keycloak/users/${id}`);
    const stored = kc.users.get(id)!;
    expect(stored.rep).toMatchObject({ username: 'jane.smith', email: 'jane@example.com', firstName: 'Jane', lastName: 'Smith', enabled: true, requiredActions: ['UPDATE_PASSWORD'] });
    expect(stored.password).toEqual({ value: 'temp-password-123', temporary: true });
    // Create, then set the password: never credentials inside the create call.
    expect(kc.seen.filter((r) => r.method !== 'GET' && r.path.includes('/users')).slice(-2).map((r) => `${r.method} ${r.path.replace(id, '{id}')} ${r.status}`)).toEqual([
      'POST /admin/realms/wheelhouse/users 201',
      'PUT /admin/realms/wheelhouse/users/{id}/reset-password 204',
    ]);
  });

  it('accepts the seed 000 credentials form of the password', async () => {
    const res = await call('POST', '/api/keycloak/users', { username: 'seed.user', credentials: [{ type: 'password', value: 'temp-password-123', temporary: true }] });
    expect(res.status).toBe(201);
    expect(kc.users.get(res.body.user_id)!.password).toEqual({ value: 'temp-password-123', temporary: true });
  });

  it('answers 409 with Keycloak\'s message for a duplicate username', async () => {
    kc.addUser({ username: 'taken' });
    const res = await call('POST', '/api/keycloak/users', { username: 'TAKEN' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'keycloak/conflict', message: 'User exists with same username' });
  });

  it('leaves no user behind when the password policy refuses the temporary password', async () => {
    const res = await call('POST', '/api/keycloak/users', { username: 'weak.pw', temporaryPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keycloak/invalid');
    expect(res.body.error.message).toContain('Invalid password: minimum length 8.');
    expect([...kc.users.values()].some((u) => u.rep.username === 'weak.pw')).toBe(false);
  });

  it('refuses bad input before calling Keycloak', async () => {
    const before = kc.seen.length;
    for (const [method, path, body] of [
      ['POST', '/api/keycloak/users', {}],
      ['POST', '/api/keycloak/users', { username: 'a', password: 'x' }],
      ['POST', '/api/keycloak/users', { username: 'a', temporaryPassword: 'x'.repeat(257) }],
      ['POST', '/api/keycloak/users', { username: 'u'.repeat(256) }],
      ['PATCH', '/api/keycloak/users/a%2F..%2F..%2Fclients', { firstName: 'x' }],
      ['PATCH', '/api/keycloak/users/abc', { id: 'other' }],
      ['POST', '/api/keycloak/users/abc/reset-password', { password: '' }],
      ['PUT', '/api/keycloak/users/abc/groups', { groups: [''] }],
      ['PUT', '/api/keycloak/users/abc/groups', { groups: [{ id: 'x' }] }],
      ['GET', '/api/keycloak/users?max=0', undefined],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    }
    // A dot segment sent as is (fetch would resolve it away).
    for (const path of ['/api/keycloak/users/..', '/api/keycloak/users/./groups']) {
      expect(await rawStatus(path), path).toBe(400);
    }
    expect(kc.seen.length).toBe(before);
  });

  it('lists users with search, first and max passed through', async () => {
    for (const n of ['list-a', 'list-b', 'list-c']) kc.addUser({ username: n, email: `${n}@example.com` });
    const all = await call('GET', '/api/keycloak/users?search=list-');
    expect(all.status).toBe(200);
    expect(all.body.map((u: { username: string }) => u.username)).toEqual(['list-a', 'list-b', 'list-c']);
    expect(all.body[0]).not.toHaveProperty('access');
    const page = await call('GET', '/api/keycloak/users?search=list-&first=1&max=1');
    expect(page.body.map((u: { username: string }) => u.username)).toEqual(['list-b']);
    const exact = await call('GET', '/api/keycloak/users?username=list-a&exact=true');
    expect(exact.body).toEqual([expect.objectContaining({ username: 'list-a', email: 'list-a@example.com', enabled: true })]);
  });

  it('updates only the fields sent although Keycloak\'s PUT replaces the user (read, merge, write)', async () => {
    const id = kc.addUser({ username: 'merge.me', email: 'merge@example.com', firstName: 'Old', lastName: 'Name', attributes: { team: ['ops'], phone: ['123'] } });
    const res = await call('PATCH', `/api/keycloak/users/${id}`, { firstName: 'New', attributes: { phone: null, desk: ['4B'] } });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id, username: 'merge.me', email: 'merge@example.com', firstName: 'New', lastName: 'Name', attributes: { team: ['ops'], desk: ['4B'] } });
    expect(kc.users.get(id)!.rep).toMatchObject({ email: 'merge@example.com', lastName: 'Name' });
    expect(kc.users.get(id)!.rep.attributes).toEqual({ team: ['ops'], desk: ['4B'] });
    // null removes a field; the seed's PUT spelling merges the same way.
    const put = await call('PUT', `/api/keycloak/users/${id}`, { email: null, enabled: false });
    expect(put.status).toBe(200);
    expect(kc.users.get(id)!.rep).not.toHaveProperty('email');
    expect(kc.users.get(id)!.rep).toMatchObject({ firstName: 'New', lastName: 'Name', enabled: false });
  });

  it('(the trap itself) a naive PUT of only the changed field loses the others', async () => {
    const id = kc.addUser({ username: 'naive', email: 'naive@example.com', lastName: 'Kept?' });
    const token = ((await (await fetch(`${kc.url}/realms/master/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'hub-admin', password: 'kc-secret' }) })).json()) as { access_token: string }).access_token;
    const res = await fetch(`${kc.url}/admin/realms/wheelhouse/users/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ firstName: 'Only' }) });
    expect(res.status).toBe(204);
    expect(kc.users.get(id)!.rep).not.toHaveProperty('lastName');
    expect(kc.users.get(id)!.rep).not.toHaveProperty('email');
  });

  it('answers 409 when an update collides with another user\'s email', async () => {
    kc.addUser({ username: 'holder', email: 'held@example.com' });
    const id = kc.addUser({ username: 'wants-it' });
    const res = await call('PATCH', `/api/keycloak/users/${id}`, { email: 'held@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('User exists with same email');
  });

  it('resets a password, temporary unless told otherwise (also at the seed\'s /password)', async () => {
    const id = kc.addUser({ username: 'resettable' });
    const res = await call('POST', `/api/keycloak/users/${id}/reset-password`, { password: 'brand-new-pass' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'Password reset; it must be changed at the next login' });
    expect(kc.users.get(id)!.password).toEqual({ value: 'brand-new-pass', temporary: true });
    expect(kc.users.get(id)!.rep.requiredActions).toEqual(['UPDATE_PASSWORD']);
    const seed = await call('POST', `/api/keycloak/users/${id}/password`, { password: 'final-pass-456', temporary: false });
    expect(seed.status).toBe(200);
    expect(kc.users.get(id)!.password).toEqual({ value: 'final-pass-456', temporary: false });
    expect(kc.users.get(id)!.rep.requiredActions).toEqual([]);
    const weak = await call('POST', `/api/keycloak/users/${id}/reset-password`, { password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toContain('Invalid password: minimum length 8.');
  });

  it('deletes a user; a missing one is a clear 404', async () => {
    const id = kc.addUser({ username: 'doomed' });
    expect((await call('DELETE', `/api/keycloak/users/${id}`)).body).toEqual({ success: true, message: 'User deleted' });
    expect(kc.users.has(id)).toBe(false);
    for (const [method, path, body] of [
      ['DELETE', `/api/keycloak/users/${id}`],
      ['GET', `/api/keycloak/users/${id}`],
      ['PATCH', `/api/keycloak/users/${id}`, { firstName: 'x' }],
      ['POST', `/api/keycloak/users/${id}/reset-password`, { password: 'long-enough-1' }],
      ['GET', `/api/keycloak/users/${id}/groups`],
      ['PUT', `/api/keycloak/users/${id}/groups`, { groups: [] }],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toEqual({ code: 'keycloak/not_found', message: `user "${id}" was not found in Keycloak realm "wheelhouse" (User not found)` });
    }
  });
});

describe('Keycloak groups', () => {
  let ops: string, admins: string, devs: string, dup1: string, dup2: string;
  beforeAll(() => {
    ops = kc.addGroup('ops');
    admins = kc.addGroup('ops-admins', ops);
    devs = kc.addGroup('devs');
    const a = kc.addGroup('team-a');
    const b = kc.addGroup('team-b');
    dup1 = kc.addGroup('leads', a);
    dup2 = kc.addGroup('leads', b);
  });

  it('lists every group, subgroups included, with their paths', async () => {
    const res = await call('GET', '/api/keycloak/groups');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.arrayContaining([
        { id: ops, name: 'ops', path: '/ops' },
        { id: admins, name: 'ops-admins', path: '/ops/ops-admins' },
        { id: devs, name: 'devs', path: '/devs' },
        { id: dup1, name: 'leads', path: '/team-a/leads' },
      ]),
    );
  });

  it('replaces a user\'s groups by diffing into per-group PUT and DELETE calls', async () => {
    const id = kc.addUser({ username: 'grouped' });
    kc.users.get(id)!.groups.add(devs).add(ops);
    const mark = kc.seen.length;
    const res = await call('PUT', `/api/keycloak/users/${id}/groups`, { groups: ['ops', '/ops/ops-admins', dup2] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, added: [{ id: admins }, { id: dup2 }], removed: [{ id: devs }] });
    expect([...kc.users.get(id)!.groups].sort()).toEqual([ops, admins, dup2].sort());
    const writes = kc.seen.slice(mark).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.replace(`/admin/realms/wheelhouse/users/${id}/groups/`, '')}`)).toEqual([`DELETE ${devs}`, `PUT ${admins}`, `PUT ${dup2}`]);

    const now = await call('GET', `/api/keycloak/users/${id}/groups`);
    expect(now.body).toEqual([
      { id: ops, name: 'ops', path: '/ops' },
      { id: admins, name: 'ops-admins', path: '/ops/ops-admins' },
      { id: dup2, name: 'leads', path: '/team-b/leads' },
    ]);
    // The seed's POST spelling; an empty list removes every membership.
    const cleared = await call('POST', `/api/keycloak/users/${id}/groups`, { groups: [] });
    expect(cleared.body.removed).toHaveLength(3);
    expect(kc.users.get(id)!.groups.size).toBe(0);
  });

  it('refuses unknown or ambiguous groups without touching the membership', async () => {
    const id = kc.addUser({ username: 'careful' });
    kc.users.get(id)!.groups.add(devs);
    const mark = kc.seen.length;
    const res = await call('PUT', `/api/keycloak/users/${id}/groups`, { groups: ['ops', 'no-such-group', 'leads'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('keycloak/unknown_group');
    expect(res.body.error.message).toContain('no such group in realm "wheelhouse": no-such-group');
    expect(res.body.error.message).toContain('several groups have the name leads (/team-a/leads, /team-b/leads): give the path instead');
    expect(kc.seen.slice(mark).filter((r) => r.method !== 'GET')).toEqual([]);
    expect([...kc.users.get(id)!.groups]).toEqual([devs]);
  });
});

describe('Keycloak audit trail', () => {
  it('records every change with its target, never a password', async () => {
    const store = await openStore({ kind: 'sqlite' }, t.dataDir);
    try {
      const records = await waitFor('audit records', async () => {
        const r = await store.audit.list({ limit: 500 });
        return r.some((x) => x.action === 'keycloak.users.groups.set') ? r : undefined;
      });
      // (GET refusals of the access tests are recorded too; the changes are what matter here.)
      const mine = records.filter((r) => r.action.startsWith('keycloak.') && !r.action.endsWith('.get'));
      expect(new Set(mine.map((r) => r.action))).toEqual(new Set(['keycloak.users.create', 'keycloak.users.update', 'keycloak.users.delete', 'keycloak.users.reset_password', 'keycloak.users.groups.set']));
      expect(mine.find((r) => r.action === 'keycloak.users.create' && r.target === 'Jane.Smith')).toMatchObject({ result: 'ok', status: 201, actor: 'token:admin' });
      expect(mine.find((r) => r.action === 'keycloak.users.groups.set' && r.result === 'ok' && (r.details?.added as string[] | undefined)?.length)).toMatchObject({
        details: { added: ['/ops/ops-admins', '/team-b/leads'], removed: ['/devs'] },
      });
      const text = JSON.stringify(mine);
      for (const secret of ['temp-password-123', 'brand-new-pass', 'final-pass-456']) expect(text).not.toContain(secret);
    } finally {
      await store.close();
    }
  });
});

describe('Keycloak admin token', () => {
  it('is fetched once and reused across requests, concurrent ones included', async () => {
    kc.expireTokens();
    await call('GET', '/api/keycloak/groups'); // 401, then one fresh token
    const tokens = kc.tokenRequests;
    await Promise.all(Array.from({ length: 10 }, () => call('GET', '/api/keycloak/users')));
    for (let i = 0; i < 5; i++) await call('GET', '/api/keycloak/groups');
    expect(kc.tokenRequests).toBe(tokens);
  });

  it('is fetched again once when Keycloak answers 401 (expired), and the request succeeds', async () => {
    await call('GET', '/api/keycloak/users');
    const tokens = kc.tokenRequests;
    const refusals = kc.unauthorized;
    kc.expireTokens();
    const res = await call('GET', '/api/keycloak/users?max=1');
    expect(res.status).toBe(200);
    expect(kc.tokenRequests).toBe(tokens + 1);
    expect(kc.unauthorized).toBe(refusals + 1);
  });

  it('is retried only once: a fresh token refused too is a 502 keycloak/auth_failed', async () => {
    const tokens = kc.tokenRequests;
    kc.refuseAllTokens = true;
    const res = await call('GET', '/api/keycloak/users');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('keycloak/auth_failed');
    expect(kc.tokenRequests).toBe(tokens + 1);
  });

  it('explains wrong admin credentials', async () => {
    const kc2 = await startFakeKeycloak({ adminUser: 'hub-admin', adminPassword: 'the-real-one' });
    const hub = await startTestHub({}, {}, { auth: { keycloak: { url: kc2.url, realm: 'wheelhouse', admin_user: 'hub-admin', admin_password: 'a-wrong-one' } } });
    try {
      const res = await call('GET', '/api/keycloak/users', undefined, hub);
      expect(res.status).toBe(502);
      expect(res.body.error).toEqual({
        code: 'keycloak/auth_failed',
        message: 'Keycloak refused the admin credentials of "hub-admin" (realm "master", client "admin-cli"): Invalid user credentials',
      });
    } finally {
      await hub.close();
      await kc2.close();
    }
  });
});

describe('Keycloak refusals and outages', () => {
  it('explains a 403 as missing realm-management roles', async () => {
    kc.roles = new Set(['view-users']);
    const list = await call('GET', '/api/keycloak/users');
    expect(list.status).toBe(200);
    const res = await call('POST', '/api/keycloak/users', { username: 'not-allowed' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('keycloak/forbidden');
    expect(res.body.error.message).toContain('the admin account "hub-admin" lacks the realm-management role "manage-users" for realm "wheelhouse"');
    expect(res.body.error.message).toContain('"wheelhouse-realm" client roles in realm "master"');
    kc.roles = new Set();
    expect((await call('GET', '/api/keycloak/groups')).body.error.message).toContain('"query-groups"');
  });

  it('answers 502 keycloak/unreachable when Keycloak is down', async () => {
    await kc.close();
    const res = await call('GET', '/api/keycloak/groups');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('keycloak/unreachable');
    expect(res.body.error.message).toMatch(new RegExp(`^cannot reach Keycloak at ${kc.url.replace(/[.]/g, '\\.')}: ECONNREFUSED`));
  });
});
