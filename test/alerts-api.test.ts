// The alerts API over a real hub: rules, silences, active alerts and history, permissions,
// bad input answered with a clear 400; and an alert from real log ingest reaching a webhook.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { openStore } from '../src/store/index.js';
import { waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let hook: Server;
const received: { status: string; alerts: { rule: string; labels: Record<string, string> }[] }[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  t = await startTestHub({}, {}, {
    alerts: {
      group_interval: '200ms',
      channels: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/alerts` }],
      rules: [{ name: 'ConfigRule', kind: 'log_pattern', query: 'disk quota exceeded', op: '>=', threshold: 2, window: '10s', severity: 'critical' }],
    },
  });
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  const now = new Date().toISOString();
  for (const [name, scopes] of [['reader', ['read']], ['operator', ['operate']]] as const) {
    const secret = `whk_${randomBytes(24).toString('base64url')}`;
    await store.tokens.create({ id: name, name, hash: hashToken(secret), scopes: [...scopes], created_at: now, expires_at: null, last_used_at: null, revoked_at: null });
    tokens[name] = secret;
  }
  await store.close();
});
afterAll(async () => {
  await t?.close();
  hook?.close();
});

const call = async (method: string, path: string, body?: unknown, token = t.token) => {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('authentication', () => {
  it('answers 401 without a token on every alerts route', async () => {
    for (const [method, path] of [
      ['GET', '/api/alerts'], ['GET', '/api/alerts/history'], ['GET', '/api/alerts/rules'], ['PUT', '/api/alerts/rules/X'], ['DELETE', '/api/alerts/rules/X'],
      ['GET', '/api/silences'], ['POST', '/api/silences'], ['DELETE', '/api/silences/x'],
    ]) {
      const res = await t.fetch(path!, { method, headers: method === 'PUT' || method === 'POST' ? { 'content-type': 'application/json' } : {}, body: method === 'PUT' || method === 'POST' ? '{}' : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('rules', () => {
  it('lists the rules in force with their origin', async () => {
    const { status, body } = await call('GET', '/api/alerts/rules');
    expect(status).toBe(200);
    const byName = Object.fromEntries(body.rules.map((r: { name: string }) => [r.name, r]));
    expect(byName.HighCPU).toEqual({
      name: 'HighCPU', kind: 'metric', origin: 'default', severity: 'warning', for: '5m', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 80,
      labels: {}, annotations: { summary: 'CPU usage on {{host}} is {{value}}% (above {{threshold}}% for {{for}})' },
    });
    expect(byName.ConfigRule).toMatchObject({ origin: 'config', kind: 'log_pattern', query: 'disk quota exceeded', window: '10s', op: '>=', threshold: 2 });
  });

  it('creates, replaces and deletes an API rule; an API rule may replace a built-in one', async () => {
    let r = await call('PUT', '/api/alerts/rules/BusyWeb', { kind: 'metric', metric: 'cpu_percent', match: { host: 'web-1' }, op: '>', threshold: 50, for: '2m' });
    expect(r.status).toBe(200);
    expect(r.body.rule).toMatchObject({ name: 'BusyWeb', origin: 'api', for: '2m', threshold: 50 });
    r = await call('PUT', '/api/alerts/rules/BusyWeb', { name: 'BusyWeb', kind: 'metric', metric: 'cpu_percent', op: '>', threshold: 60 });
    expect(r.body.rule.threshold).toBe(60);
    r = await call('PUT', '/api/alerts/rules/HighCPU', { kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 95 });
    expect(r.status).toBe(200);
    const rules = (await call('GET', '/api/alerts/rules')).body.rules as { name: string; origin: string; threshold?: number }[];
    expect(rules.find((x) => x.name === 'HighCPU')).toMatchObject({ origin: 'api', threshold: 95 });
    expect(rules.find((x) => x.name === 'BusyWeb')).toMatchObject({ origin: 'api', threshold: 60 });

    expect((await call('DELETE', '/api/alerts/rules/HighCPU')).status).toBe(200);
    expect((await call('GET', '/api/alerts/rules')).body.rules.find((x: { name: string }) => x.name === 'HighCPU')).toMatchObject({ origin: 'default', threshold: 80 });
    expect((await call('DELETE', '/api/alerts/rules/BusyWeb')).body).toEqual({ deleted: true, name: 'BusyWeb' });
    const missing = await call('DELETE', '/api/alerts/rules/BusyWeb');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('no API rule named "BusyWeb"');
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown rule kind', { kind: 'cpu', threshold: 1 }, /rule\.kind: must be one of metric, service_down, health, crash_loop, agent_silent, log_pattern/],
    ['a missing threshold', { kind: 'metric', metric: 'cpu_percent', op: '>' }, /rule\.threshold: a metric rule needs "threshold"/],
    ['a wrong-typed threshold', { kind: 'metric', metric: 'cpu_percent', op: '>', threshold: [1] }, /rule\.threshold: must be number/],
    ['a bad duration', { kind: 'health', for: 'soon' }, /rule\.for: must be a duration/],
    ['an unknown field', { kind: 'health', treshold: 3 }, /rule: unknown property "treshold"/],
    ['a name differing from the path', { name: 'Other', kind: 'health' }, /rule\.name: "Other" differs from the name in the path "Bad"/],
    ['a body that is not an object', [1, 2], /the body must be a JSON object/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what} with a 400 naming the field`, async () => {
      const r = await call('PUT', '/api/alerts/rules/Bad', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('request/invalid');
      expect(r.body.error.message).toMatch(message);
    });
  }

  it('refuses to replace or delete config and built-in rules through the API', async () => {
    const put = await call('PUT', '/api/alerts/rules/ConfigRule', { kind: 'health' });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toContain('defined in the config file');
    expect((await call('DELETE', '/api/alerts/rules/ConfigRule')).body.error.message).toContain('defined in the config file');
    expect((await call('DELETE', '/api/alerts/rules/AgentSilent')).body.error.message).toContain('is built in');
  });

  it('needs the admin scope to change rules', async () => {
    expect((await call('PUT', '/api/alerts/rules/X', { kind: 'health' }, tokens.operator)).status).toBe(403);
    expect((await call('DELETE', '/api/alerts/rules/X', undefined, tokens.operator)).status).toBe(403);
    expect((await call('GET', '/api/alerts/rules', undefined, tokens.reader)).status).toBe(200);
  });
});

describe('silences', () => {
  it('creates with a duration or an end, lists, expires', async () => {
    const a = await call('POST', '/api/silences', { matchers: [{ name: 'alertname', op: '=', value: 'HighCPU' }, { name: 'host', op: '=~', value: 'web-.*' }], duration: '2h', comment: 'deploy' }, tokens.operator);
    expect(a.status).toBe(201);
    expect(a.body.silence).toMatchObject({ state: 'active', comment: 'deploy', created_by: 'operator', expired_at: null });
    expect(Date.parse(a.body.silence.ends_at) - Date.parse(a.body.silence.starts_at)).toBe(7_200_000);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const b = await call('POST', '/api/silences', { matchers: [{ name: 'service', op: '!=', value: 'api' }, { name: 'severity', op: '=', value: 'info' }], starts_at: later, ends_at: new Date(Date.now() + 7_200_000).toISOString() });
    expect(b.body.silence.state).toBe('pending');

    const list = (await call('GET', '/api/silences', undefined, tokens.reader)).body.silences as { id: string }[];
    expect(list.map((s) => s.id).sort()).toEqual([a.body.silence.id, b.body.silence.id].sort());
    expect((await call('DELETE', `/api/silences/${a.body.silence.id}`, undefined, tokens.operator)).body).toEqual({ expired: true, id: a.body.silence.id });
    expect((await call('GET', '/api/silences')).body.silences.map((s: { id: string }) => s.id)).toEqual([b.body.silence.id]);
    const all = (await call('GET', '/api/silences?expired=true')).body.silences as { id: string; state: string }[];
    expect(all.find((s) => s.id === a.body.silence.id)?.state).toBe('expired');
    expect((await call('DELETE', '/api/silences/nope')).status).toBe(404);
    expect((await call('POST', '/api/silences', { matchers: [{ name: 'host', op: '=', value: 'x' }], duration: '1h' }, tokens.reader)).status).toBe(403);
  });

  const future = (ms: number) => new Date(Date.now() + ms).toISOString();
  const bad: [string, unknown, RegExp][] = [
    ['a bad matcher op', { matchers: [{ name: 'host', op: '==', value: 'x' }], duration: '1h' }, /body\.matchers\.0\.op: must be one of =, !=, =~, !~/],
    ['a bad regex', { matchers: [{ name: 'host', op: '=~', value: 'web-(' }], duration: '1h' }, /matchers\[0\]\.value: invalid regular expression/],
    ['a bad label name', { matchers: [{ name: 'host name', op: '=', value: 'x' }], duration: '1h' }, /matchers\[0\]\.name: must be a label name/],
    ['no matchers', { matchers: [], duration: '1h' }, /body\.matchers: must NOT have fewer than 1 items/],
    ['matchers matching everything', { matchers: [{ name: 'host', op: '=~', value: '.*' }], duration: '1h' }, /would silence almost everything/],
    ['an end before the start', { matchers: [{ name: 'host', op: '=', value: 'x' }], starts_at: future(7_200_000), ends_at: future(3_600_000) }, /ends_at .* must be after starts_at/],
    ['an end in the past', { matchers: [{ name: 'host', op: '=', value: 'x' }], ends_at: '2020-01-01T00:00:00Z' }, /ends_at .* must be after starts_at|is in the past/],
    ['both an end and a duration', { matchers: [{ name: 'host', op: '=', value: 'x' }], ends_at: future(1000), duration: '1h' }, /give either ends_at or duration/],
    ['a bad duration', { matchers: [{ name: 'host', op: '=', value: 'x' }], duration: 'a while' }, /duration: expected a duration like 30m/],
    ['a bad time', { matchers: [{ name: 'host', op: '=', value: 'x' }], ends_at: 'tomorrow' }, /ends_at: not an ISO 8601 time/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what} with a 400`, async () => {
      const r = await call('POST', '/api/silences', body);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
    });
  }
});

describe('alerts from real log ingest', () => {
  it('fires the config rule, shows it active and in the history, and posts it to the webhook', async () => {
    const lines = [1, 2].map((i) => ({ service_name: 'backup', level: 'ERROR', message: `write ${i} failed: disk quota exceeded` }));
    expect((await call('POST', '/api/logs/ingest', lines)).status).toBe(200);
    const active = await waitFor('firing', async () => {
      const { body } = await call('GET', '/api/alerts', undefined, tokens.reader);
      return body.alerts.find((a: { rule: string; state: string }) => a.rule === 'ConfigRule' && a.state === 'firing');
    });
    expect(active).toMatchObject({ severity: 'critical', value: 2, labels: { alertname: 'ConfigRule', severity: 'critical' }, silenced_by: [] });
    await waitFor('webhook', () => received.some((b) => b.status === 'firing' && b.alerts.some((a) => a.rule === 'ConfigRule')));
    const history = await call('GET', '/api/alerts/history?rule=ConfigRule&since=1h');
    expect(history.body.alerts.map((a: { state: string }) => a.state)).toEqual(['firing']);
    expect((await call('GET', '/api/alerts/history?state=firing&since=2020-01-01T00:00:00Z&limit=5')).body.alerts.length).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/api/alerts/history?since=yesterday')).status).toBe(400);
    expect((await call('GET', '/api/alerts/history?state=burning')).status).toBe(400);
    expect((await call('GET', '/api/alerts?state=firing')).body.alerts.length).toBeGreaterThanOrEqual(1);
  });
});
