/**
 * The hub under test: the built `wheelhouse hub` (dist/bin/wheelhouse.js) as a separate process on
 * a free port with its own config and data directory, as tests start it
 * (src/testing/hub-process.ts). Optionally run under --cpu-prof.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitFor } from '../lib/clock.js';
import { freePorts } from '../lib/ports.js';
import { failsOnExit } from '../lib/proc.js';
import type { Children } from './children.js';
import { Api } from './http.js';
import { commandOf } from '../lib/build.js';

/** What GET /api/logs/stats answers. */
export interface StoreStats {
  rows: number;
  bytes: number;
  last_id: number;
  searchable_up_to: number;
  queue_depth: number;
}

/** How to start a hub. */
export interface HubSpec {
  /** The build to run: a directory holding dist/ (the run's copy of it, see snapshot.ts). */
  app: string;
  /** Where its config and log file go. */
  dir: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** wheelhouse.yaml contents (as an object). */
  config: Record<string, unknown>;
  /** Write a CPU profile of the hub (every thread) into this directory when it exits. */
  profileDir?: string;
}

/** A running hub. */
export class Hub {
  /** Rejects if the hub exits before `stop`; never resolves. */
  readonly failed: Promise<never>;
  private stopping = false;

  private constructor(
    private readonly children: Children,
    readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    readonly logFile: string,
    readonly api: Api,
  ) {
    this.failed = failsOnExit(child, 'the wheelhouse hub', () => this.stopping, logFile);
  }

  /** The hub's pid. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Starts a hub and waits until its API answers (GET /health/ready 200). */
  static async start(children: Children, spec: HubSpec): Promise<Hub> {
    const [port] = await freePorts(1);
    mkdirSync(spec.dataDir, { recursive: true });
    const config = join(spec.dir, 'wheelhouse.yaml');
    writeFileSync(config, stringify(spec.config));
    const logFile = join(spec.dir, 'hub.log');
    const nodeArgs = spec.profileDir ? ['--cpu-prof', '--cpu-prof-dir', spec.profileDir] : [];
    if (spec.profileDir) mkdirSync(spec.profileDir, { recursive: true });
    const child = children.spawn('hub', process.execPath, [...nodeArgs, commandOf(spec.app), 'hub', '--json', '--config', config, '--data-dir', spec.dataDir, '--port', String(port)], {
      env: spec.env,
      cwd: spec.dir,
      logFile,
      graceMs: 60_000,
    });
    const url = `http://127.0.0.1:${port}`;
    let exitedEarly = false;
    child.once('exit', () => (exitedEarly = true));
    await waitFor(`the hub at ${url}`, 60_000, 20, async () => {
      if (exitedEarly) throw new Error(`the hub exited while starting; see ${logFile}:\n${tail(logFile)}`);
      try {
        return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
    const token = readFileSync(join(spec.dataDir, 'admin.token'), 'utf8').trim();
    return new Hub(children, child, url, spec.dataDir, logFile, new Api(url, token));
  }

  /** The admin token. */
  get token(): string {
    return readFileSync(join(this.dataDir, 'admin.token'), 'utf8').trim();
  }

  /** GET /api/logs/stats. */
  stats(): Promise<StoreStats> {
    return this.api.json<StoreStats>('/api/logs/stats');
  }

  /** Stops the hub (SIGTERM: it stops its services, then exits; SIGKILL after a minute). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.api.close();
    await this.children.stop(this.child);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** CPU time (user + system, ms) of a process, and of its main thread alone; null when it is gone. */
export function cpuMs(pid: number): { total: number; main: number } | null {
  const ticks = (file: string): number => {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
    return Number(fields[11]) + Number(fields[12]);
  };
  try {
    // Clock ticks are 10 ms on Linux (CLK_TCK 100).
    return { total: ticks(`/proc/${pid}/stat`) * 10, main: ticks(`/proc/${pid}/task/${pid}/stat`) * 10 };
  } catch {
    return null;
  }
}
