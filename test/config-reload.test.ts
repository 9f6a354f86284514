// Reloading wheelhouse.yaml on a running hub (POST /api/config/reload; SIGHUP and
// `wheelhouse reload` call the same code): real services, real processes, the real file.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { call } from '../src/auth/testing/http.js';
import type { ReloadReport } from '../src/http/routes/config.js';
import type { ServiceView } from '../src/supervisor/index.js';
import { alive, fixture, freePort, waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;
const idleCommand = [node, '-e', 'setInterval(() => {}, 1000)'];

let t: TestHub;
let webPort: number;

/** The config file as the test wrote it, to edit and write back. */
function readFile(): Record<string, Record<string, unknown>> {
  return parse(readFileSync(t.configFile, 'utf8')) as Record<string, Record<string, unknown>>;
}

function writeFile(config: unknown): void {
  writeFileSync(t.configFile, stringify(config));
}

async function views(): Promise<Map<string, ServiceView>> {
  const res = await call<{ services: ServiceView[] }>(t, 'GET', '/api/services', { token: t.token });
  return new Map(res.body.services.map((s) => [s.service_name, s]));
}

function reload() {
  return call<ReloadReport & { error?: { code: string; message: string; details?: { issues: string[] } } }>(t, 'POST', '/api/config/reload', { token: t.token });
}

/** The environment a process was started with. */
function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

beforeAll(async () => {
  webPort = await freePort();
  t = await startTestHub({
    web: { command: [node, fixture('http-service.mjs')], port: webPort, health: { http: `http://127.0.0.1:${webPort}/health`, interval: '1s' } },
    api: { command: idleCommand, depends_on: ['web'], env: { FLAVOUR: 'one' } },
    worker: { command: idleCommand },
    steady: { command: idleCommand },
    idle: { command: idleCommand, autostart: false },
  });
  await waitFor('all autostart services running', async () => [...(await views()).values()].filter((v) => v.status === 'running').length === 4);
});

afterAll(async () => {
  await t?.close();
});

describe('POST /api/config/reload', () => {
  it('adds, removes, restarts and updates services as the file says, and leaves the rest running', async () => {
    const before = await views();
    const pid = (name: string): number => before.get(name)!.pid!;
    const file = readFile();
    const services = file.services!;
    delete services.worker;
    services.extra = { command: idleCommand };
    (services.api as Record<string, unknown>).env = { FLAVOUR: 'two' };
    (services.web as Record<string, unknown>).display_name = 'Web front';
    (services.idle as Record<string, unknown>).command = [...idleCommand, 'changed'];
    file.hub!.body_limit = '2MB';
    writeFile(file);

    const res = await reload();
    expect(res.status).toBe(200);
    const byName = new Map(res.body.services.map((s) => [s.service, s]));
    expect(byName.get('extra')).toMatchObject({ change: 'added', action: 'started', success: true });
    expect(byName.get('worker')).toMatchObject({ change: 'removed', action: 'stopped', success: true });
    expect(byName.get('api')).toMatchObject({ change: 'changed', action: 'restarted', success: true, fields: ['env'] });
    expect(byName.get('web')).toMatchObject({ change: 'updated', action: 'none', success: true, fields: ['display_name'] });
    expect(byName.get('idle')).toMatchObject({ change: 'changed', action: 'none', success: true, fields: ['command'] });
    expect(byName.has('steady')).toBe(false);
    expect(res.body.unchanged).toBe(1);
    expect(res.body.restart_required).toEqual(['hub']);

    const after = await views();
    expect([...after.keys()].sort()).toEqual(['api', 'extra', 'idle', 'steady', 'web']);
    // Untouched: the same processes.
    expect(after.get('steady')!.pid).toBe(pid('steady'));
    expect(after.get('web')!.pid).toBe(pid('web'));
    expect(after.get('web')!.display_name).toBe('Web front');
    // Restarted with the new environment.
    expect(after.get('api')!.status).toBe('running');
    expect(after.get('api')!.pid).not.toBe(pid('api'));
    expect(alive(pid('api'))).toBe(false);
    expect(environOf(after.get('api')!.pid!).FLAVOUR).toBe('two');
    // Removed: the process is gone and the API no longer knows it.
    expect(alive(pid('worker'))).toBe(false);
    expect((await call(t, 'GET', '/api/services/worker', { token: t.token })).status).toBe(404);
    // Added and running; a stopped service stays stopped.
    expect(after.get('extra')!.status).toBe('running');
    expect(after.get('idle')!.status).toBe('stopped');
    // The effective configuration shows the new services, and the old hub settings still in force.
    const shown = await call<{ config: { hub: { body_limit: number }; services: { name: string }[] } }>(t, 'GET', '/api/config', { token: t.token });
    expect(shown.body.config.services.map((s) => s.name).sort()).toEqual(['api', 'extra', 'idle', 'steady', 'web']);
    expect(shown.body.config.hub.body_limit).toBe(1024 * 1024);
  });

  it('changes nothing when the file has not changed', async () => {
    const before = await views();
    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body.services).toEqual([]);
    expect(res.body.unchanged).toBe(5);
    const after = await views();
    for (const [name, v] of before) expect(after.get(name)!.pid).toBe(v.pid);
  });

  it('refuses an invalid file with every problem and its position, and keeps running as before', async () => {
    const before = await views();
    const good = readFileSync(t.configFile, 'utf8');
    const broken: [string, (services: Record<string, Record<string, unknown>>) => void, RegExp][] = [
      ['a wrong type', (s) => (s.steady!.command = 42), /wheelhouse\.yaml:\d+:\d+: services\.steady\.command: /],
      ['an unknown dependency', (s) => (s.extra!.depends_on = ['nowhere']), /wheelhouse\.yaml:\d+:\d+: services\.extra\.depends_on.*nowhere/],
    ];
    try {
      for (const [what, breakIt, issue] of broken) {
        writeFileSync(t.configFile, good);
        const file = readFile();
        breakIt(file.services as Record<string, Record<string, unknown>>);
        writeFile(file);
        const res = await reload();
        expect(res.status, what).toBe(400);
        expect(res.body.error!.code).toBe('config/invalid');
        expect(res.body.error!.details!.issues.some((i) => issue.test(i)), `${what}: ${res.body.error!.details!.issues.join('; ')}`).toBe(true);
      }
      writeFileSync(t.configFile, '{services: [}');
      const res = await reload();
      expect(res.status).toBe(400);
      expect(res.body.error!.code).toBe('config/invalid');
      const after = await views();
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [name, v] of before) expect(after.get(name)!.pid).toBe(v.pid);
    } finally {
      writeFileSync(t.configFile, good);
    }
  });

  it('answers a malformed or oversized request with a clear 4xx, reading nothing', async () => {
    const before = await views();
    const malformed = await call<{ error: { code: string } }>(t, 'POST', '/api/config/reload', { token: t.token, rawBody: '{"nope":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('request/malformed_json');
    const huge = await call<{ error: { code: string } }>(t, 'POST', '/api/config/reload', { token: t.token, rawBody: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    const anonymous = await call<{ error: { code: string } }>(t, 'POST', '/api/config/reload');
    expect(anonymous.status).toBe(401);
    const after = await views();
    for (const [name, v] of before) expect(after.get(name)!.pid).toBe(v.pid);
  });

  it('starts an added service after the dependency it names, starting that one too', async () => {
    const file = readFile();
    file.services!.needy = { command: idleCommand, depends_on: ['idle'] };
    writeFile(file);
    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body.services).toEqual([expect.objectContaining({ service: 'needy', change: 'added', action: 'started', success: true })]);
    const after = await views();
    expect(after.get('idle')!.status).toBe('running');
    expect(after.get('needy')!.status).toBe('running');
    expect(Date.parse(after.get('needy')!.started_at!)).toBeGreaterThanOrEqual(Date.parse(after.get('idle')!.started_at!));
  });

  it('reports a service that fails to start after a change, and keeps the others', async () => {
    const file = readFile();
    (file.services!.steady as Record<string, unknown>).cwd = '/nonexistent/dir';
    writeFile(file);
    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body.services).toEqual([expect.objectContaining({ service: 'steady', change: 'changed', success: false })]);
    expect(res.body.services[0]!.message).toMatch(/nonexistent/);
    expect((await views()).get('web')!.status).toBe('running');
  });
});
