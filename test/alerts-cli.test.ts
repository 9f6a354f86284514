// `wheelhouse alerts …` and `wheelhouse silence …` (the real binary) against a real hub.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let hook: Server;
let hookStatus = 204;

beforeAll(async () => {
  hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(hookStatus).end());
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  t = await startTestHub({}, {}, {
    alerts: {
      channels: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/hook` }],
      rules: [{ name: 'OutOfMemory', kind: 'log_pattern', query: 'out of memory', op: '>', threshold: 0, window: '1h', severity: 'critical' }],
    },
  });
  const res = await t.fetch('/api/logs/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service_name: 'worker', level: 'ERROR', message: 'killed: out of memory' }),
  });
  expect(res.status).toBe(200);
  await waitFor('firing', async () => {
    const r = await t.fetch('/api/alerts', { headers: { authorization: `Bearer ${t.token}` } });
    return ((await r.json()) as { alerts: { state: string }[] }).alerts.some((a) => a.state === 'firing');
  });
});
afterAll(async () => {
  await t?.close();
  hook?.close();
});

async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: t.token, WHEELHOUSE_CONFIG: undefined, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b));
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, stdout, stderr };
}

describe('wheelhouse alerts', () => {
  it('prints firing and pending alerts as a table, or JSON', async () => {
    const table = await cli('alerts');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^STATE\s+SEVERITY\s+ALERT\s+LABELS\s+VALUE\s+SINCE\s+SUMMARY/);
    expect(table.stdout).toMatch(/firing\s+critical\s+OutOfMemory\s+1\s+\d+s\s+1 matching log lines in 1h, > 0/);
    const json = JSON.parse((await cli('alerts', '--json')).stdout) as { alerts: { rule: string; silenced_by: string[] }[] };
    expect(json.alerts.map((a) => a.rule)).toEqual(['OutOfMemory']);
  });

  it('prints the history, filtered', async () => {
    const r = await cli('alerts', 'history', '--rule', 'OutOfMemory', '--since', '1h');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TIME\s+STATE/);
    expect(r.stdout).toMatch(/firing\s+critical\s+OutOfMemory/);
    const json = JSON.parse((await cli('alerts', 'history', '--state', 'resolved', '--json')).stdout) as { alerts: unknown[] };
    expect(json.alerts).toEqual([]);
    const bad = await cli('alerts', 'history', '--since', 'last week');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: invalid time');
  });

  it('lists the rules with their origin', async () => {
    const r = await cli('alerts', 'rules');
    expect(r.stdout).toMatch(/HighCPU\s+metric\s+default\s+warning\s+cpu_percent\{host=\*\} > 80\s+5m/);
    expect(r.stdout).toMatch(/OutOfMemory\s+log_pattern\s+config\s+critical\s+lines \("out of memory"\) in 1h > 0\s+0s|OutOfMemory\s+log_pattern\s+config\s+critical/);
    const json = JSON.parse((await cli('alerts', 'rules', '--json')).stdout) as { rules: { name: string; origin: string }[] };
    expect(json.rules.find((x) => x.name === 'AgentSilent')?.origin).toBe('default');
  });

  it('tests a channel, with exit code 1 when the channel fails', async () => {
    const ok = await cli('alerts', 'test', 'hook');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('test notification sent to hook');
    hookStatus = 500;
    const failed = await cli('alerts', 'test', 'hook', '--json');
    hookStatus = 204;
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ channel: 'hook', ok: false });
    expect((await cli('alerts', 'test', 'nope')).code).not.toBe(0);
  });
});

describe('wheelhouse silence', () => {
  it('adds, lists and expires silences', async () => {
    const add = await cli('silence', 'add', 'alertname=OutOfMemory', 'severity=~crit.*', '--duration', '2h', '--comment', 'known leak', '--json');
    expect(add.code).toBe(0);
    const { silence } = JSON.parse(add.stdout) as { silence: { id: string; matchers: unknown[]; state: string } };
    expect(silence.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'OutOfMemory' },
      { name: 'severity', op: '=~', value: 'crit.*' },
    ]);
    expect(silence.state).toBe('active');
    const list = await cli('silence', 'list');
    expect(list.stdout).toMatch(new RegExp(`${silence.id}\\s+active\\s+alertname=OutOfMemory severity=~crit\\.\\*`));
    expect(list.stdout).toContain('known leak');

    const alerts = await cli('alerts');
    expect(alerts.stdout).toContain('firing (silenced)');

    const expire = await cli('silence', 'expire', silence.id);
    expect(expire.code).toBe(0);
    expect(expire.stdout).toContain(`silence ${silence.id} expired`);
    expect((await cli('silence', 'list')).stdout).toContain('no silences');
    expect((await cli('silence', 'list', '--expired')).stdout).toMatch(new RegExp(`${silence.id}\\s+expired`));
    const missing = await cli('silence', 'expire', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no silence with id "nope"');
  });

  it('refuses bad matchers and bad times before calling the hub, and reports the hub\'s refusals', async () => {
    const notMatcher = await cli('silence', 'add', 'host');
    expect(notMatcher.code).toBe(2);
    expect(notMatcher.stderr).toContain('not a matcher: "host"');
    const both = await cli('silence', 'add', 'host=a', '--duration', '1h', '--until', '2999-01-01T00:00:00Z');
    expect(both.code).toBe(2);
    const regex = await cli('silence', 'add', 'host=~web-(', '--json');
    expect(regex.code).toBe(2);
    expect(JSON.parse(regex.stdout).error.message).toContain('matchers[0].value: invalid regular expression');
    const past = await cli('silence', 'add', 'host=a', '--until', '2020-01-01T00:00:00Z');
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/in the past|must be after/);
  });
});
