// The wheelhouse/pino transport end to end: real pino running it in a worker thread, a real hub.
// pino loads transports as JavaScript in a worker, so these tests use dist/client/pino.js:
// run `npm run build` first (`npm test` does).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, killQuietly, repoRoot, tempDir, writeConfig } from '../testing/helpers.js';
import { startHubProcess, type HubProcess } from '../testing/hub-process.js';

const target = join(repoRoot, 'dist', 'client', 'pino.js');
// The hub runs in its own process, as in production: ending a transport blocks the main
// thread until the worker is done, which would freeze a hub running in this process.
let hub: HubProcess;
let token: string;

beforeAll(async () => {
  if (!existsSync(target)) throw new Error(`${target} is missing: run "npm run build" before these tests`);
  hub = await startHubProcess(writeConfig(tempDir(), {}), tempDir('wh-pino-'));
  token = hub.token();
});
afterAll(async () => {
  if (!hub) return;
  killQuietly(hub.pid, 'SIGTERM');
  await hub.exited;
});

interface StoredEntry {
  id: number;
  service_name: string;
  level: string;
  message: string;
  context: Record<string, unknown> | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
}

async function stored(service: string): Promise<StoredEntry[]> {
  const res = await fetch(`${hub.url}/api/logs?service=${service}&limit=500`, { headers: { authorization: `Bearer ${token}` } });
  const { logs } = (await res.json()) as { logs: StoredEntry[] };
  return logs.sort((a, b) => a.id - b.id);
}

/** Runs a script that logs 50 entries through the transport and exits at once; resolves with its exit code and stderr. */
async function exitingService(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const script = join(tempDir(), 'service.mjs');
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
const { pino } = createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})('pino');
const options = process.env.TIMEOUT_MS ? { timeoutMs: Number(process.env.TIMEOUT_MS) } : {};
const logger = pino({ name: 'api' }, pino.transport({ target: ${JSON.stringify(target)}, options }));
for (let i = 0; i < 50; i++) logger.info({ i }, 'entry ' + i);
process.exit(0);
`,
  );
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('wheelhouse/pino transport', () => {
  it('ships pino records with their fields; pino.flush() waits for delivery; ending the transport delivers the rest', async () => {
    const transport = pino.transport({ target, options: { url: hub.url, token, service: 'checkout', flushIntervalMs: 60_000 } });
    const logger = pino({ level: 'debug' }, transport);
    logger.child({ traceId: 'tr-42', user_id: 'u-7' }).info({ cart: { items: 3 } }, 'cart checked out');
    logger.error(new Error('card declined'));
    logger.debug('detail');
    // The interval is a minute: only flush() can have sent these.
    await new Promise<void>((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve())));
    const flushed = await stored('checkout');
    expect(flushed.map((e) => [e.level, e.message])).toEqual([
      ['INFO', 'cart checked out'],
      ['ERROR', 'card declined'],
      ['DEBUG', 'detail'],
    ]);
    expect(flushed[0]).toMatchObject({ trace_id: 'tr-42', user_id: 'u-7', hostname: hostname(), process_id: process.pid, context: { cart: { items: 3 } } });
    expect(flushed[1]!.context!.err).toMatchObject({ type: 'Error', message: 'card declined', stack: expect.stringContaining('pino.test.ts') });

    logger.warn('last words');
    logger.fatal('really the last');
    await new Promise<void>((resolve) => {
      transport.once('close', resolve);
      transport.end();
    });
    expect((await stored('checkout')).map((e) => [e.level, e.message]).slice(3)).toEqual([
      ['WARNING', 'last words'],
      ['CRITICAL', 'really the last'],
    ]);
  });

  it('delivers what a process logged right before process.exit(), with settings from the environment', async () => {
    const run = await exitingService({ WHEELHOUSE_URL: hub.url, WHEELHOUSE_TOKEN: token, WHEELHOUSE_SERVICE: 'exiter' });
    expect(run).toEqual({ code: 0, stderr: '' });
    const entries = await stored('exiter');
    expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 50 }, (_, i) => `entry ${i}`));
    expect(entries[0]!.context).toEqual({ name: 'api', i: 0 });
  });

  it('lets a process exit when the hub is unreachable, reporting the loss on stderr', async () => {
    const run = await exitingService({ WHEELHOUSE_URL: `http://127.0.0.1:${await freePort()}`, WHEELHOUSE_TOKEN: token, WHEELHOUSE_SERVICE: 'orphan', TIMEOUT_MS: '300' });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/cannot deliver logs to .*ECONNREFUSED/);
    expect(run.stderr).toContain('wheelhouse/pino: sent 0 log entries; dropped 50');
  });

  it("names the service after pino's name when none is configured, and honours pino's messageKey", async () => {
    // The worker thread gets a copy of this environment; a WHEELHOUSE_SERVICE there would win.
    vi.stubEnv('WHEELHOUSE_SERVICE', undefined);
    const transport = pino.transport({ target, options: { url: hub.url, token } });
    vi.unstubAllEnvs();
    const logger = pino({ name: 'billing worker', messageKey: 'text' }, transport);
    logger.info('hello');
    await new Promise<void>((resolve) => {
      transport.once('close', resolve);
      transport.end();
    });
    expect((await stored('billing-worker')).map((e) => e.message)).toEqual(['hello']);
  });
});
