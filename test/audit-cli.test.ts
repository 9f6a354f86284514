// `wheelhouse audit` (the real binary) against a real hub.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { openStore, type AuditRecord } from '../src/store/index.js';
import { fixture, waitFor } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let reader = '';

beforeAll(async () => {
  t = await startTestHub({ api: { command: [process.execPath, fixture('ignore-term.mjs')], autostart: false, stop: { grace: '200ms' } } });
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  reader = `whk_${randomBytes(24).toString('base64url')}`;
  await store.tokens.create({ id: 'reader', name: 'reader', hash: hashToken(reader), scopes: ['read'], created_at: new Date().toISOString(), expires_at: null, last_used_at: null, revoked_at: null });
  await store.close();
  const post = (path: string, token?: string) => t.fetch(path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  await post('/api/services/api/start', t.token);
  await post('/api/services/api/stop', t.token);
  await post('/api/services/api/start');
  await post('/api/services/ghost/restart', t.token);
  await waitFor('four records', async () => {
    const res = await t.fetch('/api/audit', { headers: { authorization: `Bearer ${t.token}` } });
    return ((await res.json()) as { entries: AuditRecord[] }).entries.length >= 4;
  });
});
afterAll(async () => t?.close());

async function cli(args: string[], token = t.token): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: token, WHEELHOUSE_CONFIG: undefined, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b));
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, stdout, stderr };
}

describe('wheelhouse audit', () => {
  it('prints the trail newest first as a table', async () => {
    const { code, stdout } = await cli(['audit', '--since', '1d']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ACTOR\s+ACTION\s+TARGET\s+RESULT\s+ADDRESS$/);
    expect(lines.slice(1, 5)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+token:admin\s+services\.restart\s+ghost\s+failed 404\s+127\.0\.0\.1$/),
      expect.stringMatching(/\s+anonymous\s+services\.start\s+api\s+denied 401\s+127\.0\.0\.1$/),
      expect.stringMatching(/\s+token:admin\s+services\.stop\s+api\s+ok 200\s+127\.0\.0\.1$/),
      expect.stringMatching(/\s+token:admin\s+services\.start\s+api\s+ok 200\s+127\.0\.0\.1$/),
    ]);
  });

  it('filters by actor, action prefix and result, limits with -n, and prints JSON', async () => {
    const denied = await cli(['audit', '--result', 'denied', '--json']);
    expect(denied.code).toBe(0);
    const { entries } = JSON.parse(denied.stdout) as { entries: AuditRecord[] };
    expect(entries.every((e) => e.result === 'denied')).toBe(true);
    expect(entries.find((e) => e.action === 'services.start')).toMatchObject({ actor: 'anonymous', target: 'api', status: 401, details: { code: 'auth/missing_token' } });

    const mine = JSON.parse((await cli(['audit', '--actor', 'token:admin', '--action', 'services.', '-n', '2', '--json'])).stdout) as { entries: AuditRecord[] };
    expect(mine.entries.map((e) => e.action)).toEqual(['services.restart', 'services.stop']);

    const none = await cli(['audit', '--action', 'users.']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no matching audit records');
  });

  it('refuses bad flags with exit code 2, and a token without admin with 1', async () => {
    expect((await cli(['audit', '-n', '0'])).code).toBe(2);
    expect((await cli(['audit', '--since', 'last week'])).code).toBe(2);
    expect((await cli(['audit', '--result', 'maybe'])).code).not.toBe(0);
    const refused = await cli(['audit'], reader);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/admin/);
  });
});
