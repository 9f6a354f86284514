// The hosts API and CLI over a real hub: registration and keys, the report endpoint with every
// kind of bad input, statuses, charts, the sentiment, and permissions.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { openStore } from '../src/store/index.js';
import { waitFor } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let reader: string;
const keys: Record<string, string> = {};

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: t.token, WHEELHOUSE_CONFIG: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const admin = () => ({ authorization: `Bearer ${t.token}`, 'content-type': 'application/json' });
const meta = { hostname: 'box', os: 'Debian GNU/Linux 12', kernel: '6.1.0', cpus: 2, agent_version: 'test', boot_time: Date.now() - 86_400_000 };
const run = Date.now();
let seq = 0;
function report(host: string, over: Record<string, unknown> = {}) {
  const ts = Date.now() + seq;
  return { version: 1, host_id: host, run, seq: seq++, ts, interval_s: 10, samples: { cpu_percent: 12.5, memory_percent: 40, 'disk_used_percent{mount="/"}': 55.5, load1: 0.25 }, meta, ...over };
}
async function send(body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const res = await t.fetch('/api/metrics/report', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
}

beforeAll(async () => {
  t = await startTestHub({}, {}, { agents: { max_reports_per_minute: 30, stale_after: 2 } });
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  reader = `whk_${randomBytes(24).toString('base64url')}`;
  await store.tokens.create({ id: 'reader', name: 'reader', hash: hashToken(reader), scopes: ['read'], created_at: new Date().toISOString(), expires_at: null, last_used_at: null, revoked_at: null });
  await store.close();
  for (const id of ['web-1', 'db-1', 'flood']) {
    const res = await t.fetch('/api/hosts', { method: 'POST', headers: admin(), body: JSON.stringify({ id, interval_s: 10, labels: { env: 'prod' } }) });
    expect(res.status).toBe(201);
    keys[id] = ((await res.json()) as { api_key: string }).api_key;
  }
});
afterAll(async () => t?.close());

describe('registering hosts', () => {
  it('answers the API key once; only its hash is stored', async () => {
    expect(keys['web-1']).toMatch(/^whh_[A-Za-z0-9_-]{43}$/);
    const store = await openStore({ kind: 'sqlite' }, t.dataDir);
    const rec = await store.hosts.get('web-1');
    await store.close();
    expect(rec?.api_key_hash).toBe(hashToken(keys['web-1']!));
    expect(JSON.stringify(rec)).not.toContain(keys['web-1']);
    const list = (await (await t.fetch('/api/hosts', { headers: admin() })).json()) as { hosts: Record<string, unknown>[] };
    expect(JSON.stringify(list)).not.toContain('whh_');
  });

  it('refuses a taken id, a bad id and bad fields', async () => {
    const post = (body: unknown) => t.fetch('/api/hosts', { method: 'POST', headers: admin(), body: JSON.stringify(body) });
    const dup = await post({ id: 'web-1' });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe('hosts/exists');
    expect((await post({ id: '-bad id' })).status).toBe(400);
    expect((await post({ id: 'ok', interval_s: 0 })).status).toBe(400);
    expect((await post({ id: 'ok', colour: 'red' })).status).toBe(400);
  });

  it('needs admin to register and a token to read', async () => {
    const asReader = await t.fetch('/api/hosts', { method: 'POST', headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' }, body: '{"id":"x"}' });
    expect(asReader.status).toBe(403);
    expect((await t.fetch('/api/hosts', { headers: { authorization: `Bearer ${reader}` } })).status).toBe(200);
    expect((await t.fetch('/api/hosts')).status).toBe(401);
    expect((await t.fetch('/api/hosts/sentiment/overall')).status).toBe(401);
    expect((await t.fetch('/api/hosts/web-1', { method: 'DELETE', headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
  });
});

describe('reports', () => {
  it('stores a report sent with the key (either header), and the host turns online with its latest metrics', async () => {
    const before = (await (await t.fetch('/api/hosts/web-1', { headers: admin() })).json()) as { status: string };
    expect(before.status).toBe('offline');
    expect((await send(report('web-1'), { authorization: `Bearer ${keys['web-1']}` })).body).toEqual({ accepted: 1, skipped: 0, rejected: [] });
    expect((await send({ version: 1, reports: [report('web-1'), report('web-1')] }, { 'x-api-key': keys['web-1']! })).body).toEqual({ accepted: 2, skipped: 0, rejected: [] });
    const host = (await (await t.fetch('/api/hosts/web-1?range=5m&step=10s', { headers: admin() })).json()) as Record<string, any>;
    expect(host).toMatchObject({ id: 'web-1', status: 'online', last_address: '127.0.0.1', labels: { env: 'prod' }, meta: { hostname: 'box', cpus: 2 } });
    expect(host.metrics).toMatchObject({ cpu_percent: 12.5, memory_percent: 40, disk_percent: 55.5, load1: 0.25 });
    expect(host.latest['disk_used_percent{mount="/"}']).toBe(55.5);
    expect(host.range.step_ms).toBe(10_000);
    expect(host.charts.cpu[0].points.some(([, v]: [number, number | null]) => v === 12.5)).toBe(true);
    expect(host.charts.disk[0].labels.mount).toBe('/');
  });

  it.each([
    ['no credentials', 'web-1', {}, 401, 'auth/missing_token'],
    ['a wrong key', 'web-1', { 'x-api-key': 'whh_wrongwrongwrongwrong' }, 401, 'hosts/wrong_key'],
    ['another host\'s key', 'web-1', { 'x-api-key': 'KEY:db-1' }, 401, 'hosts/wrong_key'],
    ['an unknown host', 'nobody', { 'x-api-key': 'KEY:web-1' }, 401, 'hosts/unknown_host'],
    ['an admin token instead of a host key', 'web-1', { authorization: 'Bearer TOKEN' }, 401, 'hosts/wrong_key'],
  ])('refuses %s', async (_what, host, headers, status, code) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.startsWith('KEY:') ? keys[v.slice(4)]! : v === 'Bearer TOKEN' ? `Bearer ${t.token}` : v]));
    const r = await send(report(host), h);
    expect(r.status).toBe(status);
    expect((r.body.error as { code: string }).code).toBe(code);
  });

  it('refuses reports of two hosts in one request', async () => {
    const r = await send({ reports: [report('web-1'), report('db-1')] }, { 'x-api-key': keys['web-1']! });
    expect(r.status).toBe(400);
    expect(String((r.body.error as { message: string }).message)).toMatch(/one host/);
  });

  it('checks each report: wrong types, missing fields, non-finite numbers and far-future samples are rejected by index', async () => {
    const batch = {
      reports: [
        report('web-1'),
        { ...report('web-1'), seq: 'x' },
        { ...report('web-1'), meta: 'none' },
        { ...report('web-1'), samples: { cpu_percent: 'high' } },
        { ...report('web-1'), ts: Date.now() + 2 * 3_600_000 },
        { ...report('web-1'), samples: { 'bad key': 1 } },
        report('web-1'),
      ],
    };
    // 1e999 is what JSON makes of an infinite number.
    const text = JSON.stringify(batch).replace('"cpu_percent":12.5', '"cpu_percent":1e999');
    const res = await t.fetch('/api/metrics/report', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys['web-1']! }, body: text });
    const body = (await res.json()) as { accepted: number; rejected: { index: number; error: string }[] };
    expect(res.status).toBe(200);
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(body.rejected[0]!.error).toMatch(/cpu_percent/);
    expect(body.rejected[1]!.error).toMatch(/seq: must be integer/);
    expect(body.rejected[2]!.error).toMatch(/meta/);
    expect(body.rejected[3]!.error).toMatch(/samples.cpu_percent: must be number/);
    expect(body.rejected[4]!.error).toMatch(/more than 1 h ahead/);
    expect(body.rejected[5]!.error).toMatch(/bad key/);
  });

  it('answers 400 when the only report is invalid, or the body is not a report', async () => {
    const r = await send({ ...report('web-1'), interval_s: 'ten' }, { 'x-api-key': keys['web-1']! });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'hosts/invalid_report', message: expect.stringMatching(/^invalid report: interval_s/) });
    const bad = await t.fetch('/api/metrics/report', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys['web-1']! }, body: '{"reports": ' });
    expect(bad.status).toBe(400);
    expect((await send([1, 2], { 'x-api-key': keys['web-1']! })).status).toBe(400);
  });

  it('skips replays of reports already stored and counts them, without storing them twice', async () => {
    const first = report('db-1');
    const second = report('db-1');
    expect((await send({ reports: [first, second] }, { 'x-api-key': keys['db-1']! })).body).toEqual({ accepted: 2, skipped: 0, rejected: [] });
    // The same two again, an older one of a previous agent run, and a new one.
    const old = { ...report('db-1'), run: run - 1000, seq: 99, ts: first.ts - 5000 };
    const r = await send({ reports: [first, second, old, report('db-1')] }, { 'x-api-key': keys['db-1']! });
    expect(r.body).toEqual({ accepted: 1, skipped: 3, rejected: [] });
    const store = await openStore({ kind: 'sqlite' }, t.dataDir);
    const points = await store.metrics.points('host:db-1', first.ts - 60_000, Date.now() + 60_000);
    await store.close();
    expect(points.map((p) => p.ts)).toEqual([...new Set(points.map((p) => p.ts))]);
    expect(points.length).toBe(3);
  });

  it('rate-limits a flooding host with 429 and Retry-After, and only that host', async () => {
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await send(report('flood'), { 'x-api-key': keys.flood! }));
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(29);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.error).toMatchObject({ code: 'hosts/rate_limited' });
    expect((await send(report('db-1'), { 'x-api-key': keys['db-1']! })).status).toBe(200);
  });
});

describe('status, sentiment, keys', () => {
  it('publishes host.status when a host comes online, recorded in the event log', async () => {
    await waitFor('host.status event', async () => {
      const { events } = (await (await t.fetch('/api/events?topic=host.status', { headers: admin() })).json()) as { events: { payload: { host: string; to: string } }[] };
      return events.some((e) => e.payload.host === 'web-1' && e.payload.to === 'online');
    });
  });

  it('answers the overall sentiment with per-host state (seed 003 shape)', async () => {
    const res = await t.fetch('/api/hosts/sentiment/overall', { headers: { authorization: `Bearer ${reader}` } });
    const body = (await res.json()) as { status: string; services: unknown[]; hosts: { name: string; status: string; state: string }[] };
    expect(res.status).toBe(200);
    expect(body.services).toEqual([]);
    expect(body.hosts.find((h) => h.name === 'web-1')).toMatchObject({ status: 'healthy', state: 'online' });
    expect(body.status).toBe('healthy'); // every registered host has reported
  });

  it('rotates a key: the old one stops working at once', async () => {
    const res = await t.fetch('/api/hosts/db-1/rotate-key', { method: 'POST', headers: admin(), body: '{}' });
    const { api_key } = (await res.json()) as { api_key: string };
    expect(api_key).not.toBe(keys['db-1']);
    expect((await send(report('db-1'), { 'x-api-key': keys['db-1']! })).status).toBe(401);
    expect((await send(report('db-1'), { 'x-api-key': api_key })).status).toBe(200);
    keys['db-1'] = api_key;
  });

  it('answers 404 for an unknown host and 400 for a bad range', async () => {
    expect((await t.fetch('/api/hosts/nobody', { headers: admin() })).status).toBe(404);
    expect((await t.fetch('/api/hosts/web-1?range=forever', { headers: admin() })).status).toBe(400);
    expect((await t.fetch('/api/hosts/web-1?range=7d&step=1s', { headers: admin() })).status).toBe(400);
  });
});

describe('CLI', () => {
  it('adds a host and prints its key once, as JSON on request', async () => {
    const r = await cli(['hosts', 'add', 'cli-1', '--interval', '5', '--label', 'role=db', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { host_id: string; api_key: string };
    expect(Object.keys(body)).toEqual(['host_id', 'api_key']);
    expect(body.host_id).toBe('cli-1');
    expect((await send(report('cli-1'), { 'x-api-key': body.api_key })).status).toBe(200);
    const plain = await cli(['hosts', 'add', 'cli-2']);
    expect(plain.stdout).toMatch(/API key \(shown once, keep it secret\): whh_/);
  });

  it('lists hosts with status and latest figures, and shows one', async () => {
    const list = await cli(['hosts']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^HOST +STATUS +LAST SEEN +CPU +MEM +DISK +LOAD +ADDRESS/);
    expect(list.stdout).toMatch(/web-1 +online +\d+s ago +12\.5% +40\.0% +55\.5% +0\.25 +127\.0\.0\.1/);
    expect(list.stdout).toMatch(/cli-2 +offline +never/);
    const show = await cli(['hosts', 'show', 'web-1']);
    expect(show.stdout).toMatch(/Status: +online/);
    expect(show.stdout).toMatch(/System: +box, Debian GNU\/Linux 12, kernel 6\.1\.0, 2 CPUs/);
    expect(show.stdout).toMatch(/Disk: +\/ +55\.5%/);
    const missing = await cli(['hosts', 'show', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no host "nobody"/);
  });

  it('rotates and removes; a removed host\'s reports are refused', async () => {
    const rot = JSON.parse((await cli(['hosts', 'rotate-key', 'cli-1', '--json'])).stdout) as { api_key: string };
    expect(rot.api_key).toMatch(/^whh_/);
    const rm = await cli(['hosts', 'remove', 'cli-1']);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toMatch(/host cli-1 removed/);
    const r = await send(report('cli-1'), { 'x-api-key': rot.api_key });
    expect(r.status).toBe(401);
    expect((r.body.error as { code: string }).code).toBe('hosts/unknown_host');
  });
});
