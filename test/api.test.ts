// The HTTP API over a real hub: response shapes, authentication on every route, bad input.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { openStore } from '../src/store/index.js';
import { fixture, freePort, tempDir, waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;
let t: TestHub;
let port: number;
const sickFlag = join(tempDir(), 'sick');
const tokens: Record<string, string> = {};

beforeAll(async () => {
  port = await freePort();
  t = await startTestHub(
    {
      web: {
        command: [node, fixture('http-service.mjs')],
        port,
        env: { UNHEALTHY_FILE: sickFlag },
        health: { http: `http://127.0.0.1:${port}/health`, interval: '100ms', failures: 2 },
        stop: { grace: '2s' },
      },
      idle: { command: [node, fixture('ignore-term.mjs')], autostart: false, stop: { grace: '200ms' } },
    },
    { body_limit: '4KB' },
  );
  // Tokens of each scope, an expired one and a revoked one, written straight into the store.
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  const now = new Date().toISOString();
  const make = async (name: string, scopes: string[], extra: Record<string, string | null> = {}) => {
    const secret = `whk_${randomBytes(24).toString('base64url')}`;
    await store.tokens.create({ id: name, name, hash: hashToken(secret), scopes, created_at: now, expires_at: null, last_used_at: null, revoked_at: null, ...extra });
    tokens[name] = secret;
  };
  await make('reader', ['read']);
  await make('operator', ['operate']);
  await make('expired', ['admin'], { expires_at: '2000-01-01T00:00:00.000Z' });
  await make('revoked', ['admin'], { revoked_at: now });
  await store.close();
});
afterAll(async () => t?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

describe('services API', () => {
  it('lists services with the seed status fields', async () => {
    const res = await t.fetch('/api/services', { headers: auth(t.token) });
    expect(res.status).toBe(200);
    const { services } = (await res.json()) as { services: Record<string, unknown>[] };
    expect(services.map((s) => s.service_name)).toEqual(['web', 'idle']);
    expect(services[0]).toMatchObject({ status: 'running', health: 'healthy', port, configured_port: port, mode: 'dev', type: 'http' });
    for (const key of ['pid', 'started_at', 'uptime', 'cpu_percent', 'memory_mb', 'health_message', 'last_checked']) expect(services[0]).toHaveProperty(key);
  });

  it('starts, restarts and stops one service, answering in the seed shape', async () => {
    const start = await t.fetch('/api/services/idle/start', { method: 'POST', headers: json(t.token), body: JSON.stringify({ mode: 'prod' }) });
    expect(start.status).toBe(200);
    const started = (await start.json()) as { success: boolean; message: string; pid: number; port: number | null };
    expect(started).toEqual({ success: true, message: 'idle started successfully', pid: expect.any(Number), port: null });
    const one = (await (await t.fetch('/api/services/idle', { headers: auth(t.token) })).json()) as { mode: string; pid: number };
    expect(one).toMatchObject({ mode: 'prod', pid: started.pid });

    const restart = await t.fetch('/api/services/idle/restart', { method: 'POST', headers: json(t.token), body: '{"mode":"dev"}' });
    const restarted = (await restart.json()) as { message: string; pid: number };
    expect(restarted.message).toBe('idle restarted successfully');
    expect(restarted.pid).not.toBe(started.pid);

    // No body at all is fine too: mode defaults to dev.
    const stop = await t.fetch('/api/services/idle/stop', { method: 'POST', headers: auth(t.token) });
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ success: true, message: expect.stringMatching(/^idle (stopped successfully|did not exit)/) });
  });

  it('acts on all services in order and reports each', async () => {
    const res = await t.fetch('/api/services/all/restart', { method: 'POST', headers: json(t.token), body: '{}' });
    const body = (await res.json()) as { success: boolean; results: { service: string; success: boolean }[] };
    expect(body.success).toBe(true);
    expect(body.results.map((r) => r.service)).toEqual(['web', 'idle']);
  });

  it('reports the dashboard status with system figures', async () => {
    const res = await t.fetch('/api/dashboard/status', { headers: auth(t.token) });
    const body = (await res.json()) as { services: Record<string, { status: string; port: number }>; system: Record<string, number> };
    expect(body.services.web).toMatchObject({ status: 'running', port });
    for (const k of ['cpu_percent', 'memory_percent', 'disk_percent']) {
      expect(body.system[k]).toBeGreaterThanOrEqual(0);
      expect(body.system[k]).toBeLessThanOrEqual(100);
    }
  });

  it('keeps an event log of state changes', async () => {
    const res = await t.fetch('/api/events?service=idle&limit=50', { headers: auth(t.token) });
    const { events } = (await res.json()) as { events: { topic: string; payload: { to?: string } }[] };
    expect(events.some((e) => e.topic === 'service.state' && e.payload.to === 'running')).toBe(true);
  });
});

describe('live feed', () => {
  it('forwards service events over the WebSocket as they happen', async () => {
    await t.fetch('/api/services/idle/stop', { method: 'POST', headers: json(t.token), body: '{}' });
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream?topics=service.state`, { headers: auth(t.token) });
    const events: { topic: string; payload: { service: string; to: string } }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; topic: string; payload: { service: string; to: string } };
      if (m.type === 'event') events.push(m);
    });
    await new Promise((r, j) => (ws.once('message', r), ws.once('error', j)));
    await t.fetch('/api/services/idle/start', { method: 'POST', headers: json(t.token), body: '{}' });
    await waitFor('the running state', () => events.some((e) => e.payload.service === 'idle' && e.payload.to === 'running'));
    expect(events.every((e) => e.topic === 'service.state')).toBe(true);
    ws.close();
    await t.fetch('/api/services/idle/stop', { method: 'POST', headers: json(t.token), body: '{}' });
  });

  it('refuses the feed without credentials', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream`);
    const status = await new Promise<number>((r) => ws.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });
});

describe('health probes', () => {
  it('answers /health in the seed shape and the three probes, without a token', async () => {
    const res = await t.fetch('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; service: string; checks: Record<string, { status: string }> };
    expect(body).toMatchObject({ status: 'healthy', service: 'wheelhouse' });
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'disk', 'services']);
    for (const [path, status] of [['/health/live', 'alive'], ['/health/ready', 'ready'], ['/health/startup', 'started']]) {
      const r = await t.fetch(path!);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status });
    }
  });

  it('turns 503 while a service that should run is unhealthy, naming it, and 200 again after', async () => {
    writeFileSync(sickFlag, '');
    try {
      const res = await waitFor('a degraded /health', async () => {
        const r = await t.fetch('/health');
        return r.status === 503 && r;
      });
      const body = (await res.json()) as { status: string; checks: { services: { status: string; failing: string[] } } };
      expect(body.status).toBe('degraded');
      expect(body.checks.services.failing).toEqual(['web: running (HTTP 503, status "unhealthy")']);
    } finally {
      rmSync(sickFlag);
    }
    await waitFor('a healthy /health', async () => (await t.fetch('/health')).status === 200);
    // A service the user stopped is not wanted running, so it does not degrade the hub.
    await t.fetch('/api/services/idle/stop', { method: 'POST', headers: json(t.token), body: '{}' });
    expect((await t.fetch('/health')).status).toBe(200);
  });
});

describe('authentication and permissions', () => {
  it('names why a token is refused', async () => {
    const msg = async (token: string) => ((await (await t.fetch('/api/services', { headers: auth(token) })).json()) as { error: { message: string } }).error.message;
    expect(await msg(tokens.expired!)).toBe('invalid token: token expired');
    expect(await msg(tokens.revoked!)).toBe('invalid token: token revoked');
    expect(await msg('whk_unknown_unknown')).toBe('invalid token: unknown token');
  });

  it('lets a read token read but not act, and an operate token act', async () => {
    expect((await t.fetch('/api/services', { headers: auth(tokens.reader!) })).status).toBe(200);
    const denied = await t.fetch('/api/services/idle/stop', { method: 'POST', headers: json(tokens.reader!), body: '{}' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('auth/forbidden');
    const allowed = await t.fetch('/api/services/idle/stop', { method: 'POST', headers: json(tokens.operator!), body: '{}' });
    expect(allowed.status).toBe(200);
  });
});

describe('bad input', () => {
  const cases: [string, string, RequestInit, number, string, RegExp][] = [
    ['unknown service', '/api/services/ghost', {}, 404, 'service/not_found', /unknown service "ghost"; configured: web, idle/],
    ['unknown service action', '/api/services/ghost/start', { method: 'POST', body: '{}' }, 404, 'service/not_found', /ghost/],
    ['invalid mode', '/api/services/web/start', { method: 'POST', body: '{"mode":"fast"}' }, 400, 'request/invalid', /mode/],
    ['wrong type', '/api/services/web/start', { method: 'POST', body: '{"mode":42}' }, 400, 'request/invalid', /mode/],
    ['extra property', '/api/services/web/start', { method: 'POST', body: '{"mode":"dev","force":true}' }, 400, 'request/invalid', /force/],
    ['malformed JSON', '/api/services/web/start', { method: 'POST', body: '{"mode":' }, 400, 'request/malformed_json', /JSON/],
    ['empty JSON body', '/api/services/web/start', { method: 'POST', body: '' }, 400, 'request/malformed_json', /empty/],
    ['oversized body', '/api/services/web/start', { method: 'POST', body: JSON.stringify({ mode: 'x'.repeat(10_000) }) }, 413, 'request/too_large', /4096 bytes/],
    ['unknown route', '/api/nothing-here', {}, 404, 'route/not_found', /no route GET \/api\/nothing-here/],
    ['bad query type', '/api/events?limit=lots', {}, 400, 'request/invalid', /limit/],
    ['huge name', `/api/services/${'a'.repeat(300)}`, {}, 414, 'request/uri_too_long', /too long/],
    ['bad URL encoding', '/api/services/%E0%A4%A', {}, 400, 'request/invalid', /malformed URL/],
  ];
  it.each(cases)('%s → %d', async (_label, path, init, status, code, message) => {
    const headers: Record<string, string> = { ...auth(t.token) };
    if (init.method === 'POST') headers['content-type'] = 'application/json';
    const res = await t.fetch(path, { ...init, headers });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it('refuses a non-JSON content type', async () => {
    const res = await t.fetch('/api/services/web/start', { method: 'POST', headers: { ...auth(t.token), 'content-type': 'application/xml' }, body: '<mode/>' });
    expect(res.status).toBe(415);
  });

  it('is still healthy after all of that', async () => {
    expect((await t.fetch('/health')).status).toBe(200);
    const { services } = (await (await t.fetch('/api/services', { headers: auth(t.token) })).json()) as { services: { service_name: string; status: string }[] };
    expect(services.find((s) => s.service_name === 'web')?.status).toBe('running');
  });
});

describe('documentation', () => {
  it('serves an OpenAPI document generated from the route schemas, and a reference page', async () => {
    const doc = (await (await t.fetch('/docs/json')).json()) as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/services', '/api/services/{name}', '/api/services/{name}/start', '/api/dashboard/status', '/health', '/health/ready']) expect(doc.paths).toHaveProperty([p]);
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    const page = await t.fetch('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="swagger-ui">');
  });
});
