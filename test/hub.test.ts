// The hub as a real process: killed with SIGKILL it leaves its services running and the
// next hub re-adopts them; asked to stop, it stops them in reverse dependency order.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openStore, newServiceRecord } from '../src/store/index.js';
import type { ServiceView } from '../src/supervisor/view.js';
import { alive, fixture, freePort, killQuietly, tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { cliPath, startHubProcess, type HubProcess } from '../src/testing/hub-process.js';

const node = process.execPath;
const hubs: HubProcess[] = [];
const strays: number[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) {
    killQuietly(h.pid, 'SIGTERM');
    await h.exited;
  }
  for (const pid of strays.splice(0)) killQuietly(pid);
});

async function fleetConfig() {
  const [dbPort, apiPort] = [await freePort(), await freePort()];
  const dir = tempDir();
  const health = (port: number) => ({ http: `http://127.0.0.1:${port}/health`, interval: '200ms', failures: 2 });
  const file = writeConfig(dir, {
    services: {
      db: { command: [node, fixture('http-service.mjs')], port: dbPort, health: health(dbPort), stop: { grace: '2s' } },
      api: { command: [node, fixture('http-service.mjs')], port: apiPort, health: health(apiPort), depends_on: ['db'], stop: { grace: '2s' } },
      worker: { command: [node, fixture('ignore-term.mjs')], depends_on: ['api'], stop: { grace: '300ms' } },
    },
  });
  return { file, dataDir: tempDir('wh-hubdata-') };
}

async function services(hub: HubProcess): Promise<Record<string, ServiceView>> {
  const { body } = await hub.api<{ services: ServiceView[] }>('GET', '/api/services');
  return Object.fromEntries(body.services.map((s) => [s.service_name, s]));
}

describe('hub process', () => {
  it('survives its own SIGKILL: services keep running, the next hub re-adopts them and notices later exits', async () => {
    const { file, dataDir } = await fleetConfig();
    const first = await startHubProcess(file, dataDir);
    const before = await services(first);
    const pids = Object.values(before).map((s) => s.pid!);
    strays.push(...pids);
    expect(pids.every((p) => p > 0)).toBe(true);
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    for (const pid of pids) expect(alive(pid)).toBe(true);

    const second = await startHubProcess(file, dataDir);
    hubs.push(second);
    const after = await services(second);
    for (const name of ['db', 'api', 'worker']) {
      expect(after[name]!.pid, name).toBe(before[name]!.pid);
      expect(after[name]!.status, name).toBe('running');
    }
    expect(second.output()).toContain('re-adopted running service');
    const adopted = await second.api<{ events: { topic: string; service: string }[] }>('GET', '/api/events?topic=service.adopted');
    expect(adopted.body.events.map((e) => e.service).sort()).toEqual(['api', 'db', 'worker']);

    // An adopted process is not our child: its exit is noticed by polling, then the policy restarts it.
    process.kill(before.api!.pid!, 'SIGKILL');
    const restarted = await waitFor('api restarted by the second hub', async () => {
      const s = (await services(second)).api!;
      return s.pid !== null && s.pid !== before.api!.pid && s.health === 'healthy' && s;
    });
    strays.push(restarted.pid!);
    expect(restarted.restarts).toBe(1);
  });

  it('never mistakes a reused PID for its child, and never signals that process', async () => {
    const port = await freePort();
    const file = writeConfig(tempDir(), { services: { svc: { command: [node, fixture('http-service.mjs')], port, autostart: false } } });
    const dataDir = tempDir('wh-hubdata-');
    // A process that is not ours holds the recorded PID (as after a reboot or PID wrap).
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    strays.push(stranger.pid!);
    const store = await openStore({ kind: 'sqlite' }, dataDir);
    await store.services.save({ ...newServiceRecord('svc', new Date().toISOString()), status: 'running', desired: 'stopped', pid: stranger.pid!, proc_start: 1, started_at: new Date().toISOString() });
    await store.close();

    const hub = await startHubProcess(file, dataDir);
    hubs.push(hub);
    const svc = (await services(hub)).svc!;
    expect(svc.pid).toBe(null);
    expect(svc.status).toBe('stopped');
    expect(svc.reason).toMatch(new RegExp(`process ${stranger.pid} exited while the hub was down`));
    expect(alive(stranger.pid!)).toBe(true);
    // Stopping the service must not touch the stranger either.
    await hub.api('POST', '/api/services/svc/stop', {});
    expect(alive(stranger.pid!)).toBe(true);
  });

  it('on SIGTERM stops its services in reverse dependency order, records it, and exits 0', async () => {
    const { file, dataDir } = await fleetConfig();
    const hub = await startHubProcess(file, dataDir);
    const pids = Object.values(await services(hub)).map((s) => s.pid!);
    process.kill(hub.pid, 'SIGTERM');
    expect(await hub.exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    const store = await openStore({ kind: 'sqlite' }, dataDir);
    const events = (await store.events.list({ topic: 'service.state', limit: 500 })).reverse();
    await store.close();
    const stopping = events.filter((e) => (e.payload as { to: string }).to === 'stopping').map((e) => e.service);
    expect(stopping).toEqual(['worker', 'api', 'db']);
    // The user's wish is unchanged: the next hub starts them again.
    const again = await startHubProcess(file, dataDir);
    hubs.push(again);
    expect(Object.values(await services(again)).every((s) => s.status === 'running')).toBe(true);
  });

  it('stops its services when SIGTERM arrives while it is still starting', async () => {
    const starts = join(tempDir(), 'starts');
    const file = writeConfig(tempDir(), {
      services: { early: { command: [node, fixture('crash.mjs')], env: { STARTS_FILE: starts, EXIT_AFTER_MS: '600000' }, stop: { grace: '1s' } } },
    });
    const child = spawn(node, [cliPath, 'hub', '--json', '--config', file, '--data-dir', tempDir('wh-hubdata-'), '--port', String(await freePort())], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // The service is spawned before the HTTP API has loaded: signal as soon as it exists.
    const pid = await waitFor('the service to start', () => existsSync(starts) && Number(readFileSync(starts, 'utf8').split(' ')[1]), 20_000, 2);
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('refuses a second hub on the same data directory and a taken port, clearly and without spawning', async () => {
    const { file, dataDir } = await fleetConfig();
    const hub = await startHubProcess(file, dataDir);
    hubs.push(hub);
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(node, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b));
        child.stderr.on('data', (b: Buffer) => (out += b));
        child.once('exit', (code) => resolve({ code, out }));
      });
    const second = await run(['hub', '--config', file, '--data-dir', dataDir, '--port', String(await freePort())]);
    expect(second.code).toBe(1);
    expect(second.out).toMatch(new RegExp(`another hub \\(pid ${hub.pid}\\) is already using`));

    const otherData = tempDir('wh-hubdata-');
    const port = Number(new URL(hub.url).port);
    const taken = await run(['hub', '--config', file, '--data-dir', otherData, '--port', String(port)]);
    expect(taken.code).toBe(1);
    expect(taken.out).toContain(`port ${port} on 127.0.0.1 is already in use`);
    // Nothing was started by the refused hub: the first hub's services are the only ones.
    const store = await openStore({ kind: 'sqlite' }, otherData);
    expect((await store.services.list()).filter((s) => s.pid !== null)).toEqual([]);
    await store.close();
  });

  it('reads its config again on SIGHUP and on `wheelhouse reload`, keeping unchanged services and refusing a broken file', async () => {
    const { file, dataDir } = await fleetConfig();
    const hub = await startHubProcess(file, dataDir);
    hubs.push(hub);
    const before = await services(hub);
    strays.push(...Object.values(before).map((s) => s.pid!));
    const config = parse(readFileSync(file, 'utf8')) as { services: Record<string, unknown> };
    config.services.extra = { command: [node, '-e', 'setInterval(() => {}, 1000)'] };
    writeFileSync(file, stringify(config));

    process.kill(hub.pid, 'SIGHUP');
    const extra = await waitFor('extra started after SIGHUP', async () => {
      const s = (await services(hub)).extra;
      return s?.status === 'running' && s;
    });
    strays.push(extra.pid!);
    const after = await services(hub);
    for (const name of ['db', 'api', 'worker']) expect(after[name]!.pid, name).toBe(before[name]!.pid);
    await waitFor('the reload logged', () => hub.output().includes('configuration reloaded'));

    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const env = { ...process.env, WHEELHOUSE_URL: hub.url, WHEELHOUSE_TOKEN: hub.token(), NO_COLOR: '1' };
        const child = spawn(node, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b));
        child.stderr.on('data', (b: Buffer) => (stderr += b));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
    delete config.services.extra;
    writeFileSync(file, stringify(config));
    const removed = await cli(['reload']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`reloaded ${file}: 1 removed, 3 unchanged`);
    expect(removed.stdout).toMatch(/- extra\s+removed: extra stopped successfully/);
    expect(alive(extra.pid!)).toBe(false);

    const same = await cli(['reload', '--json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual({ file, services: [], unchanged: 3, restart_required: [] });

    writeFileSync(file, 'services:\n  db: {command: 42}\n');
    const broken = await cli(['reload']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file}:2:`);
    expect(broken.stderr).toContain('services.db.command');
    process.kill(hub.pid, 'SIGHUP');
    await waitFor('SIGHUP refusal logged', () => hub.output().includes('reload refused'));
    const still = await services(hub);
    for (const name of ['db', 'api', 'worker']) expect(still[name]!.pid, name).toBe(before[name]!.pid);
  });
});
