/**
 * Every process the logs benchmark starts (hubs, load generators, through the hubs the
 * services), so that all of them are stopped on success, failure and Ctrl-C: live children
 * are signalled in reverse start order, then anything still carrying the run marker is killed.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { settlesWithin, sleep } from '../lib/clock.js';
import { exited, pidsWithEnv, signal } from '../lib/proc.js';

/** The marker every started process inherits (not WHEELHOUSE_*: the hub strips those from its services). */
export interface RunMarker {
  key: string;
  value: string;
}

/** The processes of one benchmark run. */
export class Children {
  private readonly live = new Map<ChildProcess, { what: string; graceMs: number }>();

  constructor(readonly marker: RunMarker) {}

  /**
   * Spawns `file args` in its own process group (a Ctrl-C reaches only the benchmark, which
   * then stops things in order) with stderr, and stdout unless `pipeStdout`, in `logFile`.
   * `graceMs` is how long `stop` waits after SIGTERM before SIGKILL.
   */
  spawn(what: string, file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; pipeStdout?: boolean; graceMs?: number }): ChildProcess {
    const fd = openSync(opts.logFile, 'a');
    try {
      const stdio: StdioOptions = ['ignore', opts.pipeStdout ? 'pipe' : fd, fd];
      const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio, detached: true });
      child.on('error', () => {}); // reported through the exit and the log instead
      this.live.set(child, { what, graceMs: opts.graceMs ?? 30_000 });
      child.once('exit', () => this.live.delete(child));
      return child;
    } finally {
      closeSync(fd);
    }
  }

  /** SIGTERM, then SIGKILL after the child's grace period; resolves once it has exited. */
  async stop(child: ChildProcess): Promise<void> {
    const entry = this.live.get(child);
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    signal(child.pid, 'SIGTERM');
    if (!(await settlesWithin(exited(child), entry?.graceMs ?? 30_000))) {
      signal(child.pid, 'SIGKILL');
      await settlesWithin(exited(child), 5000);
    }
  }

  /** Stops every live child, newest first (load generators before the hub they load), then sweeps; returns what the sweep killed. */
  async stopAll(): Promise<string[]> {
    for (const child of [...this.live.keys()].reverse()) await this.stop(child);
    return this.sweep();
  }

  /** SIGKILLs every process with the run marker (services a killed hub left behind); returns "pid cmdline" of each. */
  async sweep(): Promise<string[]> {
    const killed: string[] = [];
    for (let round = 0; round < 5; round++) {
      const pids = pidsWithEnv(this.marker.key, this.marker.value);
      if (pids.length === 0) break;
      for (const pid of pids) {
        killed.push(`${pid} ${cmdline(pid)}`);
        signal(pid, 'SIGKILL');
      }
      await sleep(100);
    }
    return [...new Set(killed)];
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}

/** The environment of everything the benchmark starts: ours minus settings that point the tools elsewhere, plus the marker. */
export function childEnv(marker: RunMarker): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('WHEELHOUSE_') || k.startsWith('npm_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  env[marker.key] = marker.value;
  return env;
}
