/** Processes: running commands, spawning long-lived ones with logged output, and reading /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { now } from './clock.js';

/** Outcome of a command run to completion. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the command, ms. */
  ms: number;
}

/** Runs `file args` to completion with output captured; kills it after `timeoutMs` (then code is null). */
export function run(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<RunResult> {
  const started = now();
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + String(err), ms: now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: now() - started });
    });
  });
}

/** Like `run`, but throws with the command's output when it does not exit 0. */
export async function runOk(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<RunResult> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-800)}`);
  return r;
}

/**
 * Spawns a long-lived process in its own process group (so a Ctrl-C on the benchmark reaches
 * only the benchmark, which then shuts things down in order) with stdout+stderr in `logFile`.
 */
export function spawnLogged(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): ChildProcess {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', fd, fd], detached: true });
    child.on('error', () => {}); // reported through the exit and the log instead
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resident set size (VmRSS) of `pid` in MB, or null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Whether `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is alive and its environment contains exactly `key=value`. */
export function hasEnv(pid: number, key: string, value: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${key}=${value}`) && alive(pid);
  } catch {
    return false; // gone, or not ours to read
  }
}

/** Pids of live processes (other than this one) whose environment contains exactly `key=value` (the benchmark's run marker). */
export function pidsWithEnv(key: string, value: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => hasEnv(pid, key, value));
}

/** Sends `signal` to `pid`, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** A promise that never resolves; rejects when `child` exits unless `expected()` says the exit was asked for. */
export function failsOnExit(child: ChildProcess, what: string, expected: () => boolean, logFile: string): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code, sig) => {
      if (expected()) return;
      let tail = '';
      try {
        tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      } catch {
        /* no log */
      }
      reject(new Error(`${what} exited unexpectedly (${sig ?? `code ${code}`}); last lines of ${logFile}:\n${tail}`));
    });
  });
  failed.catch(() => {}); // only meaningful to whoever races it
  return failed;
}

/** A promise that never settles: what a successful step becomes when raced against a wait. */
export function never(): Promise<never> {
  return new Promise<never>(() => {});
}
