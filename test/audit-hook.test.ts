// The audit hook on a small Fastify app with a real SQLite store: route overrides
// (config.audit, request.auditNote), data routes, and a store that fails.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { auditTrail } from '../src/http/audit-hook.js';
import { openStore, type AuditRecord, type Store } from '../src/store/index.js';
import { tempDir, waitFor } from '../src/testing/helpers.js';

const apps: FastifyInstance[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const s of stores.splice(0)) await s.close();
});

async function build(store: Store, logger?: { lines: unknown[] }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: pino({ level: logger ? 'error' : 'silent' }, { write: (line: string) => logger?.lines.push(JSON.parse(line)) }) as FastifyBaseLogger });
  apps.push(app);
  // Stands in for the permissions plugin: "Bearer ok" is the admin token, anything else is refused.
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.permission === 'public') return;
    if (request.headers.authorization !== 'Bearer ok') throw Object.assign(new Error('no'), { statusCode: 401 });
    request.principal = { name: 'admin', actor: 'token:admin', user: null, role: null, scopes: ['admin'], credential: { kind: 'token', id: 't', name: 'admin', via: 'bearer' } };
  });
  await app.register(auditTrail, { store });
  app.post('/api/things/:name', { config: { permission: 'admin', audit: 'things.make' } }, async () => ({ ok: true }));
  app.post('/api/feed', { config: { permission: 'admin', audit: false } }, async () => ({ ok: true }));
  app.post('/api/invites/accept', { config: { permission: 'public' } }, async (req) => {
    req.auditNote = { target: 'bob', actor: 'bob', details: { role: 'viewer' } };
    return { ok: true };
  });
  return app;
}

async function sqlite(): Promise<Store> {
  const store = await openStore({ kind: 'sqlite' }, tempDir('wh-audit-hook-'));
  stores.push(store);
  return store;
}

describe('audit hook', () => {
  it('uses config.audit as the action name and request.auditNote for target, actor and details', async () => {
    const store = await sqlite();
    const app = await build(store);
    expect((await app.inject({ method: 'POST', url: '/api/things/lamp', headers: { authorization: 'Bearer ok' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token: 'secret-link' } })).statusCode).toBe(200);
    const list = await waitFor('two records', async () => {
      const l = await store.audit.list({});
      return l.length === 2 ? l : undefined;
    });
    expect(list.map(({ id: _id, at: _at, ...r }) => r)).toEqual([
      { actor: 'bob', action: 'invites.accept', target: 'bob', result: 'ok', status: 200, address: '127.0.0.1', details: { role: 'viewer' } },
      { actor: 'token:admin', action: 'things.make', target: 'lamp', result: 'ok', status: 200, address: '127.0.0.1', details: null },
    ] satisfies Omit<AuditRecord, 'id' | 'at'>[]);
    expect(JSON.stringify(list)).not.toContain('secret-link');
  });

  it('records only the refusals of a route marked config.audit: false', async () => {
    const store = await sqlite();
    const app = await build(store);
    expect((await app.inject({ method: 'POST', url: '/api/feed', headers: { authorization: 'Bearer ok' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/feed' })).statusCode).toBe(401);
    await app.close();
    // Closing the app drains the queue.
    expect((await store.audit.list({})).map((r) => [r.action, r.result, r.actor])).toEqual([['feed.create', 'denied', 'anonymous']]);
  });

  it('refuses a route whose config.audit is not an action name', async () => {
    const app = Fastify({ loggerInstance: pino({ level: 'silent' }) as FastifyBaseLogger });
    apps.push(app);
    await app.register(auditTrail, { store: await sqlite() });
    expect(() => app.post('/x', { config: { audit: 'Not A Name' } }, async () => ({}))).toThrow(/config\.audit/);
  });

  it('answers normally when the store cannot take the record, and logs it', async () => {
    const real = await sqlite();
    const failing = { ...real, audit: { append: () => Promise.reject(new Error('disk full')), list: real.audit.list } } as Store;
    const log = { lines: [] as unknown[] };
    const app = await build(failing, log);
    const res = await app.inject({ method: 'POST', url: '/api/things/lamp', headers: { authorization: 'Bearer ok' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    const line = await waitFor('error logged', () => log.lines.find((l) => (l as { record?: AuditRecord }).record?.action === 'things.make'));
    expect(line).toMatchObject({ record: { target: 'lamp', actor: 'token:admin' }, err: { message: 'disk full' } });
  });
});
