// The `wheelhouse` binary against a real hub: output, --json, exit codes, config, startup, up/down.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, fixture, freePort, tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;

/** Runs the CLI; resolves with exit code and output. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [cliPath, ...args], { env: { ...process.env, WHEELHOUSE_URL: undefined, WHEELHOUSE_TOKEN: undefined, WHEELHOUSE_CONFIG: undefined, WHEELHOUSE_DATA_DIR: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let t: TestHub;
let port: number;
let env: Record<string, string>;
beforeAll(async () => {
  port = await freePort();
  t = await startTestHub({
    web: { display_name: 'Web front', command: [node, fixture('http-service.mjs')], port, health: { http: `http://127.0.0.1:${port}/health`, interval: '200ms' }, stop: { grace: '2s' } },
    jobs: { command: [node, fixture('ignore-term.mjs')], depends_on: ['web'], autostart: false, stop: { grace: '200ms' } },
  });
  env = { WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: t.token };
});
afterAll(async () => t?.close());

describe('service commands', () => {
  it('prints status like the seed, without colors when not on a TTY', async () => {
    const r = await cli(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wheelhouse Service Status');
    expect(r.stdout).toMatch(/WEB {2}Web front\n {2}Status: {2}running\n {2}Health: {2}healthy/);
    expect(r.stdout).toMatch(new RegExp(`Port: {4}${port}\\n {2}PID: {5}\\d+`));
    expect(r.stdout).toMatch(/JOBS\n {2}Status: {2}stopped/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('prints one service, and JSON on request', async () => {
    const one = await cli(['status', 'web', '--json'], env);
    expect(JSON.parse(one.stdout)).toMatchObject({ service_name: 'web', status: 'running', port });
    const all = JSON.parse((await cli(['status', '--json'], env)).stdout) as { services: unknown[] };
    expect(all.services).toHaveLength(2);
  });

  it('lists configured services', async () => {
    const r = await cli(['list'], env);
    expect(r.stdout).toContain('Configured Services:');
    expect(r.stdout).toMatch(new RegExp(`web +\\(type: http +port: ${port} *\\)`));
    expect(r.stdout).toMatch(/jobs +\(type: process +port: - *\) +depends on: web/);
    expect(JSON.parse((await cli(['list', '--json'], env)).stdout).services[1]).toEqual({ name: 'jobs', display_name: 'jobs', type: 'process', port: null, depends_on: ['web'], autostart: false });
  });

  it('starts, restarts in prod mode and stops a service', async () => {
    const start = await cli(['start', 'jobs'], env);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/✓ jobs started successfully \(pid \d+\)/);
    const restart = await cli(['restart', 'jobs', '--mode', 'prod', '--json'], env);
    expect(JSON.parse(restart.stdout)).toMatchObject({ success: true, message: 'jobs restarted successfully' });
    expect(JSON.parse((await cli(['status', 'jobs', '--json'], env)).stdout).mode).toBe('prod');
    const stop = await cli(['stop', 'jobs'], env);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/jobs (stopped successfully|did not exit)/);
  });

  it('acts on all, in order, with a line per service', async () => {
    const r = await cli(['restart', 'all'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ web +web restarted successfully[^\n]*\n *✓ jobs +jobs restarted successfully/);
    expect(r.stdout).toContain('all 2 services restarted');
  });
});

describe('events', () => {
  it('prints what happened to a service, oldest first, with reasons; JSON on request; refuses bad input', async () => {
    expect((await cli(['start', 'jobs'], env)).code).toBe(0);
    expect((await cli(['stop', 'jobs'], env)).code).toBe(0);
    const r = await cli(['events', 'jobs', '-n', '500'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? +jobs {2}/.test(l)), r.stdout).toBe(true);
    // The last start and stop, in the order they happened.
    const tail = lines.slice(-4).join('\n');
    expect(tail).toMatch(/starting → running \(pid \d+\)[\s\S]*running → stopping \(pid \d+\): stop requested[\s\S]*pid \d+ (exited with code \d+|killed by SIGKILL) after \d+m?s[\s\S]*stopping → stopped/);

    const json = JSON.parse((await cli(['events', 'jobs', '--topic', 'service.state', '-n', '3', '--json'], env)).stdout) as { events: { id: number; topic: string; service: string }[] };
    expect(json.events).toHaveLength(3);
    expect(json.events.every((e) => e.topic === 'service.state' && e.service === 'jobs')).toBe(true);
    expect(json.events[0]!.id).toBeLessThan(json.events[2]!.id);

    const ghost = await cli(['events', 'ghost'], env);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/unknown service "ghost"/);
    const bad = await cli(['events', '-n', 'lots'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit: expected a number from 1 to 500, got "lots"/);
    const quiet = await cli(['events', 'web', '--since', '2099-01-01T00:00:00Z'], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toContain('no matching events');
  });
});

describe('errors and exit codes', () => {
  it.each([
    [['start', 'ghost'], 1, /error: unknown service "ghost"; configured: web, jobs/],
    [['start', 'web', '--mode', 'turbo'], 2, /argument 'turbo' is invalid. Allowed choices are dev, prod/],
    [['launch'], 2, /unknown command 'launch'/],
    [['start'], 2, /missing required argument 'name'/],
  ])('%j exits %i', async (args, code, message) => {
    const r = await cli(args, env);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it.each([['status'], ['events', '-n', '50'], ['list', '--json']])('%j stops quietly when its output pipe is closed (| head)', async (...args) => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(node, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      // Nobody reads: the first write finds the pipe closed (EPIPE), as after `| head -1` exits.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 0 for --help and --version', async () => {
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('says how to reach a hub that is not running', async () => {
    const r = await cli(['status'], { WHEELHOUSE_URL: `http://127.0.0.1:${await freePort()}`, WHEELHOUSE_TOKEN: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the hub at http:\/\/127.0.0.1:\d+ \(connection refused\)\. Start it with "wheelhouse up"/);
  });

  it('reads the admin token from the data directory, and explains a rejected one', async () => {
    expect((await cli(['status', '--json', '--data-dir', t.dataDir, '--port', new URL(t.url).port])).code).toBe(0);
    const bad = await cli(['status'], { WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: 'whk_wrong_wrong_wrong' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid token: unknown token \(token from WHEELHOUSE_TOKEN\)/);
    const none = await cli(['status', '--data-dir', tempDir(), '--port', new URL(t.url).port]);
    expect(none.stderr).toMatch(/authentication required.*\(no token: set WHEELHOUSE_TOKEN/);
  });

  it('prints errors as JSON with --json', async () => {
    const r = await cli(['stop', 'ghost', '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'service/not_found', message: expect.stringContaining('ghost') } });
  });
});

describe('config commands', () => {
  it('validates a good file and lists every problem of a bad one', async () => {
    const good = writeConfig(tempDir(), { services: { a: { command: 'node a.js' } } });
    const ok = await cli(['config', 'validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${good} is valid: 1 service(s)`);
    const badFile = join(tempDir(), 'bad.yaml');
    writeFileSync(badFile, 'services:\n  a:\n    comand: x\n    port: seventy\n');
    const bad = await cli(['config', 'validate', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      `${badFile}:3:5: services.a: missing required property "command"`,
      `${badFile}:3:5: services.a.comand: unknown property "comand" (did you mean "command"?)`,
      `${badFile}:4:11: services.a.port: must be an integer, got "seventy"`,
    ]);
    const asJson = JSON.parse((await cli(['config', 'validate', badFile, '--json'])).stdout);
    expect(asJson.valid).toBe(false);
    expect(asJson.errors).toHaveLength(3);
  });

  it('refuses to start a hub on an invalid file, naming the problem', async () => {
    const badFile = join(tempDir(), 'bad.yaml');
    writeFileSync(badFile, 'hub:\n  port: "x"\n');
    const r = await cli(['hub', '--config', badFile, '--data-dir', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${badFile}:2:9: hub.port: must be an integer, got "x"`);
  });

  it('a client command whose hub comes from an invalid file names the problem, once, and sends nothing', async () => {
    const badFile = join(tempDir(), 'bad.yaml');
    writeFileSync(badFile, 'hub:\n  port: "x"\n');
    for (const args of [['status'], ['start', 'all'], ['logs', '--tail', '5']]) {
      const r = await cli([...args, '--config', badFile]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([`${badFile}:2:9: hub.port: must be an integer, got "x"`]);
    }
  });

  it('prints the JSON schema', async () => {
    const schema = JSON.parse((await cli(['config', 'schema'])).stdout);
    expect(schema.properties.services).toBeDefined();
  });
});

describe('startup', () => {
  it('prints a systemd unit that leaves services running if the hub crashes', async () => {
    const file = writeConfig(tempDir(), { services: { a: { command: 'x', stop: { grace: '20s' } } } });
    const r = await cli(['startup', '--config', file, '--data-dir', '/srv/wh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[Service]');
    expect(r.stdout).toMatch(new RegExp(`ExecStart=${node} \\S+/dist/bin/wheelhouse.js hub`));
    expect(r.stdout).toContain(`Environment="WHEELHOUSE_CONFIG=${file}"`);
    expect(r.stdout).toContain('Environment="WHEELHOUSE_DATA_DIR=/srv/wh"');
    expect(r.stdout).toContain('KillMode=process');
    expect(r.stdout).toContain('ExecReload=/bin/kill -HUP $MAINPID');
    expect(r.stdout).toContain('TimeoutStopSec=50');
    expect(r.stdout).toContain('WantedBy=multi-user.target');
  });

  it('installs the unit file with mode 0644', async () => {
    const dir = tempDir();
    const r = await cli(['startup', '--install', '--unit-dir', dir, '--no-enable', '--name', 'wh-test']);
    expect(r.code).toBe(0);
    const file = join(dir, 'wh-test.service');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toContain('[Install]');
    expect((await cli(['startup', '--install', '--unit-dir', dir, '--name', '../evil'])).code).toBe(2);
  });
});

describe('up and down', () => {
  it('runs the hub as a daemon with a PID file, and stops it with its services', async () => {
    const svcPort = await freePort();
    const dataDir = tempDir('wh-daemon-');
    const file = writeConfig(tempDir(), {
      services: { web: { command: [node, fixture('http-service.mjs')], port: svcPort, health: { http: `http://127.0.0.1:${svcPort}/health`, interval: '200ms' } } },
    });
    const hubPort = String(await freePort());
    const args = ['--config', file, '--data-dir', dataDir, '--port', hubPort];
    const up = await cli(['up', ...args]);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/✓ hub started \(pid \d+\) at http:\/\/127.0.0.1:\d+/);
    const hubPid = Number(readFileSync(join(dataDir, 'hub.pid'), 'utf8').split(' ')[0]);
    expect(alive(hubPid)).toBe(true);
    expect(statSync(join(dataDir, 'admin.token')).mode & 0o777).toBe(0o600);
    const again = await cli(['up', ...args]);
    expect(again.stdout).toContain(`hub already running (pid ${hubPid})`);
    const web = await waitFor('web running', async () => {
      const s = JSON.parse((await cli(['status', 'web', '--json', ...args])).stdout);
      return s.health === 'healthy' && s;
    });
    const down = await cli(['down', ...args]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`hub (pid ${hubPid}) stopped`);
    expect(alive(hubPid)).toBe(false);
    expect(alive(web.pid)).toBe(false);
    expect((await cli(['down', ...args])).stdout).toContain('hub is not running');
  });
});
