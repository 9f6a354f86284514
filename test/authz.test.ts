// The authorization walk: every route the API registers, called with every kind of credential,
// must answer exactly as its declared permission says. A new route is walked automatically;
// one reachable beyond its declaration, or registered without one, fails this file.
import { randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, hashToken, TokenVerifier, type Scope } from '../src/auth/index.js';
import { call, mintSession } from '../src/auth/testing/http.js';
import { loadConfig } from '../src/core/config/index.js';
import { installErrorHandling } from '../src/http/errors.js';
import { permissions, routePermission, type Permission } from '../src/http/permissions.js';
import { openStore, type Store } from '../src/store/index.js';
import { tempDir, writeConfig } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

/** A route as registered. */
interface Route {
  method: string;
  url: string;
  permission: Permission;
  hidden: boolean;
}

/** How a credential should fare: refused outright (401), or judged by the scopes it carries. */
interface Credential {
  label: string;
  headers(method: string): Promise<Record<string, string>>;
  scopes: Scope[] | 'refused';
}

/** Public routes that check a credential of their own (agents' host keys): ours must never get through them. */
const selfAuthenticated = new Set(['POST /api/metrics/report']);
/** Routes that show users or secrets: admin only, whatever their author declared. */
const adminOnly = [/^\/api\/users(\/|$)/, /^\/api\/keycloak(\/|$)/, /^\/api\/config(\/|$)/];
const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Collects the routes of every Fastify app created while `fn` runs, straight from the apps. */
async function collectRoutes<T>(fn: () => Promise<T>): Promise<{ result: T; apps: { app: FastifyInstance; routes: RouteOptions[] }[] }> {
  const apps: { app: FastifyInstance; routes: RouteOptions[] }[] = [];
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    const entry = { app: fastify, routes: [] as RouteOptions[] };
    apps.push(entry);
    fastify.addHook('onRoute', (route) => {
      entry.routes.push(route);
    });
  };
  const ch = channel('fastify.initialization');
  ch.subscribe(onInit);
  try {
    return { result: await fn(), apps };
  } finally {
    ch.unsubscribe(onInit);
  }
}

/** The routes as the walk sees them (read after the app is ready, when every onRoute hook has run). */
function routesOf(options: RouteOptions[]): Route[] {
  return options.flatMap((r) =>
    (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
      method: String(method).toUpperCase(),
      url: r.url,
      // Routes of plugins registered before the permission check (the docs) get theirs from its table.
      permission: routePermission(r.url, (r.config as { permission?: Permission } | undefined)?.permission) as Permission,
      hidden: Boolean((r.schema as { hide?: boolean } | undefined)?.hide),
    })),
  );
}

/** A concrete path for a route pattern: every parameter and wildcard gets a value no real object has. */
function concrete(url: string): string {
  return url.replace(/:(\w+)(\([^)]*\))?/g, 'wh-authz-probe').replace(/\*/g, 'wh-authz-probe');
}

/** Calls every route with every credential; answers one line per answer that does not match the declaration. */
async function walk(base: string, routes: Route[], credentials: Credential[]): Promise<{ violations: string[]; calls: number }> {
  const violations: string[] = [];
  let calls = 0;
  for (const route of routes) {
    const path = concrete(route.url);
    for (const cred of credentials) {
      const headers = await cred.headers(route.method);
      let body: string | undefined;
      if (stateChanging.has(route.method) && route.method !== 'DELETE') {
        body = '{}';
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${base}${path}`, { method: route.method, headers, body, redirect: 'manual' });
      const text = await res.text();
      calls++;
      const code = text.startsWith('{') ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '') : '';
      const where = `${route.method} ${route.url} [${route.permission}] with ${cred.label}: ${res.status} ${code}`.trim();
      const refusal = res.status === 401 || res.status === 403;
      if (route.permission === 'public') {
        if (selfAuthenticated.has(`${route.method} ${route.url}`)) {
          if (res.status < 300) violations.push(`${where} (our credentials must not pass its own check)`);
        } else if (refusal) violations.push(`${where} (public: never refused)`);
        continue;
      }
      if (cred.scopes === 'refused') {
        if (res.status !== 401 || (!['auth/missing_token', 'auth/invalid_token'].includes(code) && route.method !== 'HEAD')) violations.push(`${where} (expected 401)`);
      } else if (allows(cred.scopes, route.permission)) {
        if (refusal) violations.push(`${where} (allowed: must not be refused)`);
      } else if (res.status !== 403 || (code !== 'auth/forbidden' && route.method !== 'HEAD')) {
        violations.push(`${where} (expected 403: reachable beyond its declaration)`);
      }
    }
  }
  return { violations, calls };
}

async function makeToken(store: Store, name: string, scopes: string[], extra: { expires_at?: string; revoked_at?: string } = {}, owner: string | null = null): Promise<string> {
  const secret = `whk_${randomBytes(24).toString('base64url')}`;
  const record = { id: name, name, hash: hashToken(secret), scopes, created_at: new Date().toISOString(), expires_at: null, last_used_at: null, revoked_at: null, ...extra };
  await store.auth.createToken(record, owner);
  return secret;
}

describe('the authorization walk over the real API', () => {
  let t: TestHub;
  let store: Store;
  let routes: Route[];
  let app: FastifyInstance;
  const credentials: Credential[] = [];

  beforeAll(async () => {
    const { result, apps } = await collectRoutes(() => startTestHub({}));
    t = result;
    const api = apps.find((a) => a.routes.some((r) => r.url === '/health'));
    if (!api) throw new Error('the API app was not seen being created');
    app = api.app;
    routes = routesOf(api.routes);
    store = await openStore({ kind: 'sqlite' }, t.dataDir);

    for (const [name, role] of [['viewer', 'viewer'], ['operator', 'operator'], ['administrator', 'admin'], ['disabled', 'admin'], ['demoted', 'viewer']] as const) {
      const res = await call(t, 'POST', '/api/users', { token: t.token, body: { name, role, password: `${name}-walk-password-1` } });
      expect(res.status).toBe(201);
    }
    const disabledSession = await mintSession(store, 'disabled');
    expect((await call(t, 'PATCH', '/api/users/disabled', { token: t.token, body: { disabled: true } })).status).toBe(200);
    const revokedSession = await mintSession(store, 'administrator');
    await store.auth.revokeSession((await store.auth.sessionByHash((await import('../src/auth/index.js')).hashSecret(revokedSession.secret)))!.id, new Date().toISOString());

    const bearer = (secret: string) => async () => ({ authorization: `Bearer ${secret}` });
    // A fresh session per call: logout and logout-all end the ones they are called with.
    const cookieSession = (user: string) => async (method: string) => {
      const b = await mintSession(store, user);
      return { cookie: b.cookie, ...(stateChanging.has(method) ? { 'x-csrf-token': b.csrf } : {}) };
    };
    const tampered = async () => {
      const b = await mintSession(store, 'administrator');
      return { cookie: `wh_session=${b.secret.slice(0, -2)}${b.secret.endsWith('AA') ? 'BB' : 'AA'}` };
    };
    const expired = await mintSession(store, 'administrator', { at: Date.now() - 2 * 3_600_000, ttlMs: 3_600_000 });
    const tokens = {
      read: await makeToken(store, 'walk-read', ['read']),
      operate: await makeToken(store, 'walk-operate', ['operate']),
      admin: await makeToken(store, 'walk-admin', ['admin']),
      ingest: await makeToken(store, 'walk-ingest', ['ingest']),
      revoked: await makeToken(store, 'walk-revoked', ['admin'], { revoked_at: new Date().toISOString() }),
      expired: await makeToken(store, 'walk-expired', ['admin'], { expires_at: '2000-01-01T00:00:00.000Z' }),
      // Made with admin scope while its owner was an admin; the owner is a viewer now.
      demoted: await makeToken(store, 'walk-demoted', ['admin'], {}, 'demoted'),
      disabled: await makeToken(store, 'walk-disabled', ['admin'], {}, 'disabled'),
    };
    credentials.push(
      { label: 'no credentials', headers: async () => ({}), scopes: 'refused' },
      { label: 'a forged token', headers: bearer(`whk_${randomBytes(32).toString('base64url')}`), scopes: 'refused' },
      { label: 'a revoked token', headers: bearer(tokens.revoked), scopes: 'refused' },
      { label: 'an expired token', headers: bearer(tokens.expired), scopes: 'refused' },
      { label: 'a token of a disabled user', headers: bearer(tokens.disabled), scopes: 'refused' },
      { label: 'a Basic header', headers: async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }), scopes: 'refused' },
      { label: 'a tampered cookie', headers: tampered, scopes: 'refused' },
      { label: 'an expired session cookie', headers: async () => ({ cookie: expired.cookie }), scopes: 'refused' },
      { label: 'a revoked session cookie', headers: async () => ({ cookie: revokedSession.cookie }), scopes: 'refused' },
      { label: 'a disabled user\'s session', headers: async () => ({ cookie: disabledSession.cookie }), scopes: 'refused' },
      { label: 'a forged session as bearer', headers: bearer(`whs_${randomBytes(32).toString('base64url')}`), scopes: 'refused' },
      { label: 'a viewer session', headers: cookieSession('viewer'), scopes: ['read'] },
      { label: 'an operator session', headers: cookieSession('operator'), scopes: ['read', 'operate'] },
      { label: 'an admin session', headers: cookieSession('administrator'), scopes: ['admin'] },
      { label: 'an operator session as bearer (CLI)', headers: async () => ({ authorization: `Bearer ${(await mintSession(store, 'operator')).secret}` }), scopes: ['read', 'operate'] },
      { label: 'a read token', headers: bearer(tokens.read), scopes: ['read'] },
      { label: 'an operate token', headers: bearer(tokens.operate), scopes: ['operate'] },
      { label: 'an admin token', headers: bearer(tokens.admin), scopes: ['admin'] },
      { label: 'an ingest token', headers: bearer(tokens.ingest), scopes: ['ingest'] },
      { label: 'the hub\'s admin token', headers: bearer(t.token), scopes: ['admin'] },
      { label: 'an admin-scoped token of a demoted user', headers: bearer(tokens.demoted), scopes: ['read'] },
    );
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  it('sees every route from the app itself, each with a declared permission, and the OpenAPI document agrees', async () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) {
      expect(['public', 'read', 'operate', 'admin', 'ingest'], `${r.method} ${r.url}`).toContain(r.permission);
      expect(app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`).toBe(true);
    }
    const doc = (await (await t.fetch('/docs/json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const registered = routes
      .filter((r) => !r.hidden && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)(\([^)]*\))?/g, '{$1}')}`)
      .sort();
    expect(documented).toEqual([...new Set(registered)]);
    // The document says which routes need no credential, and it is the same set.
    const publicInDoc = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => Array.isArray(op.security) && op.security.length === 0).map(([m]) => `${m.toUpperCase()} ${path}`));
    const publicRegistered = routes.filter((r) => !r.hidden && r.method !== 'HEAD' && r.permission === 'public').map((r) => `${r.method} ${r.url.replace(/:(\w+)(\([^)]*\))?/g, '{$1}')}`);
    expect(publicInDoc.sort()).toEqual([...new Set(publicRegistered)].sort());
  });

  it('keeps routes that show users or secrets admin-only', () => {
    for (const r of routes.filter((x) => adminOnly.some((re) => re.test(x.url)))) {
      expect(r.permission, `${r.method} ${r.url}`).toBe('admin');
    }
    expect(routes.some((r) => r.url === '/api/users')).toBe(true);
  });

  it('answers every route with every credential exactly as declared', async () => {
    const { violations, calls } = await walk(t.url, routes, credentials);
    expect(violations).toEqual([]);
    expect(calls).toBe(routes.length * credentials.length);
  }, 300_000);
});

describe('the walk itself', () => {
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    store = await openStore({ kind: 'sqlite' }, dir);
  });
  afterAll(async () => store?.close());

  const auth = () => loadConfig({ file: writeConfig(tempDir(), { hub: { data_dir: dir } }), env: {} }).auth;

  /** A small app: `before` runs before the permission plugin is registered, `register` after. */
  async function miniApp(register: (app: FastifyInstance) => void | Promise<void>, before?: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
    const app = Fastify();
    installErrorHandling(app, 1024 * 1024);
    if (before) await before(app);
    await app.register(permissions, { verifier: new TokenVerifier(store), store, auth: auth() });
    await register(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  }

  it('refuses to register a route that declares no permission, or an unknown one', async () => {
    await expect(miniApp((app) => void app.get('/api/undeclared', async () => ({ ok: true })))).rejects.toThrow('route GET /api/undeclared does not declare config.permission');
    await expect(miniApp((app) => void app.get('/api/odd', { config: { permission: 'root' as Permission } }, async () => ({ ok: true })))).rejects.toThrow(/unknown permission "root"/);
  });

  it('catches a route reachable beyond its declaration', async () => {
    // A plugin that answers /api/leak before the permission check: declared admin, open to all.
    const { result: app, apps } = await collectRoutes(() =>
      miniApp(
        async (a) => {
          a.get('/api/leak', { config: { permission: 'admin' } }, async () => ({ ok: true }));
          a.get('/api/fine', { config: { permission: 'admin' } }, async () => ({ ok: true }));
        },
        async (a) => {
          await a.register(
            fp(async (scope) => {
              scope.addHook('onRequest', async (req, reply) => {
                if (req.url === '/api/leak') return reply.send({ leaked: true });
              });
            }),
          );
        },
      ),
    );
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const read = await makeToken(store, `meta-read-${Date.now()}`, ['read']);
      const creds: Credential[] = [
        { label: 'no credentials', headers: async () => ({}), scopes: 'refused' },
        { label: 'a read token', headers: async () => ({ authorization: `Bearer ${read}` }), scopes: ['read'] },
      ];
      const { violations } = await walk(base, routesOf(apps[0]!.routes).filter((r) => r.method === 'GET'), creds);
      expect(violations).toEqual([
        'GET /api/leak [admin] with no credentials: 200 (expected 401)',
        'GET /api/leak [admin] with a read token: 200 (expected 403: reachable beyond its declaration)',
      ]);
    } finally {
      await app.close();
    }
  });
});
