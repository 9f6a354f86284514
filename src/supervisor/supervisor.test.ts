import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, fixture, freePort, killQuietly, tempDir, waitFor } from '../testing/helpers.js';
import { allEntries } from '../logs/testing/entries.js';
import { startFleet, statesOf, type Fleet } from './testing/fleet.js';

const node = process.execPath;
let fleets: Fleet[] = [];
async function fleet(services: Record<string, unknown>, opts?: Parameters<typeof startFleet>[1]): Promise<Fleet> {
  const f = await startFleet(services, opts);
  fleets.push(f);
  return f;
}
afterEach(async () => {
  for (const f of fleets) await f.close();
  fleets = [];
});

async function httpService(extra: Record<string, unknown> = {}) {
  const port = await freePort();
  return {
    port,
    spec: {
      command: [node, fixture('http-service.mjs')],
      port,
      autostart: false,
      health: { http: `http://127.0.0.1:${port}/health`, interval: '100ms', timeout: '1s', failures: 2 },
      stop: { grace: '3s' },
      ...extra,
    },
  };
}

describe('supervisor: order', () => {
  it('starts in dependency order, waiting for health, and stops in reverse', async () => {
    const db = await httpService();
    const api = await httpService({ depends_on: ['db'] });
    const f = await fleet({
      worker: { command: [node, fixture('ignore-term.mjs')], autostart: false, depends_on: ['api'], stop: { grace: '300ms' } },
      api: api.spec,
      db: db.spec,
    });
    const results = await f.sup.startAll('dev');
    expect(results.map((r) => [r.service, r.success])).toEqual([['db', true], ['api', true], ['worker', true]]);
    const order = f.events
      .filter((e) => e.topic === 'service.state' && e.payload.to === 'starting' && e.payload.from !== 'starting')
      .map((e) => e.payload.service);
    expect(order).toEqual(['db', 'api', 'worker']);
    // api was spawned only after db was healthy.
    const dbHealthyAt = f.events.findIndex((e) => e.topic === 'service.healthy' && e.payload.service === 'db');
    const apiStartAt = f.events.findIndex((e) => e.topic === 'service.state' && e.payload.service === 'api' && e.payload.to === 'starting');
    expect(dbHealthyAt).toBeGreaterThanOrEqual(0);
    expect(apiStartAt).toBeGreaterThan(dbHealthyAt);

    f.events.length = 0;
    const stopped = await f.sup.stopAll();
    expect(stopped.every((r) => r.success)).toBe(true);
    const stopOrder = f.events.filter((e) => e.topic === 'service.state' && e.payload.to === 'stopping').map((e) => e.payload.service);
    expect(stopOrder).toEqual(['worker', 'api', 'db']);
    expect(f.sup.views().every((v) => v.status === 'stopped' && v.pid === null)).toBe(true);
  });

  it('starting one service starts its stopped dependencies first', async () => {
    const db = await httpService();
    const api = await httpService({ depends_on: ['db'] });
    const f = await fleet({ db: db.spec, api: api.spec });
    const result = await f.sup.startService('api', 'dev');
    expect(result.success).toBe(true);
    expect(f.sup.view('db').status).toBe('running');
    expect(f.sup.view('db').health).toBe('healthy');
  });
});

describe('supervisor: stopping', () => {
  it('escalates to SIGKILL when a service ignores SIGTERM past its grace period', async () => {
    const f = await fleet({ stubborn: { command: [node, fixture('ignore-term.mjs')], autostart: false, stop: { grace: '500ms' } } });
    const { pid } = await f.sup.startService('stubborn', 'dev');
    // Node needs a moment to install its SIGTERM handler; wait for its first line.
    await waitFor('stubborn to print', async () => (await f.output('stubborn')).some((m) => m.startsWith('stubborn')));
    const result = await f.sup.stopService('stubborn');
    expect(result.message).toMatch(/did not exit within 0.5s of SIGTERM; killed/);
    expect(alive(pid!)).toBe(false);
    const view = f.sup.view('stubborn');
    expect(view.status).toBe('stopped');
    expect(view.exit_signal).toBe('SIGKILL');
    expect(await f.output('stubborn')).toContain('ignoring SIGTERM');
  });

  it('leaves no grandchildren behind, in the group or escaped from it', async () => {
    const pidsFile = join(tempDir(), 'pids.json');
    const f = await fleet({
      family: { command: [node, fixture('grandchildren.mjs')], env: { PIDS_FILE: pidsFile }, autostart: false, stop: { grace: '500ms' } },
    });
    await f.sup.startService('family', 'dev');
    const pids = await waitFor('grandchildren pids', () => existsSync(pidsFile) && (JSON.parse(readFileSync(pidsFile, 'utf8')) as number[]));
    expect(pids.every(alive)).toBe(true);
    await f.sup.stopService('family');
    for (const pid of pids) expect(alive(pid), `grandchild ${pid} still alive`).toBe(false);
  });
});

describe('supervisor: restarts', () => {
  it('restarts a service killed with SIGKILL and it becomes healthy again', async () => {
    const svc = await httpService({ restart: { stable_after: '200ms' } });
    const f = await fleet({ api: svc.spec });
    const first = await f.sup.startService('api', 'dev');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(first.pid!, 'SIGKILL');
    const view = await waitFor('a new healthy process', () => {
      const v = f.sup.view('api');
      return v.pid !== null && v.pid !== first.pid && v.health === 'healthy' && v;
    });
    expect(view.restarts).toBe(1);
    expect(view.exit_signal).toBe(null);
    const exit = f.events.find((e) => e.topic === 'service.exit');
    expect(exit?.payload).toMatchObject({ service: 'api', pid: first.pid, signal: 'SIGKILL' });
    const res = await fetch(`http://127.0.0.1:${svc.port}/health`);
    expect(((await res.json()) as { pid: number }).pid).toBe(view.pid);
  });

  it('backs off exponentially and ends errored with the reason on a crash loop', async () => {
    const starts = join(tempDir(), 'starts.txt');
    const f = await fleet({
      crasher: {
        command: [node, fixture('crash.mjs')],
        env: { STARTS_FILE: starts, EXIT_AFTER_MS: '30', EXIT_CODE: '3' },
        autostart: true,
        restart: { backoff: '50ms', crash_loop_exits: 4, crash_loop_window: '20s' },
      },
    });
    const view = await waitFor('errored', () => f.sup.view('crasher').status === 'errored' && f.sup.view('crasher'), 20_000);
    expect(view.reason).toBe('crash loop: 4 exits within 20s (last: exited with code 3)');
    expect(view.exit_code).toBe(3);
    const times = readFileSync(starts, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]));
    expect(times.length).toBe(4);
    expect(statesOf(f.events, 'crasher')).toContain('backoff');
    expect(f.events.some((e) => e.topic === 'service.errored')).toBe(true);
    // The backoff doubles: each scheduled restart says how long it waits.
    const waits = f.events
      .filter((e) => e.topic === 'service.state' && e.payload.service === 'crasher' && e.payload.to === 'backoff')
      .map((e) => Number(/restarting in (\d+)ms/.exec((e.payload as { reason: string }).reason)?.[1]));
    expect(waits).toEqual([50, 100, 200]);
    // A manual start clears the crash loop and tries again.
    await f.sup.startService('crasher', 'dev').catch(() => undefined);
    await waitFor('a fifth start', () => readFileSync(starts, 'utf8').trim().split('\n').length >= 5);
  });

  it.each([
    ['never', '1', 'exited with code 1; restart policy is never'],
    ['on-failure', '0', 'exited with code 0; restart policy is on-failure'],
  ])('policy %s after exit code %s stays stopped', async (policy, code, reason) => {
    const f = await fleet({
      once: { command: [node, fixture('crash.mjs')], env: { EXIT_AFTER_MS: '400', EXIT_CODE: code }, autostart: true, restart: { policy } },
    });
    const view = await waitFor('stopped by policy', () => f.sup.view('once').reason === reason && f.sup.view('once'));
    expect(view.status).toBe('stopped');
    expect(view.restarts).toBe(0);
  });
});

describe('supervisor: health', () => {
  it('goes healthy → unhealthy after N failures → healthy, with events and messages', async () => {
    const flag = join(tempDir(), 'sick');
    const svc = await httpService({ env: { UNHEALTHY_FILE: flag } });
    const f = await fleet({ api: svc.spec });
    await f.sup.startService('api', 'dev');
    // On a loaded machine the service may boot slower than its 200 ms start-up window (2 × 100 ms)
    // and be declared unhealthy first: the transitions under test begin at its first pass.
    await waitFor('healthy', () => f.sup.view('api').health === 'healthy');
    const firstPass = f.events.findIndex((e) => e.topic === 'service.healthy');
    expect(f.sup.view('api').health_message).toBe('HTTP 200, status "healthy"');
    writeFileSync(flag, '');
    const sick = await waitFor('unhealthy', () => f.sup.view('api').health === 'unhealthy' && f.sup.view('api'));
    expect(sick.health_message).toBe('HTTP 503, status "unhealthy"');
    expect(sick.status).toBe('running');
    rmSync(flag);
    await waitFor('healthy again', () => f.sup.view('api').health === 'healthy');
    const topics = f.events.slice(firstPass).filter((e) => e.topic === 'service.healthy' || e.topic === 'service.unhealthy').map((e) => e.topic);
    expect(topics).toEqual(['service.healthy', 'service.unhealthy', 'service.healthy']);
    const stored = await f.store.events.list({ service: 'api' });
    expect(stored).toEqual([]); // the fleet harness has no recorder; the hub test checks rows
  });

  it('probes over TCP and by command', async () => {
    const port = await freePort();
    const flag = join(tempDir(), 'ok');
    const f = await fleet({
      tcpsvc: { command: [node, fixture('http-service.mjs')], port, autostart: false, health: { tcp: `127.0.0.1:${port}`, interval: '100ms' } },
      cmdsvc: { command: [node, fixture('ignore-term.mjs')], autostart: false, stop: { grace: '200ms' }, health: { command: `test -f ${flag} && echo present`, interval: '100ms', failures: 1 } },
    });
    await f.sup.startService('tcpsvc', 'dev');
    expect(f.sup.view('tcpsvc').health_message).toBe(`connected to 127.0.0.1:${port}`);
    const started = await f.sup.startService('cmdsvc', 'dev');
    expect(started.message).toMatch(/not healthy yet/);
    expect(f.sup.view('cmdsvc').health).toBe('unhealthy');
    writeFileSync(flag, '');
    await waitFor('command probe passes', () => f.sup.view('cmdsvc').health === 'healthy');
    expect(f.sup.view('cmdsvc').health_message).toBe('exit 0: present');
  });
});

describe('supervisor: output capture', () => {
  it('stores every stdout and stderr line, in order, the unterminated last one on exit', async () => {
    const f = await fleet({ chatty: { command: [node, fixture('chatty.mjs')], env: { LINES: '5000' }, autostart: false, stop: { grace: '1s' } } });
    await f.sup.startService('chatty', 'dev');
    await waitFor('5000 lines', async () => (await f.output('chatty', 'stdout')).includes('line 5000 of 5000'));
    expect(await f.output('chatty', 'stdout')).not.toContain('partial-without-newline');
    await f.sup.stopService('chatty');
    const lines = await f.output('chatty', 'stdout');
    expect(lines.length).toBe(5001);
    expect(lines.slice(0, 5000)).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i + 1} of 5000`));
    expect(lines.at(-1)).toBe('partial-without-newline');
    expect((await f.output('chatty', 'stderr')).length).toBe(500);
    // The spool is emptied once a stopped service's output is all stored.
    expect(readFileSync(join(f.dataDir, 'spool', 'chatty.stdout')).length).toBe(0);
  });

  it("stores an exited process's last output under its own pid when its successor starts at once", async () => {
    // Each run is stable (300 ms ≥ stable_after), so each exit restarts at once, and the
    // successor appends to the spool before its predecessor's last words are stored.
    const f = await fleet({
      sayer: {
        command: [node, fixture('crash.mjs')],
        env: { LAST_WORDS: '1', EXIT_AFTER_MS: '300' },
        autostart: false,
        restart: { stable_after: '200ms', crash_loop_exits: 3, crash_loop_window: '20s' },
      },
    });
    await f.sup.startService('sayer', 'dev');
    await waitFor('errored after 3 runs', () => f.sup.view('sayer').status === 'errored', 20_000);
    const stdout = (await allEntries(f.logs, { service: 'sayer' })).filter((e) => e.source === 'stdout');
    const runs = stdout.filter((e) => e.message.endsWith(' started')).map((e) => Number(e.message.split(' ')[0]));
    expect(runs).toHaveLength(3);
    // Every line is stored whole, in order, under the pid of the process that wrote it.
    expect(stdout.map((e) => [e.message, e.process_id])).toEqual(runs.flatMap((pid) => [[`${pid} started`, pid], [`last words of ${pid}`, pid]]));
    const backoffs = f.events.filter((e) => e.topic === 'service.state' && e.payload.service === 'sayer' && e.payload.to === 'backoff');
    expect(backoffs.map((e) => (e.payload as { reason: string }).reason)).toEqual(['exited with code 1; restarting', 'exited with code 1; restarting']);
  });
});

describe('supervisor: bad input', () => {
  it('names an unknown service', async () => {
    const f = await fleet({});
    await expect(f.sup.startService('ghost', 'dev')).rejects.toMatchObject({ code: 'service/not_found' });
  });

  it('refuses a missing working directory, an unknown command and a taken port, leaving the state clean', async () => {
    const port = await freePort();
    const f = await fleet({
      nodir: { command: 'node x.js', cwd: '/nonexistent/dir', autostart: false },
      nocmd: { command: 'definitely-not-a-command --flag', autostart: false },
      taken: { command: [node, fixture('http-service.mjs')], port, autostart: false },
    });
    await expect(f.sup.startService('nodir', 'dev')).rejects.toMatchObject({ code: 'service/cwd_missing', message: expect.stringContaining('/nonexistent/dir') });
    await expect(f.sup.startService('nocmd', 'dev')).rejects.toMatchObject({ code: 'service/command_not_found', message: expect.stringContaining('definitely-not-a-command') });
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      await expect(f.sup.startService('taken', 'dev')).rejects.toMatchObject({ code: 'service/port_in_use', message: expect.stringContaining(`port ${port}`) });
    } finally {
      blocker.close();
    }
    for (const name of ['nodir', 'nocmd', 'taken']) {
      expect(f.sup.view(name)).toMatchObject({ status: 'stopped', pid: null });
    }
  });

  it('reports a service that dies at once with its stderr', async () => {
    const f = await fleet({ dies: { command: [node, fixture('crash.mjs')], env: { EXIT_AFTER_MS: '0' }, autostart: false, restart: { policy: 'never' } } });
    await expect(f.sup.startService('dies', 'dev')).rejects.toMatchObject({
      code: 'service/spawn_failed',
      message: expect.stringMatching(/dies exited right after starting \(exited with code 1; restart policy is never\); stderr: about to fail/),
    });
  });
});

describe('supervisor: sampling', () => {
  it('samples CPU and memory of the whole process family', async () => {
    const svc = await httpService();
    const f = await fleet({ api: svc.spec }, { sampleInterval: '100ms' });
    await f.sup.startService('api', 'dev');
    const v = await waitFor('a sample', () => f.sup.view('api').memory_mb !== null && f.sup.view('api'));
    expect(v.memory_mb!).toBeGreaterThan(5);
    expect(v.cpu_percent!).toBeGreaterThanOrEqual(0);
    expect(v.uptime).toMatch(/^\d+s$/);
  });

  it('restarts a service whose memory passes restart.max_memory, and leaves one under it alone', async () => {
    const f = await fleet(
      {
        hog: { command: [node, fixture('grow.mjs')], env: { GROW_MB: '200' }, restart: { max_memory: '120MB' }, stop: { grace: '2s' } },
        lean: { command: [node, fixture('grow.mjs')], env: { GROW_MB: '20' }, restart: { max_memory: '120MB' } },
      },
      { sampleInterval: '100ms' },
    );
    const first = await waitFor('hog running', () => f.sup.view('hog').pid);
    const lean = await waitFor('lean running', () => f.sup.view('lean').pid);
    const restarted = await waitFor('hog restarted over its limit', () => {
      const v = f.sup.view('hog');
      return v.pid !== null && v.pid !== first && v.restarts >= 1 && v;
    });
    expect(alive(first)).toBe(false);
    const stopping = f.events.find((e) => e.topic === 'service.state' && e.payload.service === 'hog' && e.payload.to === 'stopping');
    expect(stopping?.topic === 'service.state' && stopping.payload.reason).toMatch(/^memory [\d.]+ MB over the 120 MB limit \(restart\.max_memory\); restarting$/);
    // The exit it caused is a stop, not a crash: no backoff, no crash-loop count.
    expect(f.events.some((e) => e.topic === 'service.state' && e.payload.service === 'hog' && e.payload.to === 'backoff')).toBe(false);
    const lv = f.sup.view('lean');
    expect(lv.pid).toBe(lean);
    expect(lv.restarts).toBe(0);
    expect(lv.memory_mb!).toBeLessThan(120);
  });
});

describe('supervisor: scheduled restarts', () => {
  it('restarts a running service on its cron schedule, and never starts a stopped one', async () => {
    const idle = [node, '-e', 'setInterval(() => {}, 1000)'];
    // Six fields: every second, so the test sees a tick soon.
    const f = await fleet({
      nightly: { command: idle, restart: { schedule: '*/1 * * * * *' } },
      parked: { command: idle, autostart: false, restart: { schedule: '*/1 * * * * *' } },
    });
    const first = await waitFor('nightly running', () => f.sup.view('nightly').pid);
    const second = await waitFor('nightly restarted on schedule', () => {
      const v = f.sup.view('nightly');
      return v.pid !== null && v.pid !== first && v.status === 'running' && v.pid;
    });
    expect(alive(first)).toBe(false);
    expect(second).not.toBe(first);
    const reasons = f.events.flatMap((e) => (e.topic === 'service.state' && e.payload.service === 'nightly' && e.payload.to === 'stopping' ? [e.payload.reason] : []));
    expect(reasons[0]).toBe('scheduled restart (restart.schedule "*/1 * * * * *"); restarting');
    expect(f.sup.view('parked').status).toBe('stopped');
    expect(f.events.some((e) => e.topic === 'service.state' && e.payload.service === 'parked' && e.payload.to === 'starting')).toBe(false);
  });
});

describe('supervisor: watch mode', () => {
  const idle = [node, '-e', 'setInterval(() => {}, 1000)'];
  const reasons = (f: Fleet, service: string) =>
    f.events.flatMap((e) => (e.topic === 'service.state' && e.payload.service === service && e.payload.to === 'stopping' ? [e.payload.reason] : []));

  it('restarts a running service when a watched file changes, once per burst, and never for ignored files', async () => {
    const dir = tempDir('wh-watch-');
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules'));
    const f = await fleet({ app: { command: idle, cwd: dir, watch: { debounce: '150ms' } } });
    const first = await waitFor('app running', () => f.sup.view('app').pid);
    // Ignored: a dependency, a log file. Given time to (wrongly) restart before the real change.
    writeFileSync(join(dir, 'node_modules', 'dep.js'), 'x');
    writeFileSync(join(dir, 'app.log'), 'a line\n');
    await new Promise((r) => setTimeout(r, 600));
    expect(f.sup.view('app').pid).toBe(first);
    writeFileSync(join(dir, 'src', 'a.js'), '1');
    writeFileSync(join(dir, 'src', 'b.js'), '2');
    const second = await waitFor('app restarted', () => {
      const v = f.sup.view('app');
      return v.pid !== null && v.pid !== first && v.status === 'running' && v.pid;
    });
    expect(alive(first)).toBe(false);
    expect(reasons(f, 'app')).toEqual([`files changed: ${join('src', 'a.js')}, ${join('src', 'b.js')}; restarting`]);
    expect(f.sup.view('app').restarts).toBe(1);
    expect(second).not.toBe(first);
  });

  it('starts an errored service again when its files change, and leaves a stopped one stopped', async () => {
    const dir = tempDir('wh-watch-');
    writeFileSync(join(dir, 'app.js'), 'process.exit(1)');
    const f = await fleet({
      broken: { command: [node, 'app.js'], cwd: dir, watch: { debounce: '100ms' }, restart: { crash_loop_exits: 2, backoff: '10ms' } },
      parked: { command: idle, cwd: dir, watch: { paths: ['app.js'], debounce: '100ms' } },
    });
    await waitFor('broken errored', () => f.sup.view('broken').status === 'errored');
    await waitFor('parked running', () => f.sup.view('parked').pid);
    await f.sup.stopService('parked');
    // The fix: the service now runs.
    writeFileSync(join(dir, 'app.js'), 'setInterval(() => {}, 1000)');
    await waitFor('broken running again', () => f.sup.view('broken').status === 'running' && f.sup.view('broken').pid);
    await new Promise((r) => setTimeout(r, 400));
    expect(f.sup.view('parked').status).toBe('stopped');
    expect(f.events.some((e) => e.topic === 'service.state' && e.payload.service === 'broken' && e.payload.reason === 'files changed: app.js; restarting')).toBe(true);
  });
});
