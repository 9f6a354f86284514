/** Wheelhouse under test: the built hub (dist/bin/wheelhouse.js) in the foreground, driven by its API and CLI. */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { settlesWithin } from '../lib/clock.js';
import { freePorts } from '../lib/ports.js';
import { exited, failsOnExit, runOk, signal, spawnLogged } from '../lib/proc.js';
import { fileOutput } from './capture.js';
import { storeOutput } from './wheelhouse-logs.js';
import type { CapturedOutput, Launcher, ManagerKind, RunContext, ServiceDef, Session } from './types.js';
import { commandOf } from '../lib/build.js';

/** How often the hub probes each web service once it is up (it probes every 50 ms while starting). */
const probeInterval = '2s';

/** The Wheelhouse manager. */
export const wheelhouse: ManagerKind = {
  name: 'wheelhouse',
  missing: (ctx) => (existsSync(cliPath(ctx)) ? null : 'wheelhouse not built (npm run build)'),
  async prepare(ctx, dir, services) {
    const [port] = await freePorts(1);
    const dataDir = join(dir, 'data');
    const config = join(dir, 'wheelhouse.yaml');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(config, stringify(configFor(services)));
    const url = `http://127.0.0.1:${port}`;
    const launcher: Launcher = {
      start: () => {
        const hub = spawnLogged(process.execPath, [cliPath(ctx), 'hub', '--config', config, '--data-dir', dataDir, '--port', String(port)], {
          env: ctx.env,
          cwd: dir,
          logFile: join(dir, 'hub.log'),
        });
        return new HubSession(ctx, dir, dataDir, url, hub);
      },
    };
    return launcher;
  },
};

function cliPath(ctx: RunContext): string {
  return commandOf(ctx.repo);
}

/** The wheelhouse.yaml for `services`: argv commands (no shell), http probes on web services. */
function configFor(services: ServiceDef[]): unknown {
  const entries = services.map((s) => {
    const svc: Record<string, unknown> = { command: [process.execPath, s.script] };
    if (s.port !== null) svc.port = s.port; // also sets PORT for the service
    if (Object.keys(s.env).length > 0) svc.env = s.env;
    if (s.probe && s.port !== null) svc.health = { http: `http://127.0.0.1:${s.port}/health`, interval: probeInterval, timeout: '1s' };
    // No log settings: the log store's defaults (5 GB, 7 days) hold the capture run with room to spare.
    return [s.name, svc] as const;
  });
  return { system: { log_level: 'info' }, services: Object.fromEntries(entries) };
}

interface View {
  service_name: string;
  status: string;
  pid: number | null;
}

class HubSession implements Session {
  readonly launched = Promise.resolve();
  readonly failed: Promise<never>;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly dir: string,
    private readonly dataDir: string,
    private readonly url: string,
    private readonly hub: ChildProcess,
  ) {
    this.failed = failsOnExit(hub, 'the wheelhouse hub', () => this.stopped !== undefined, join(dir, 'hub.log'));
  }

  /** Up means the API answers: the hub binds its port early and answers 503 while it loads. */
  async isUp(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) })).status === 200;
    } catch {
      return false;
    }
  }

  async pidOf(name: string): Promise<number | null> {
    return (await this.view(name)).pid;
  }

  async managerPid(): Promise<number | null> {
    return this.hub.pid ?? null;
  }

  async stopAll(): Promise<void> {
    await this.cli('stop', 'all');
  }

  async startAll(): Promise<void> {
    await this.cli('start', 'all');
  }

  async status(name: string): Promise<string> {
    return (await this.view(name)).status;
  }

  async output(name: string): Promise<CapturedOutput> {
    // Builds before the log store wrote captured output to a rotated file per service.
    const file = join(this.dataDir, 'logs', `${name}.out.log`);
    if (existsSync(file)) return fileOutput(file);
    return storeOutput(this.url, () => this.token(), name);
  }

  shutdown(): Promise<void> {
    // SIGTERM is the hub's documented stop: it stops its services, then exits.
    this.stopped ??= (async () => {
      if (this.hub.pid === undefined) return;
      signal(this.hub.pid, 'SIGTERM');
      const done = await settlesWithin(exited(this.hub), 30_000);
      if (!done) signal(this.hub.pid, 'SIGKILL');
    })();
    return this.stopped;
  }

  private token(): string {
    return readFileSync(join(this.dataDir, 'admin.token'), 'utf8').trim();
  }

  private async view(name: string): Promise<View> {
    const res = await fetch(`${this.url}/api/services/${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${this.token()}` } });
    if (!res.ok) throw new Error(`GET /api/services/${name}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as View;
  }

  private async cli(...args: string[]): Promise<void> {
    await runOk(process.execPath, [cliPath(this.ctx), ...args, '--data-dir', this.dataDir, '--url', this.url], { env: this.ctx.env, cwd: this.dir, timeoutMs: 60_000 });
  }
}
