/** `wheelhouse up` / `down`: the hub as a background daemon with a PID file and a log file. */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { commandPath } from '../../core/paths.js';
import { runningHub } from '../../hub/pidfile.js';
import { isRunning, isSameProcess } from '../../system/proc.js';
import { loadFullConfig, type GlobalFlags } from '../context.js';
import { exchange } from '../http.js';
import { paint, print, printJson } from '../output.js';

/** Registers `up` and `down`. */
export function registerDaemonCommands(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('up')
    .description('start the hub in the background (PID file and log in the data directory)')
    .option('--timeout <seconds>', 'how long to wait for the hub to be ready', '30')
    .action((opts: { timeout: string }, cmd: Command) => run(() => up(cmd.optsWithGlobals<GlobalFlags>(), Number(opts.timeout))));
  program
    .command('down')
    .description('stop the background hub; it stops its services first, in reverse dependency order')
    .option('--timeout <seconds>', 'how long to wait for it to exit', '120')
    .action((opts: { timeout: string }, cmd: Command) => run(() => down(cmd.optsWithGlobals<GlobalFlags>(), Number(opts.timeout))));
}

async function up(flags: GlobalFlags, timeoutS: number): Promise<number> {
  const config = await loadFullConfig(flags);
  const { dataDir, host, port } = config.hub;
  const existing = runningHub(dataDir);
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (existing) {
    if (flags.json) printJson({ running: true, already: true, pid: existing.pid, url });
    else print(`hub already running (pid ${existing.pid}) at ${url}`);
    return 0;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = join(dataDir, 'hub.log');
  const logStart = sizeOf(logFile);
  const out = openSync(logFile, 'a', 0o600);
  const args = [commandPath, 'hub', '--data-dir', dataDir, '--port', String(port), '--host', host];
  if (config.file) args.push('--config', config.file);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || (child.pid !== undefined && !isRunning(child.pid))) {
      throw new AppError('hub/unreachable', `the hub exited during startup; its log (${logFile}) says:\n${tail(logFile, logStart)}`);
    }
    if (await isReady(url)) {
      if (flags.json) printJson({ running: true, pid: child.pid, url, log: logFile });
      else print(`${paint('green', '✓')} hub started (pid ${child.pid}) at ${paint('cyan', url)}; log: ${logFile}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new AppError('hub/unreachable', `the hub (pid ${child.pid}) did not become ready within ${timeoutS}s; see ${logFile}`);
}

async function down(flags: GlobalFlags, timeoutS: number): Promise<number> {
  const config = await loadFullConfig(flags);
  const hub = runningHub(config.hub.dataDir);
  if (!hub) {
    if (flags.json) printJson({ running: false });
    else print('hub is not running');
    return 0;
  }
  process.kill(hub.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    if (!isSameProcess(hub.pid, hub.startTicks)) {
      if (flags.json) printJson({ running: false, stopped_pid: hub.pid });
      else print(`${paint('green', '✓')} hub (pid ${hub.pid}) stopped, with its services`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new AppError('hub/unreachable', `the hub (pid ${hub.pid}) is still stopping after ${timeoutS}s (a service with a long grace period?)`);
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await exchange(`${url}/health/ready`, { method: 'GET', headers: {}, timeoutMs: 1000 })).status === 200;
  } catch {
    return false;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function tail(path: string, from: number): string {
  try {
    return readFileSync(path, 'utf8').slice(from).trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
