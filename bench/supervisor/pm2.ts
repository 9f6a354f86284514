/** PM2 under test: its CLI with a private PM2_HOME, so the benchmark's daemon is its own and dies with `pm2 kill`. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, never, run, runOk, signal } from '../lib/proc.js';
import { sleep } from '../lib/clock.js';
import { fileOutput } from './capture.js';
import type { CapturedOutput, Launcher, ManagerKind, RunContext, ServiceDef, Session } from './types.js';

/** The PM2 manager. */
export const pm2: ManagerKind = {
  name: 'pm2',
  missing: (ctx) => (existsSync(pm2Bin(ctx)) ? null : 'pm2 not installed (apt-get install supervisor / npm ci)'),
  async prepare(ctx, dir, services) {
    const home = join(dir, 'pm2home');
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true });
    const ecosystem = join(dir, 'ecosystem.config.cjs');
    writeFileSync(ecosystem, `module.exports = ${JSON.stringify({ apps: services.map((s) => appFor(s, logs)) }, null, 2)};\n`);
    // Every pm2 command, even `pm2 --version`, spawns a daemon in PM2_HOME: never let it use ~/.pm2.
    const env = { ...ctx.env, PM2_HOME: home };
    const launcher: Launcher = {
      start: () => new Pm2Session(ctx, dir, home, env, runOk(pm2Bin(ctx), ['start', ecosystem], { env, cwd: dir, timeoutMs: 60_000 }).then(() => {})),
    };
    return launcher;
  },
};

function pm2Bin(ctx: RunContext): string {
  return join(ctx.repo, 'node_modules', '.bin', 'pm2');
}

/** One ecosystem entry: fork mode and restart settings left at PM2's defaults. */
function appFor(s: ServiceDef, logs: string): Record<string, unknown> {
  return {
    name: s.name,
    script: s.script,
    env: { ...s.env, ...(s.port !== null ? { PORT: String(s.port) } : {}) },
    out_file: join(logs, `${s.name}.out.log`),
    error_file: join(logs, `${s.name}.err.log`),
  };
}

interface JlistEntry {
  name: string;
  pid: number;
  pm2_env: { status: string; pm_out_log_path: string };
}

class Pm2Session implements Session {
  readonly failed: Promise<never>;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly dir: string,
    private readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly launched: Promise<void>,
  ) {
    // The daemon is not our child: a failed `pm2 start` is the failure we can see.
    this.failed = launched.then(never);
    this.failed.catch(() => {});
  }

  async isUp(): Promise<boolean> {
    // The God daemon creates its RPC socket once it is ready for commands.
    return existsSync(join(this.home, 'rpc.sock'));
  }

  async pidOf(name: string): Promise<number | null> {
    const pid = (await this.entry(name)).pid;
    return pid > 0 ? pid : null;
  }

  async managerPid(): Promise<number | null> {
    const file = join(this.home, 'pm2.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
  }

  async stopAll(): Promise<void> {
    await this.cli('stop', 'all');
  }

  async startAll(): Promise<void> {
    await this.cli('start', 'all');
  }

  async status(name: string): Promise<string> {
    return (await this.entry(name)).pm2_env.status;
  }

  async output(name: string): Promise<CapturedOutput> {
    return fileOutput((await this.entry(name)).pm2_env.pm_out_log_path);
  }

  shutdown(): Promise<void> {
    this.stopped ??= (async () => {
      const god = await this.managerPid();
      await this.launched.catch(() => {});
      // `pm2 kill` stops the apps, then the daemon.
      await run(pm2Bin(this.ctx), ['kill'], { env: this.env, cwd: this.dir, timeoutMs: 30_000 });
      if (god !== null) {
        for (let i = 0; i < 50 && alive(god); i++) await sleep(100);
        if (alive(god)) signal(god, 'SIGKILL');
      }
    })();
    return this.stopped;
  }

  private async entry(name: string): Promise<JlistEntry> {
    const { stdout } = await this.cli('jlist');
    // jlist may print notices before the JSON (e.g. when it had to spawn the daemon).
    const list = JSON.parse(stdout.slice(stdout.indexOf('['))) as JlistEntry[];
    const found = list.find((e) => e.name === name);
    if (!found) throw new Error(`pm2 jlist has no "${name}"`);
    return found;
  }

  private cli(...args: string[]): Promise<{ stdout: string }> {
    return runOk(pm2Bin(this.ctx), args, { env: this.env, cwd: this.dir, timeoutMs: 60_000 });
  }
}
