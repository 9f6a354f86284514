/**
 * The hub under test: the built `wheelhouse hub` (dist/bin/wheelhouse.js) as a child process on a
 * free port, hosts registered through its API, and reports pushed the way an agent pushes
 * them (POST /api/metrics/report with the host's API key, over kept-alive connections).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitFor } from '../lib/clock.js';
import { freePorts } from '../lib/ports.js';
import { exited, spawnLogged } from '../lib/proc.js';
import { commandOf } from '../lib/build.js';

/** A running hub with the API keys of the hosts registered on it. */
export class BenchHub {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly keys = new Map<string, string>();
  private readonly seq = new Map<string, number>();
  private readonly run = Date.now();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly dir: string,
    private readonly token: string,
  ) {}

  /** Starts a hub of the build in `repo` with `alerts` as its alerts section; waits until it is ready. */
  static async start(repo: string, alerts: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<BenchHub> {
    const dir = mkdtempSync(join(tmpdir(), 'wh-bench-alerts-'));
    const [port] = await freePorts(1);
    const config = join(dir, 'wheelhouse.yaml');
    // A high per-host rate limit: the storm sends every report at once.
    writeFileSync(config, stringify({ agents: { max_reports_per_minute: 10_000 }, alerts }));
    const dataDir = join(dir, 'data');
    const logFile = join(dir, 'hub.log');
    const child = spawnLogged(process.execPath, [commandOf(repo), 'hub', '--json', '--config', config, '--data-dir', dataDir, '--port', String(port)], { env, cwd: dir, logFile });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`the hub at ${url} (log: ${logFile})`, 30_000, 20, async () => {
      if (child.exitCode !== null) throw new Error(`the hub exited while starting: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      try {
        return (await fetch(`${url}/health/startup`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
    return new BenchHub(child, url, dir, readFileSync(join(dataDir, 'admin.token'), 'utf8').trim());
  }

  /** Registers hosts (admin API) and keeps their keys. */
  async addHosts(ids: string[]): Promise<void> {
    for (const id of ids) {
      const res = await fetch(`${this.url}/api/hosts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, interval_s: 10 }),
      });
      const body = (await res.json()) as { api_key?: string };
      if (res.status !== 201 || !body.api_key) throw new Error(`registering host ${id}: HTTP ${res.status} ${JSON.stringify(body)}`);
      this.keys.set(id, body.api_key);
    }
  }

  /** Pushes one report of `host` with these samples; resolves with the HTTP status once the hub has answered. */
  report(host: string, samples: Record<string, number>): Promise<number> {
    const seq = (this.seq.get(host) ?? 0) + 1;
    this.seq.set(host, seq);
    const body = JSON.stringify({
      version: 1,
      host_id: host,
      run: this.run,
      seq,
      ts: Date.now(),
      interval_s: 10,
      samples,
      meta: { hostname: host, os: 'bench', kernel: 'bench', cpus: 2, agent_version: 'bench', boot_time: this.run },
    });
    const u = new URL(this.url);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: Number(u.port),
          path: '/api/metrics/report',
          method: 'POST',
          agent: this.agent,
          headers: { authorization: `Bearer ${this.keys.get(host)}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Stops the hub and deletes its directory. */
  async stop(): Promise<void> {
    this.agent.destroy();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await exited(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
