// The audit trail over a real hub: what is recorded (and what is not), refusals, filters and
// paging of GET /api/audit, no secrets in records, and records that outlive the hub.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/core/config/index.js';
import { startHub } from '../src/hub/index.js';
import { openStore, type AuditRecord } from '../src/store/index.js';
import { fixture, freePort, tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;
const services = { api: { command: [node, fixture('ignore-term.mjs')], autostart: false, stop: { grace: '200ms' } } };
let t: TestHub;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestHub(services);
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  const now = new Date().toISOString();
  for (const [name, scopes] of [['reader', ['read']], ['operator', ['operate']], ['shipper', ['ingest']]] as const) {
    const secret = `whk_${randomBytes(24).toString('base64url')}`;
    await store.tokens.create({ id: name, name, hash: hashToken(secret), scopes: [...scopes], created_at: now, expires_at: null, last_used_at: null, revoked_at: null });
    tokens[name] = secret;
  }
  await store.close();
});
afterAll(async () => t?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (token?: string) => ({ ...(token ? auth(token) : {}), 'content-type': 'application/json' });

interface AuditPage {
  entries: AuditRecord[];
  next_before_id: number | null;
}

async function audit(query = '', token = t.token): Promise<AuditPage> {
  const res = await t.fetch(`/api/audit${query}`, { headers: auth(token) });
  expect(res.status).toBe(200);
  return (await res.json()) as AuditPage;
}

/** Waits until a record matching `match` is in the trail, and returns it. */
async function recorded(match: (r: AuditRecord) => boolean, what: string): Promise<AuditRecord> {
  return waitFor(what, async () => (await audit('?limit=1000')).entries.find(match));
}

/**
 * Sends a refused request with a unique marker and waits for its record. Records are written
 * in order, so anything that was to be recorded before it is in the trail by then.
 */
async function barrier(): Promise<void> {
  const marker = `barrier-${randomBytes(4).toString('hex')}`;
  await t.fetch(`/api/services/${marker}/stop`, { method: 'POST' });
  await recorded((r) => r.target === marker, marker);
}

describe('audit records of API actions', () => {
  it('records a service start, restart and stop with actor, action, target, result and address', async () => {
    expect((await t.fetch('/api/services/api/start', { method: 'POST', headers: json(t.token), body: '{"mode":"prod"}' })).status).toBe(200);
    expect((await t.fetch('/api/services/api/restart', { method: 'POST', headers: json(tokens.operator), body: '{}' })).status).toBe(200);
    expect((await t.fetch('/api/services/api/stop', { method: 'POST', headers: auth(t.token) })).status).toBe(200);
    const start = await recorded((r) => r.action === 'services.start' && r.target === 'api', 'services.start');
    expect(start).toMatchObject({ actor: 'token:admin', action: 'services.start', target: 'api', result: 'ok', status: 200, address: '127.0.0.1', details: { mode: 'prod' } });
    expect(Date.parse(start.at)).toBeGreaterThan(Date.now() - 60_000);
    const restart = await recorded((r) => r.action === 'services.restart', 'services.restart');
    expect(restart).toMatchObject({ actor: 'token:operator', target: 'api', result: 'ok', status: 200, address: '127.0.0.1' });
    const stop = await recorded((r) => r.action === 'services.stop' && r.target === 'api', 'services.stop');
    expect(stop).toMatchObject({ actor: 'token:admin', result: 'ok', status: 200 });
    // Newest first.
    const ids = (await audit('?action=services.')).entries.filter((r) => r.target === 'api').map((r) => r.action);
    expect(ids.slice(0, 3)).toEqual(['services.stop', 'services.restart', 'services.start']);
  });

  it('records refusals: no token, a bad token, a scope too small', async () => {
    const bad = `whk_${randomBytes(24).toString('base64url')}`;
    expect((await t.fetch('/api/services/api/start', { method: 'POST' })).status).toBe(401);
    expect((await t.fetch('/api/services/api/restart', { method: 'POST', headers: auth(bad) })).status).toBe(401);
    expect((await t.fetch('/api/services/api/stop', { method: 'POST', headers: auth(tokens.reader!) })).status).toBe(403);
    // Refused reads are recorded too.
    expect((await t.fetch('/api/services', { headers: auth(bad) })).status).toBe(401);
    const none = await recorded((r) => r.action === 'services.start' && r.result === 'denied', 'no-token refusal');
    expect(none).toMatchObject({ actor: 'anonymous', target: 'api', status: 401, address: '127.0.0.1', details: { code: 'auth/missing_token' } });
    const forged = await recorded((r) => r.action === 'services.restart' && r.result === 'denied', 'bad-token refusal');
    expect(forged).toMatchObject({ actor: 'anonymous', target: 'api', status: 401, details: { code: 'auth/invalid_token' } });
    const scope = await recorded((r) => r.action === 'services.stop' && r.result === 'denied', 'scope refusal');
    expect(scope).toMatchObject({ actor: 'token:reader', target: 'api', status: 403, details: { code: 'auth/forbidden' } });
    await recorded((r) => r.action === 'services.get' && r.result === 'denied', 'refused read');
  });

  it('records an action on an unknown service as failed, and a write to an unknown route', async () => {
    expect((await t.fetch('/api/services/nope/start', { method: 'POST', headers: auth(t.token) })).status).toBe(404);
    const r = await recorded((e) => e.target === 'nope', 'unknown service');
    expect(r).toMatchObject({ actor: 'token:admin', action: 'services.start', result: 'failed', status: 404, details: { code: 'service/not_found' } });
    expect((await t.fetch('/api/no/such/route?x=1', { method: 'DELETE', headers: auth(t.token) })).status).toBe(404);
    const unknown = await recorded((e) => e.action === 'route.unknown', 'unknown route');
    expect(unknown).toMatchObject({ target: '/api/no/such/route', result: 'failed', status: 404, details: { method: 'DELETE', code: 'route/not_found' } });
  });

  it('does not record a successful log ingest or reads, but records a refused ingest and a refused report', async () => {
    const entry = JSON.stringify({ service_name: 'audit-probe', level: 'INFO', message: 'hello' });
    expect((await t.fetch('/api/logs/ingest', { method: 'POST', headers: json(tokens.shipper), body: entry })).status).toBe(200);
    expect((await t.fetch('/api/services', { headers: auth(t.token) })).status).toBe(200);
    expect((await t.fetch('/api/logs/ingest', { method: 'POST', headers: json(), body: entry })).status).toBe(401);
    expect((await t.fetch('/api/logs/ingest', { method: 'POST', headers: json(tokens.reader), body: entry })).status).toBe(403);
    const report = JSON.stringify({ host_id: 'web-9', ts: Date.now(), samples: {} });
    expect((await t.fetch('/api/metrics/report', { method: 'POST', headers: json(), body: report })).status).toBe(401);
    await barrier();
    const ingest = (await audit('?action=logs.ingest')).entries;
    expect(ingest.map((r) => [r.actor, r.result, r.status])).toEqual([
      ['token:reader', 'denied', 403],
      ['anonymous', 'denied', 401],
    ]);
    expect((await audit('?actor=token:shipper')).entries).toEqual([]);
    expect((await audit('?action=services.get&result=ok')).entries).toEqual([]);
    const refusedReport = (await audit('?action=metrics.report')).entries;
    expect(refusedReport).toHaveLength(1);
    expect(refusedReport[0]).toMatchObject({ actor: 'anonymous', target: 'web-9', result: 'denied', status: 401 });
  });

  it('keeps passwords, tokens, query strings and bodies out of records', async () => {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const badToken = `whk_${randomBytes(24).toString('base64url')}`;
    const body = JSON.stringify({ mode: 'dev', password, api_key: password });
    expect((await t.fetch(`/api/services/api/start?token=${password}`, { method: 'POST', headers: json(t.token), body })).status).toBe(400);
    expect((await t.fetch('/api/services/api/stop', { method: 'POST', headers: json(badToken), body })).status).toBe(401);
    const login = await t.fetch('/api/auth/login', { method: 'POST', headers: json(), body: JSON.stringify({ username: 'mallory', password }) });
    await barrier();
    const all = (await audit('?limit=1000')).entries;
    const text = JSON.stringify(all);
    for (const secret of [password, badToken, t.token, tokens.reader!]) expect(text).not.toContain(secret);
    expect(all.find((r) => r.status === 400 && r.action === 'services.start')).toMatchObject({ target: 'api', result: 'failed', details: { code: 'request/invalid' } });
    // The login route belongs to the users area; once it answers, a failed login names the attempted user.
    if (login.status !== 404) {
      expect(all.find((r) => r.action === 'auth.login')).toMatchObject({ actor: 'anonymous', target: 'mallory', result: 'denied' });
    }
  });

  it('stores hostile names verbatim but printable', async () => {
    const name = `x'; DROP TABLE audit_log; --<script>alert(1)</script>`;
    expect((await t.fetch(`/api/services/${encodeURIComponent(name)}/start`, { method: 'POST', headers: auth(t.token) })).status).toBe(404);
    const esc = `web\u001b[2J\nfake`;
    await t.fetch(`/api/services/${encodeURIComponent(esc)}/start`, { method: 'POST', headers: auth(t.token) });
    expect(await recorded((r) => r.target === name, 'hostile name')).toMatchObject({ result: 'failed', status: 404 });
    await recorded((r) => r.target === 'web\ufffd[2J\ufffdfake', 'control characters replaced');
  });
});

describe('GET /api/audit', () => {
  it('filters by actor, action prefix, result and time, and pages newest first', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      await t.fetch(`/api/services/${name}/stop`, { method: 'POST', headers: auth(tokens.operator!) });
      // Each in its own millisecond: the time window below ends exactly at p4's timestamp.
      await new Promise((r) => setTimeout(r, 3));
    }
    await recorded((r) => r.target === 'p5', 'paging records');
    const mine = await audit('?actor=token:operator&action=services.stop&result=failed');
    expect(mine.entries.map((r) => r.target)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
    expect(mine.next_before_id).toBeNull();

    const seen: string[] = [];
    let page = await audit('?actor=token:operator&action=services.stop&result=failed&limit=2');
    for (;;) {
      seen.push(...page.entries.map((r) => r.target!));
      if (page.next_before_id === null) break;
      page = await audit(`?actor=token:operator&action=services.stop&result=failed&limit=2&before_id=${page.next_before_id}`);
    }
    expect(seen).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);

    expect((await audit('?action=services.stop&result=failed&since=1h')).entries.length).toBeGreaterThanOrEqual(5);
    expect((await audit('?action=services.stop&until=1d')).entries).toEqual([]);
    const first = mine.entries.at(-1)!;
    const window = await audit(`?actor=token:operator&action=services.stop&result=failed&since=${encodeURIComponent(first.at)}&until=${encodeURIComponent(mine.entries[1]!.at)}`);
    expect(window.entries.map((r) => r.target)).toEqual(['p4', 'p3', 'p2', 'p1']);
    expect((await audit('?action=services.stopx')).entries).toEqual([]);
  });

  it('refuses bad filters with 400', async () => {
    for (const q of ['?since=yesterday', '?until=2026-13-45T00:00:00Z', '?limit=1001', '?limit=0', '?result=maybe', '?before_id=0', '?since=1h&until=2h', '?actor=a%00b', '?nope=1']) {
      const res = await t.fetch(`/api/audit${q}`, { headers: auth(t.token) });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request/invalid');
    }
  });

  it('needs the admin scope; a refused read of the trail is itself recorded', async () => {
    expect((await t.fetch('/api/audit', { headers: auth(tokens.reader!) })).status).toBe(403);
    expect((await t.fetch('/api/audit', { headers: auth(tokens.operator!) })).status).toBe(403);
    expect((await t.fetch('/api/audit')).status).toBe(401);
    const r = await recorded((e) => e.action === 'audit.get' && e.actor === 'token:reader', 'refused audit read');
    expect(r).toMatchObject({ result: 'denied', status: 403, target: null });
    // Reading the trail is not an action: successful reads leave no record.
    await barrier();
    expect((await audit('?action=audit.get&result=ok')).entries).toEqual([]);
  });

  it('offers no way to change or delete records', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await t.fetch('/api/audit', { method, headers: json(t.token), body: '{}' })).status).toBe(404);
    }
    const doc = (await (await t.fetch('/docs/json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/audit'] ?? {})).toEqual(['get']);
  });
});

describe('audit records across a hub restart', () => {
  it('keeps every record, including those queued just before the hub stopped', async () => {
    const dataDir = tempDir('wh-audit-');
    const file = writeConfig(tempDir(), { hub: { port: await freePort(), data_dir: dataDir }, services });
    const start = async () => {
      const hub = await startHub({ config: loadConfig({ file, env: process.env }), logger: pino({ level: 'silent' }), serviceEnv: { PATH: process.env.PATH ?? '' }, version: 'test' });
      await waitFor('startup', async () => (await fetch(`${hub.url}/health/startup`)).status === 200);
      return hub;
    };
    const first = await start();
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    for (const name of ['r1', 'r2', 'r3']) await fetch(`${first.url}/api/services/${name}/start`, { method: 'POST', headers: auth(token) });
    // No waiting for the records: stopping the hub drains the queue before the store closes.
    await first.stop({ stopServices: true });

    const second = await start();
    try {
      const res = await fetch(`${second.url}/api/audit?action=services.start`, { headers: auth(token) });
      const { entries } = (await res.json()) as AuditPage;
      expect(entries.map((r) => [r.target, r.result, r.actor])).toEqual([
        ['r3', 'failed', 'token:admin'],
        ['r2', 'failed', 'token:admin'],
        ['r1', 'failed', 'token:admin'],
      ]);
    } finally {
      await second.stop({ stopServices: true });
    }
  });
});
