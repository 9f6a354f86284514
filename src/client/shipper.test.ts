// LogShipper against a real hub (stopped and started again on the same port) and against
// local HTTP servers that answer 429, 400 and 413.
import { hostname } from 'node:os';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/index.js';
import { startHub, type RunningHub } from '../hub/index.js';
import { tempDir, waitFor, writeConfig } from '../testing/helpers.js';
import { startTestHub } from '../testing/hub-inprocess.js';
import { fromPino } from './entry.js';
import { LogShipper } from './shipper.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A shipper that is closed after the test; warnings are collected instead of printed. */
function shipper(options: ConstructorParameters<typeof LogShipper>[0]) {
  const warnings: string[] = [];
  const s = new LogShipper({ env: {}, warn: (m) => warnings.push(m), ...options });
  cleanups.push(() => s.close(1000));
  return { s, warnings };
}

interface StoredEntry {
  id: number;
  timestamp: string;
  level: string;
  message: string;
  context: Record<string, unknown> | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
}

/** A service's entries in the hub, oldest first. */
async function stored(url: string, token: string, service: string): Promise<StoredEntry[]> {
  const res = await fetch(`${url}/api/logs?service=${service}&limit=500`, { headers: { authorization: `Bearer ${token}` } });
  const { logs } = (await res.json()) as { logs: StoredEntry[] };
  return logs.sort((a, b) => a.id - b.id);
}

/** A hub that was started, remembered and stopped: it can be started again on the same port with the same token. */
async function stoppedHub() {
  const t = await startTestHub({});
  await t.close();
  const port = Number(new URL(t.url).port);
  let running: RunningHub | undefined;
  cleanups.push(async () => running?.stop({ stopServices: true }));
  return {
    url: t.url,
    token: t.token,
    async start() {
      // startTestHub would pick a new data directory, and with it a new token.
      const file = writeConfig(tempDir(), { hub: { port, data_dir: t.dataDir }, services: {} });
      running = await startHub({ config: loadConfig({ file, env: {} }), logger: pino({ level: 'silent' }), serviceEnv: {}, version: 'test' });
    },
  };
}

/** A local HTTP server answering each ingest request with `answer(n, batch)`; records what it got. */
async function fakeHub(answer: (n: number, batch: { message: string }[], res: ServerResponse) => void) {
  const requests: { at: number; batch: { message: string }[] }[] = [];
  let connections = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const batch = JSON.parse(body) as { message: string }[];
      requests.push({ at: Date.now(), batch });
      answer(requests.length, batch, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, connections: () => connections, json };
}

const accepted = (batch: unknown[]) => ({ success: true, ingested: batch.length, rejected: [] });

describe('delivery to a real hub', () => {
  it('stores entries with their fields, from pino records and from direct calls', async () => {
    const t = await startTestHub({});
    cleanups.push(() => t.close());
    const { s } = shipper({ url: t.url, token: t.token, service: 'shop', flushIntervalMs: 50 });
    s.push(fromPino({ level: 40, time: Date.now(), pid: 321, hostname: 'web-1', msg: 'low stock', traceId: 'tr-1', user_id: 'u-9', sku: 'A-1', err: { type: 'Error', message: 'm', stack: 'Error: m\n    at x' } }));
    s.push({ message: 'big'.repeat(1000), level: 'error', context: { err: new Error('direct') } });
    expect(await s.flush(10_000)).toBe(true);

    const [first, second] = await stored(t.url, t.token, 'shop');
    expect(first).toMatchObject({ level: 'WARNING', message: 'low stock', trace_id: 'tr-1', user_id: 'u-9', hostname: 'web-1', process_id: 321 });
    expect(first!.context).toEqual({ sku: 'A-1', err: { type: 'Error', message: 'm', stack: 'Error: m\n    at x' } });
    // Over 1 KiB, so this one went gzipped.
    // Direct entries get this process's hostname and pid.
    expect(second).toMatchObject({ level: 'ERROR', message: 'big'.repeat(1000), hostname: hostname(), process_id: process.pid });
    expect((second!.context!.err as { stack: string }).stack).toContain('shipper.test.ts');
    expect(s.stats()).toEqual({ sent: 2, dropped: 0, refused: 0, rejected: 0, retries: 0, buffered: 0 });
  });

  it('holds entries while the hub is down and delivers all of them in order once it is up on the same port', async () => {
    const hub = await stoppedHub();
    const { s, warnings } = shipper({ url: hub.url, token: hub.token, service: 'patient', batchSize: 7, flushIntervalMs: 20, minRetryDelayMs: 20, maxRetryDelayMs: 100 });
    for (let i = 0; i < 40; i++) s.push({ message: `entry ${i}` });
    await waitFor('a few failed attempts', () => s.stats().retries >= 3);
    // The first attempt may reuse a keep-alive socket the closed hub cut (UND_ERR_SOCKET).
    expect(warnings.join('\n')).toMatch(/cannot deliver logs to .*(ECONNREFUSED|UND_ERR_SOCKET).*retrying/);

    await hub.start();
    for (let i = 40; i < 45; i++) s.push({ message: `entry ${i}` });
    await waitFor('all entries delivered', () => s.stats().sent === 45);
    const messages = (await stored(hub.url, hub.token, 'patient')).map((e) => e.message);
    expect(messages).toEqual(Array.from({ length: 45 }, (_, i) => `entry ${i}`));
    expect(s.stats()).toMatchObject({ dropped: 0, buffered: 0 });
  });

  it('drops the oldest entries beyond maxBuffered and reports the count in a warning entry', async () => {
    const hub = await stoppedHub();
    // A long backoff: after the first failure every entry waits in the buffer, none in flight.
    const { s, warnings } = shipper({ url: hub.url, token: hub.token, service: 'lossy', maxBuffered: 20, batchSize: 5, flushIntervalMs: 10, minRetryDelayMs: 600_000, maxRetryDelayMs: 600_000 });
    s.push({ message: 'entry 0' });
    await waitFor('the first attempt to fail', () => warnings.some((w) => w.startsWith('cannot deliver logs')));
    for (let i = 1; i < 50; i++) s.push({ message: `entry ${i}` });
    expect(s.stats()).toMatchObject({ dropped: 30, buffered: 20 });

    await hub.start();
    // close() cuts the backoff short and delivers what the buffer holds.
    expect(await s.close(10_000)).toMatchObject({ sent: 20, dropped: 30, buffered: 0 });
    const entries = await stored(hub.url, hub.token, 'lossy');
    expect(entries[0]).toMatchObject({ level: 'WARNING', message: 'wheelhouse/pino dropped 30 log entries while the hub was unreachable' });
    expect(entries[0]!.context).toMatchObject({ dropped: 30, max_buffered: 20 });
    expect(entries.slice(1).map((e) => e.message)).toEqual(Array.from({ length: 20 }, (_, i) => `entry ${i + 30}`));
  });
});

describe('answers that are not a success', () => {
  it('retries a 429 after its Retry-After, on the same connection', async () => {
    const hub = await fakeHub((n, batch, res) => (n === 1 ? hub.json(res, 429, { error: { code: 'logs/queue_full', message: 'full' } }, { 'retry-after': '1' }) : hub.json(res, 200, accepted(batch))));
    const { s } = shipper({ url: hub.url, token: 'whk_x', service: 'busy', minRetryDelayMs: 10, maxRetryDelayMs: 20 });
    for (let i = 0; i < 3; i++) s.push({ message: `entry ${i}` });
    expect(await s.flush(10_000)).toBe(true);

    expect(hub.requests.map((r) => r.batch.map((e) => e.message))).toEqual([
      ['entry 0', 'entry 1', 'entry 2'],
      ['entry 0', 'entry 1', 'entry 2'],
    ]);
    // The backoff alone would have waited at most 20 ms; Retry-After asked for a second.
    expect(hub.requests[1]!.at - hub.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(hub.connections()).toBe(1);
    expect(s.stats()).toMatchObject({ sent: 3, retries: 1, refused: 0 });
  });

  it('drops a batch refused with 400 without retrying, counts it and says why once', async () => {
    const hub = await fakeHub((_n, _batch, res) => hub.json(res, 400, { error: { code: 'request/invalid', message: 'no good' } }));
    const { s, warnings } = shipper({ url: hub.url, token: 'whk_x', service: 'refused' });
    for (let i = 0; i < 3; i++) s.push({ message: `entry ${i}` });
    expect(await s.flush(10_000)).toBe(true);
    for (let i = 3; i < 5; i++) s.push({ message: `entry ${i}` });
    expect(await s.flush(10_000)).toBe(true);

    expect(hub.requests).toHaveLength(2);
    expect(s.stats()).toMatchObject({ sent: 0, refused: 5, retries: 0, buffered: 0 });
    expect(warnings.filter((w) => w.includes('refused'))).toEqual(['the hub refused 3 log entries: 400 request/invalid: no good; such batches are dropped, not retried']);
  });

  it('halves a batch the hub finds too large, keeping the order', async () => {
    const hub = await fakeHub((_n, batch, res) => (batch.length > 2 ? hub.json(res, 413, { error: { code: 'request/too_large', message: 'too large' } }) : hub.json(res, 200, accepted(batch))));
    const { s } = shipper({ url: hub.url, token: 'whk_x', service: 'large', batchSize: 5 });
    for (let i = 0; i < 5; i++) s.push({ message: `entry ${i}` });
    expect(await s.flush(10_000)).toBe(true);
    expect(hub.requests.map((r) => r.batch.length)).toEqual([5, 2, 2, 1]);
    expect(hub.requests.slice(1).flatMap((r) => r.batch.map((e) => e.message))).toEqual(['entry 0', 'entry 1', 'entry 2', 'entry 3', 'entry 4']);
    expect(s.stats()).toMatchObject({ sent: 5, refused: 0, retries: 0 });
  });

  it('gives up at close after its timeout when the hub never answers, counting what is left', async () => {
    const hub = await fakeHub(() => {
      /* never answers */
    });
    const { s } = shipper({ url: hub.url, token: 'whk_x', service: 'stuck', timeoutMs: 60_000 });
    for (let i = 0; i < 4; i++) s.push({ message: `entry ${i}` });
    expect(await s.close(300)).toMatchObject({ sent: 0, dropped: 4, buffered: 0 });
    expect(hub.requests).toHaveLength(1);
    s.push({ message: 'too late' });
    expect(s.stats().dropped).toBe(5);
  });
});
