// `wheelhouse logs` (the real binary) against a real hub: layout, filters, paging, NDJSON, usage errors, --follow.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/core/config/index.js';
import { startHub, type RunningHub } from '../src/hub/index.js';
import { freePort, tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;
const HOUR = 3_600_000;

let t: TestHub;
let env: Record<string, string>;
const children = new Set<ChildProcess>();

/** A running `wheelhouse` process with its output so far. */
interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function start(args: string[], extra: Record<string, string | undefined> = {}): Running {
  const child = spawn(node, [cliPath, ...args], {
    env: { ...process.env, WHEELHOUSE_URL: undefined, WHEELHOUSE_TOKEN: undefined, WHEELHOUSE_CONFIG: undefined, WHEELHOUSE_DATA_DIR: undefined, NO_COLOR: undefined, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (err += b));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the CLI to the end. */
async function cli(args: string[], extra: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args, extra);
  const code = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** The messages printed by `logs --json …`, oldest first. */
async function messages(args: string[]): Promise<string[]> {
  const r = await cli(['logs', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
}

async function ingest(body: unknown, url = t.url, token = t.token): Promise<void> {
  const res = await fetch(`${url}/api/logs/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  const reply = (await res.json()) as { rejected?: unknown[] };
  expect(reply.rejected ?? []).toEqual([]);
}

const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
/** How the CLI prints an ISO time with --utc. */
const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');
const count = (text: string, word: string) => text.split(word).length - 1;

const seen = {
  synced: at(60_000),
  failed: at(50_000),
  warm: at(40_000),
  export: at(3 * HOUR),
};

beforeAll(async () => {
  t = await startTestHub({});
  env = { WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: t.token };
  await ingest([
    { timestamp: seen.synced, service_name: 'codex', level: 'INFO', message: 'Company synced from PSA', context: { account_number: '620547' } },
    { timestamp: seen.failed, service_name: 'codex', level: 'ERROR', message: 'API call failed', context: { url: '/api/data', error: 'Connection timeout' }, trace_id: 'req-abc123', user_id: 'admin@example.com' },
    { timestamp: seen.warm, service_name: 'codex', level: 'DEBUG', message: 'cache warm' },
    { timestamp: at(30_000), service_name: 'billing', level: 'WARNING', message: 'invoice retry scheduled', user_id: 'ops@example.com' },
    { timestamp: at(20_000), service_name: 'billing', level: 'CRITICAL', message: 'ledger mismatch', trace_id: 'req-zzz' },
    { timestamp: at(10_000), service_name: 'billing', level: 'ERROR', message: 'Unhandled exception\nError: boom\n    at charge (billing.js:10:5)\n' },
    { timestamp: seen.export, service_name: 'archive', level: 'INFO', message: 'nightly export finished' },
  ]);
});
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});
afterAll(async () => t?.close());

describe('wheelhouse logs', () => {
  it('prints entries oldest first as the seed does, without colors when not on a TTY', async () => {
    const r = await cli(['logs', 'codex', '--utc']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `${utc(seen.synced)} [INFO] codex: Company synced from PSA`,
        '  Context: {"account_number": "620547"}',
        '',
        `${utc(seen.failed)} [ERROR] codex: API call failed`,
        '  Context: {"url": "/api/data", "error": "Connection timeout"}',
        '  Trace ID: req-abc123',
        '  User: admin@example.com',
        '',
        `${utc(seen.warm)} [DEBUG] codex: cache warm`,
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('indents the further lines of a multi-line message', async () => {
    const r = await cli(['logs', 'billing', '--only-level', 'ERROR']);
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[ERROR\] billing: Unhandled exception\n {4}Error: boom\n {8}at charge \(billing\.js:10:5\)\n\n$/);
  });

  it('prints local time unless --utc', async () => {
    const r = await cli(['logs', 'archive'], { TZ: 'Asia/Kolkata' });
    const local = new Date(Date.parse(seen.export) + 5.5 * HOUR).toISOString();
    expect(r.stdout).toBe(`${utc(local)} [INFO] archive: nightly export finished\n`);
  });

  it.each([
    [['--level', 'WARNING'], ['API call failed', 'invoice retry scheduled', 'ledger mismatch', 'Unhandled exception\nError: boom\n    at charge (billing.js:10:5)\n']],
    [['--level', 'error', 'codex'], ['API call failed']],
    [['--only-level', 'crit'], ['ledger mismatch']],
    [['--trace', 'req-abc123'], ['API call failed']],
    [['--user', 'ops@example.com'], ['invoice retry scheduled']],
    [['codex'], ['Company synced from PSA', 'API call failed', 'cache warm']],
    [['--since', '1h', 'archive'], []],
    [['--since', '4h', 'archive'], ['nightly export finished']],
    [['--until', '2h'], ['nightly export finished']],
    [['--since', at(4 * HOUR), '--until', at(2 * HOUR)], ['nightly export finished']],
    [['--tail', '2', 'codex'], ['API call failed', 'cache warm']],
  ])('filters %j', async (args, expected) => {
    expect(await messages(args)).toEqual(expected);
  });

  it('searches messages and contexts with --grep', async () => {
    // The full-text index is filled in the background: poll until it has caught up.
    await waitFor('grep results', async () => (await messages(['--grep', 'timeout'])).length > 0);
    expect(await messages(['--grep', 'timeout'])).toEqual(['API call failed']);
    expect(await messages(['--grep', 'ledger', 'billing'])).toEqual(['ledger mismatch']);
  });

  it('pages back with before_id beyond 500 entries for a long --tail', async () => {
    await ingest(Array.from({ length: 1234 }, (_, i) => ({ service_name: 'bulk', level: 'INFO', message: `bulk ${i}` })));
    const got = await messages(['bulk', '--tail', '1200']);
    expect(got).toHaveLength(1200);
    expect(got[0]).toBe('bulk 34');
    expect(got.at(-1)).toBe('bulk 1233');
    expect(got).toEqual(Array.from({ length: 1200 }, (_, i) => `bulk ${i + 34}`));
    const text = await cli(['logs', 'bulk']);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(lines[0]).toMatch(/\[INFO\] bulk: bulk 1184$/);
    expect(lines[49]).toMatch(/\[INFO\] bulk: bulk 1233$/);
  });

  it('prints one JSON object per line with --json', async () => {
    const r = await cli(['logs', 'codex', '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual({
      id: expect.any(Number), timestamp: seen.failed, service_name: 'codex', level: 'ERROR', message: 'API call failed',
      context: { url: '/api/data', error: 'Connection timeout' }, trace_id: 'req-abc123', user_id: 'admin@example.com',
      hostname: null, process_id: null, source: 'http',
    });
  });
});

describe('errors', () => {
  it.each([
    [['--since', 'yesterday'], /--since: invalid time "yesterday"/],
    [['--until', '2024-02-30T10:00:00Z'], /--until: invalid time/],
    [['--since', '1h', '--until', '2h'], /--since \(1h\) is after --until \(2h\)/],
    [['--tail', '20000'], /--tail: expected a number from 0 to 10000/],
    [['--level', 'LOUD'], /--level: unknown level "LOUD"/],
    [['--level', 'INFO', '--only-level', 'ERROR'], /cannot be used with option '--level/],
    [['--follow', '--until', '1h'], /--until cannot be combined with --follow/],
  ])('%j is a usage error', async (args, message) => {
    const r = await cli(['logs', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('says how to reach a hub that is not running, with and without --follow', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const args of [['logs'], ['logs', '--follow']]) {
      const r = await cli(args, { WHEELHOUSE_URL: url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot reach the hub at http:\/\/127.0.0.1:\d+ \(connection refused\)/);
    }
  });

  it('explains a rejected token', async () => {
    const r = await cli(['logs'], { WHEELHOUSE_TOKEN: 'whk_wrong_wrong_wrong' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid token: .*\(token from WHEELHOUSE_TOKEN\)/);
  });
});

describe('wheelhouse logs --follow', () => {
  it('prints the tail, then new entries once each, and exits 0 on Ctrl-C', async () => {
    await ingest([
      { service_name: 'live', message: 'before 1' },
      { service_name: 'live', message: 'before 2', context: { step: 2 } },
      { service_name: 'other', message: 'not this service' },
    ]);
    const p = start(['logs', 'live', '--follow', '--utc']);
    await waitFor('the initial tail', () => p.stdout().includes('before 2'));
    await ingest([
      { service_name: 'live', level: 'WARNING', message: 'after 1' },
      { service_name: 'other', message: 'after, elsewhere' },
      { service_name: 'live', level: 'ERROR', message: 'after 2', trace_id: 'req-live' },
    ]);
    await waitFor('the new entries', () => p.stdout().includes('Trace ID: req-live'));
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    const out = p.stdout();
    expect(out).toMatch(/\[INFO\] live: before 1\n.*\[INFO\] live: before 2\n {2}Context: \{"step": 2\}\n\n.*\[WARNING\] live: after 1\n.*\[ERROR\] live: after 2\n {2}Trace ID: req-live\n\n$/);
    for (const m of ['before 1', 'before 2', 'after 1', 'after 2']) expect(count(out, m)).toBe(1);
    expect(out).not.toContain('elsewhere');
    expect(p.stderr()).toBe('');
  });

  it('streams NDJSON with the same filters', async () => {
    await ingest({ service_name: 'live2', level: 'ERROR', message: 'old failure' });
    const p = start(['logs', 'live2', '--follow', '--json', '--tail', '1', '--level', 'WARNING']);
    await waitFor('the initial tail', () => p.stdout().includes('old failure'));
    await ingest([
      { service_name: 'live2', level: 'INFO', message: 'quiet' },
      { service_name: 'live2', level: 'CRITICAL', message: 'loud', context: { disk: '/var' } },
    ]);
    await waitFor('the new entry', () => p.stdout().includes('loud'));
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    const lines = p.stdout().trim().split('\n').map((l) => JSON.parse(l) as { message: string; level: string; context: unknown });
    expect(lines.map((l) => l.message)).toEqual(['old failure', 'loud']);
    expect(lines[1]).toMatchObject({ level: 'CRITICAL', context: { disk: '/var' } });
  });

  it('reconnects after the hub restarts, missing nothing and printing nothing twice', async () => {
    const port = await freePort();
    const dataDir = tempDir('wh-logs-restart-');
    const file = writeConfig(tempDir(), { hub: { port, data_dir: dataDir }, services: {} });
    const boot = async (): Promise<RunningHub> => {
      const hub = await startHub({ config: loadConfig({ file, env: process.env }), logger: pino({ level: 'silent' }), serviceEnv: { PATH: process.env.PATH ?? '' }, version: 'test' });
      await waitFor('startup', async () => (await fetch(`${hub.url}/health/startup`)).status === 200);
      return hub;
    };
    let hub = await boot();
    const token = readFileSync(`${dataDir}/admin.token`, 'utf8').trim();
    try {
      await ingest({ service_name: 'rs', message: 'first' }, hub.url, token);
      const p = start(['logs', 'rs', '--follow'], { WHEELHOUSE_URL: hub.url, WHEELHOUSE_TOKEN: token });
      await waitFor('the initial tail', () => p.stdout().includes('first'));
      await ingest({ service_name: 'rs', message: 'streamed' }, hub.url, token);
      await waitFor('the streamed entry', () => p.stdout().includes('streamed'));
      await hub.stop({ stopServices: true });
      await waitFor('the lost-connection notice', () => p.stderr().includes('connection to the hub lost'));
      hub = await boot();
      // Written while the CLI may still be reconnecting: it comes by catch-up or by stream, once.
      await ingest({ service_name: 'rs', message: 'while away' }, hub.url, token);
      await waitFor('the reconnect', () => p.stderr().includes('-- reconnected'));
      await ingest({ service_name: 'rs', message: 'after restart' }, hub.url, token);
      await waitFor('the entry after the restart', () => p.stdout().includes('after restart'));
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(0);
      const out = p.stdout();
      for (const m of ['first', 'streamed', 'while away', 'after restart']) expect(count(out, m)).toBe(1);
      expect(out.indexOf('while away')).toBeLessThan(out.indexOf('after restart'));
    } finally {
      await hub.stop({ stopServices: true });
    }
  });
});
