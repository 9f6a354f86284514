/** supervisord under test: the Debian package, foreground (nodaemon) with a private config and unix socket. */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { settlesWithin } from '../lib/clock.js';
import { exited, failsOnExit, run, runOk, signal, spawnLogged } from '../lib/proc.js';
import { fileOutput } from './capture.js';
import type { CapturedOutput, Launcher, ManagerKind, RunContext, ServiceDef, Session } from './types.js';

/** The supervisord manager. */
export const supervisord: ManagerKind = {
  name: 'supervisord',
  missing: (ctx) => (which('supervisord', ctx) && which('supervisorctl', ctx) ? null : 'supervisord not installed (apt-get install supervisor / npm ci)'),
  async prepare(ctx, dir, services) {
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true });
    const conf = join(dir, 'supervisord.conf');
    writeFileSync(conf, configFor(dir, logs, services));
    const launcher: Launcher = {
      start: () => {
        const daemon = spawnLogged(which('supervisord', ctx)!, ['-c', conf], { env: ctx.env, cwd: dir, logFile: join(dir, 'supervisord.stdout') });
        return new SupervisordSession(ctx, dir, conf, daemon);
      },
    };
    return launcher;
  },
};

function which(cmd: string, ctx: RunContext): string | null {
  for (const d of (ctx.env.PATH ?? '').split(delimiter)) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

/** supervisord interpolates %(name)s in values: a literal % must be doubled. */
function esc(value: string): string {
  return value.replace(/%/g, '%%');
}

function quote(value: string): string {
  return `"${esc(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The config: nodaemon so the benchmark owns the process, a unix socket in the temp dir,
 * restart settings at supervisord's defaults except autorestart=true for the web services
 * (a kill -9 must bring them back; the crash-loop service keeps every default).
 */
function configFor(dir: string, logs: string, services: ServiceDef[]): string {
  const sock = join(dir, 'supervisor.sock');
  const lines = [
    '[unix_http_server]',
    `file=${esc(sock)}`,
    'chmod=0700',
    '',
    '[supervisord]',
    'nodaemon=true',
    `logfile=${esc(join(dir, 'supervisord.log'))}`,
    `pidfile=${esc(join(dir, 'supervisord.pid'))}`,
    `childlogdir=${esc(logs)}`,
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${esc(sock)}`,
  ];
  for (const s of services) {
    const env = { ...s.env, ...(s.port !== null ? { PORT: String(s.port) } : {}) };
    lines.push(
      '',
      `[program:${s.name}]`,
      `command=${quote(process.execPath)} ${quote(s.script)}`,
      `directory=${esc(dir)}`,
      ...(Object.keys(env).length > 0 ? [`environment=${Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(',')}`] : []),
      ...(s.probe ? ['autorestart=true'] : []),
      `stdout_logfile=${esc(join(logs, `${s.name}.out.log`))}`,
      // 0 disables rotation: all 1,000,000 capture lines stay in one file.
      ...(s.bigLog ? ['stdout_logfile_maxbytes=0'] : []),
      `stderr_logfile=${esc(join(logs, `${s.name}.err.log`))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

class SupervisordSession implements Session {
  readonly launched = Promise.resolve();
  readonly failed: Promise<never>;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly dir: string,
    private readonly conf: string,
    private readonly daemon: ChildProcess,
  ) {
    this.failed = failsOnExit(daemon, 'supervisord', () => this.stopped !== undefined, join(dir, 'supervisord.stdout'));
  }

  async isUp(): Promise<boolean> {
    return existsSync(join(this.dir, 'supervisor.sock'));
  }

  async pidOf(name: string): Promise<number | null> {
    const pid = Number((await this.ctl(true, 'pid', name)).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  async managerPid(): Promise<number | null> {
    return this.daemon.pid ?? null;
  }

  async stopAll(): Promise<void> {
    await this.ctl(true, 'stop', 'all');
  }

  async startAll(): Promise<void> {
    await this.ctl(true, 'start', 'all');
  }

  async status(name: string): Promise<string> {
    // `status` exits non-zero for a process that is not running: that is an answer, not an error.
    const out = await this.ctl(false, 'status', name);
    return out.trim().split(/\s+/)[1] ?? out.trim();
  }

  async output(name: string): Promise<CapturedOutput> {
    return fileOutput(join(this.dir, 'logs', `${name}.out.log`));
  }

  shutdown(): Promise<void> {
    // SIGTERM makes supervisord stop its programs (stopwaitsecs each), then exit.
    this.stopped ??= (async () => {
      if (this.daemon.pid === undefined) return;
      signal(this.daemon.pid, 'SIGTERM');
      const done = await settlesWithin(exited(this.daemon), 30_000);
      if (!done) signal(this.daemon.pid, 'SIGKILL');
    })();
    return this.stopped;
  }

  private async ctl(strict: boolean, ...args: string[]): Promise<string> {
    const opts = { env: this.ctx.env, cwd: this.dir, timeoutMs: 60_000 };
    const file = which('supervisorctl', this.ctx)!;
    const r = strict ? await runOk(file, ['-c', this.conf, ...args], opts) : await run(file, ['-c', this.conf, ...args], opts);
    return r.stdout;
  }
}
