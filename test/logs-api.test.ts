// The log API over a real hub: ingest, query filters, export, counts, live tail, bad input.
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({}, {});
});
afterAll(async () => t?.close());

const headers = () => ({ authorization: `Bearer ${t.token}`, 'content-type': 'application/json' });
async function ingest(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.fetch('/api/logs/ingest', { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await t.fetch(path, { headers: { authorization: `Bearer ${t.token}` } });
  return { status: res.status, body: await res.json() };
}
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

describe('ingest', () => {
  it('stores one entry and answers with its id, after the commit', async () => {
    const r = await ingest({ timestamp: iso(1000), service_name: 'codex', level: 'INFO', message: 'Company synced from PSA', context: { account_number: '620547' }, trace_id: 'req-abc123', user_id: 'admin@example.com', hostname: 'h1', process_id: 4242 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, log_id: expect.any(Number) });
    const { body } = await get('/api/logs?service=codex');
    expect(body.logs[0]).toEqual({
      id: r.body.log_id, timestamp: expect.any(String), service_name: 'codex', level: 'INFO', message: 'Company synced from PSA',
      context: { account_number: '620547' }, trace_id: 'req-abc123', user_id: 'admin@example.com', hostname: 'h1', process_id: 4242, source: 'http',
    });
  });

  it('keeps the valid entries of a batch and names the invalid ones', async () => {
    const r = await ingest([
      { service_name: 'batch', level: 'ERROR', message: 'ok 1' },
      { service_name: 'batch', level: 'LOUD', message: 'bad level' },
      { service_name: 'batch', message: 42 },
      { level: 'INFO', message: 'no service' },
      { service_name: 'batch', message: 'too old', timestamp: iso(30 * 86_400_000) },
      { service_name: 'batch', message: 'future', timestamp: new Date(Date.now() + 3 * 86_400_000).toISOString() },
      { service_name: 'batch', message: 'nested', context: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) },
      { service_name: 'batch', message: 'x'.repeat(70_000) },
      'not an object',
      { service_name: 'batch', level: 'warning', message: 'ok 2', timestamp: Date.now() - 5000 },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(r.body.ingested).toBe(2);
    expect(r.body.rejected).toEqual([
      { index: 1, error: 'unknown level "LOUD": use DEBUG, INFO, WARNING, ERROR or CRITICAL' },
      { index: 2, error: 'message must be a string' },
      { index: 3, error: 'service_name is required' },
      { index: 4, error: expect.stringMatching(/older than the retention period \(7d\)/) },
      { index: 5, error: expect.stringMatching(/more than 24h in the future/) },
      { index: 6, error: 'context nests deeper than 10 levels' },
      { index: 7, error: 'message is 70000 bytes; the limit is 65536' },
      { index: 8, error: 'an entry must be a JSON object' },
    ]);
    const { body } = await get('/api/logs?service=batch');
    expect(body.logs.map((l: { message: string; level: string }) => [l.message, l.level])).toEqual([['ok 2', 'WARNING'], ['ok 1', 'ERROR']]);
  });

  it.each([
    ['malformed JSON', '{"service_name": "x", "message": ', 'application/json', 400, 'request/malformed_json'],
    ['a bare string', '"hello"', 'application/json', 400, 'logs/invalid_entry'],
    ['one invalid entry', '{"service_name":"x","message":"m","level":"nope"}', 'application/json', 400, 'logs/invalid_entry'],
    ['a non-JSON type', 'service_name=x', 'application/x-www-form-urlencoded', 415, 'request/unsupported_media_type'],
  ])('refuses %s', async (_label, body, type, status, code) => {
    const res = await t.fetch('/api/logs/ingest', { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': type }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('answers 413 past the body limit, naming it', async () => {
    const big = JSON.stringify([{ service_name: 'big', message: 'x'.repeat(17 * 1024 * 1024) }]);
    const res = await t.fetch('/api/logs/ingest', { method: 'POST', headers: headers(), body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than the limit/);
  });

  it('stores invalid UTF-8 bytes as replacement characters, never crashing', async () => {
    const body = Buffer.concat([Buffer.from('{"service_name":"utf","message":"bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' end"}')]);
    const res = await t.fetch('/api/logs/ingest', { method: 'POST', headers: headers(), body });
    expect(res.status).toBe(200);
    const { body: got } = await get('/api/logs?service=utf');
    expect(got.logs[0].message).toMatch(/^bad \uFFFD+ end$/);
    const lone = await ingest({ service_name: 'utf', message: 'lone \ud800 surrogate' });
    expect(lone.status).toBe(200);
    expect((await get('/api/logs?service=utf')).body.logs[0].message).toBe('lone \uFFFD surrogate');
  });

  it('requires a token with the ingest (or admin) scope', async () => {
    const res = await t.fetch('/api/logs/ingest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('query', () => {
  beforeAll(async () => {
    const entries = [];
    for (let i = 0; i < 60; i++) {
      entries.push({
        timestamp: iso(i < 30 ? 60_000 + i * 1000 : 3 * 3_600_000 + i * 1000),
        service_name: i % 2 ? 'orders' : 'payments',
        level: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'][i % 5],
        message: i % 10 === 0 ? `payment gateway timeout after ${i}ms` : `order ${i} shipped`,
        context: { order: i, region: i % 3 ? 'eu' : 'us' },
        trace_id: `tr-${i % 6}`,
        user_id: `u${i % 4}`,
      });
    }
    expect((await ingest(entries)).body.ingested).toBe(60);
  });

  it('filters by service, level, at-least level, time, trace, user, text, with paging', async () => {
    const count = async (qs: string) => (await get(`/api/logs?limit=500&${qs}`)).body.total as number;
    expect(await count('service=orders')).toBe(30);
    expect(await count('service=orders&level=ERROR')).toBe(6);
    expect(await count('service=orders&min_level=warning')).toBe(18);
    expect(await count(`service=orders&start_time=${encodeURIComponent(iso(3_600_000))}`)).toBe(15);
    expect(await count(`service=orders&end_time=${encodeURIComponent(iso(3_600_000))}`)).toBe(15);
    expect(await count('trace_id=tr-2')).toBe(10);
    expect(await count('user_id=u3')).toBe(15);
    await waitFor('full-text index', async () => (await count('q=gateway')) === 6);
    expect(await count('q=gateway&service=payments')).toBe(6);
    expect(await count('q=eu&service=orders')).toBe(20);
    expect(await count('q=%22order%2011%20shipped%22')).toBe(1);
    const page = (await get('/api/logs?service=orders&limit=5&offset=5')).body;
    expect(page).toMatchObject({ total: 30, total_capped: false, limit: 5, offset: 5 });
    expect(page.logs).toHaveLength(5);
    const ids = page.logs.map((l: { id: number }) => l.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    // The last, short page and a page past the end still tell the whole total.
    for (const [offset, rows] of [[28, 2], [30, 0], [45, 0], [0, 5]] as const) {
      const p = (await get(`/api/logs?service=orders&limit=5&offset=${offset}`)).body;
      expect(p.logs, `offset ${offset}`).toHaveLength(rows);
      expect(p, `offset ${offset}`).toMatchObject({ total: 30, total_capped: false });
    }
    expect((await get('/api/logs?service=orders&limit=50')).body).toMatchObject({ total: 30, total_capped: false });
  });

  it('uses limit 100 by default and refuses more than 500', async () => {
    expect((await get('/api/logs')).body.limit).toBe(100);
    const r = await get('/api/logs?limit=501');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/limit/);
  });

  it.each([
    ['level=LOUD', /level: unknown level "LOUD"/],
    ['start_time=yesterday', /start_time/],
    [`start_time=${encodeURIComponent(iso(0))}&end_time=${encodeURIComponent(iso(3_600_000))}`, /start_time is after end_time/],
    ['offset=-1', /offset/],
    ['colour=blue', /colour/],
  ])('refuses %s', async (qs, message) => {
    const r = await get(`/api/logs?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
  });

  it('counts entries per service and level for a window', async () => {
    const { body } = await get('/api/logs/counts?window=1h');
    expect(body.services.orders).toEqual({ DEBUG: 0, INFO: 3, WARNING: 0, ERROR: 3, CRITICAL: 0, total: 6, ...{} } && expect.objectContaining({ total: 15 }));
    const day = (await get('/api/logs/counts?window=24h&service=orders')).body;
    expect(Object.keys(day.services)).toEqual(['orders']);
    expect(day.services.orders.total).toBe(30);
    expect((await get('/api/logs/counts?window=forever')).status).toBe(400);
  });

  it('exports every match as CSV and as JSON, streamed', async () => {
    const csvRes = await t.fetch('/api/logs/export?format=csv&service=orders', { headers: { authorization: `Bearer ${t.token}` } });
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toMatch(/attachment; filename="logs-.*\.csv"/);
    const lines = (await csvRes.text()).trim().split('\n');
    expect(lines[0]).toBe('id,timestamp,service_name,level,message,context,trace_id,user_id,hostname,process_id,source');
    expect(lines).toHaveLength(31);
    expect(lines[1]).toMatch(/,orders,[A-Z]+,order \d+ shipped,"\{""order"":\d+,""region"":""(eu|us)""\}",tr-\d,u\d,,,http$/);
    const jsonRes = await t.fetch('/api/logs/export?service=payments&min_level=ERROR', { headers: { authorization: `Bearer ${t.token}` } });
    const all = (await jsonRes.json()) as { level: string }[];
    expect(all).toHaveLength(12);
    expect(all.every((e) => e.level === 'ERROR' || e.level === 'CRITICAL')).toBe(true);
  });
});

describe('live tail', () => {
  it('streams new entries matching the filters over a WebSocket', async () => {
    const url = `${t.url.replace('http', 'ws')}/api/logs/stream?service=live&min_level=WARNING`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t.token}` } });
    const got: { message: string }[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; entries?: { message: string }[] };
      if (m.type === 'entries') got.push(...m.entries!);
    });
    await new Promise((r, j) => (ws.once('message', r), ws.once('error', j)));
    await ingest([
      { service_name: 'live', level: 'INFO', message: 'quiet' },
      { service_name: 'live', level: 'ERROR', message: 'loud' },
      { service_name: 'other', level: 'ERROR', message: 'elsewhere' },
    ]);
    await waitFor('the streamed entry', () => got.length > 0);
    expect(got.map((e) => e.message)).toEqual(['loud']);
    ws.close();
  });

  it('applies time filters to the live tail too', async () => {
    const url = `${t.url.replace('http', 'ws')}/api/logs/stream?service=timed&start_time=${encodeURIComponent(iso(-3_600_000))}`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t.token}` } });
    const got: { message: string }[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; entries?: { message: string }[] };
      if (m.type === 'entries') got.push(...m.entries!);
    });
    await new Promise((r, j) => (ws.once('message', r), ws.once('error', j)));
    await ingest([
      { service_name: 'timed', message: 'now' },
      { service_name: 'timed', message: 'in two hours', timestamp: new Date(Date.now() + 7_200_000).toISOString() },
    ]);
    await waitFor('the future entry', () => got.length > 0);
    expect(got.map((e) => e.message)).toEqual(['in two hours']);
    ws.close();
  });

  it('refuses a WebSocket without a token, and accepts access_token', async () => {
    const refused = new WebSocket(`${t.url.replace('http', 'ws')}/api/logs/stream`);
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    const ok = new WebSocket(`${t.url.replace('http', 'ws')}/api/logs/stream?access_token=${t.token}`);
    const first = await new Promise<string>((resolve, reject) => (ok.once('message', (d) => resolve(String(d))), ok.once('error', reject)));
    expect(JSON.parse(first)).toEqual({ type: 'ready' });
    ok.close();
  });
});

describe('gzip bodies', () => {
  it('accepts a gzip-encoded ingest body', async () => {
    const res = await t.fetch('/api/logs/ingest', {
      method: 'POST',
      headers: { ...headers(), 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify([{ service_name: 'gz', message: 'compressed' }])),
    });
    expect(res.status).toBe(200);
  });

  it('refuses corrupt gzip and unknown encodings with a clear 4xx', async () => {
    const corrupt = await t.fetch('/api/logs/ingest', { method: 'POST', headers: { ...headers(), 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') });
    expect(corrupt.status).toBe(400);
    const brotli = await t.fetch('/api/logs/ingest', { method: 'POST', headers: { ...headers(), 'content-encoding': 'br' }, body: '[]' });
    expect(brotli.status).toBe(415);
    expect(((await brotli.json()) as { error: { message: string } }).error.message).toMatch(/unsupported Content-Encoding "br"/);
  });
});
