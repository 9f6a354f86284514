/**
 * The hub the dashboard is measured against: the built `wheelhouse hub` as a child process
 * with `services` idle services (sleep), a user to sign in as, and log rows bulk-ingested
 * over the API the way a fleet sends them.
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

export const benchUser = { name: 'bench', password: 'bench password 1234' };

const levels = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const words = 'request handled cache miss upstream timeout retry user order payment item catalog query slow connection pool exhausted'.split(' ');

export class WebBenchHub {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly dir: string,
    readonly token: string,
    readonly logFile: string,
  ) {}

  /** Starts a hub of the build in `repo` with `services` idle services; waits until all are running. */
  static async start(repo: string, services: number, env: NodeJS.ProcessEnv): Promise<WebBenchHub> {
    const dir = mkdtempSync(join(tmpdir(), 'wh-bench-web-'));
    const [port] = await freePorts(1);
    const config = join(dir, 'wheelhouse.yaml');
    const fleet: Record<string, unknown> = {};
    for (let i = 1; i <= services; i++) fleet[`svc-${String(i).padStart(2, '0')}`] = { display_name: `Service ${i}`, command: ['sleep', '1000000'], restart: { policy: 'always' } };
    writeFileSync(config, stringify({ logs: { max_queue: 200_000 }, services: fleet }));
    const dataDir = join(dir, 'data');
    const logFile = join(dir, 'hub.log');
    const child = spawnLogged(process.execPath, [commandOf(repo), 'hub', '--json', '--config', config, '--data-dir', dataDir, '--port', String(port)], { env, cwd: dir, logFile });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`the hub at ${url} (log: ${logFile})`, 60_000, 50, async () => {
      if (child.exitCode !== null) throw new Error(`the hub exited while starting: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      try {
        return (await fetch(`${url}/health/startup`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
    const hub = new WebBenchHub(child, url, dir, readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(), logFile);
    const res = await hub.api('POST', '/api/users', { name: benchUser.name, role: 'admin', password: benchUser.password });
    if (res.status !== 201) throw new Error(`creating the bench user: HTTP ${res.status}`);
    return hub;
  }

  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.url}${path}`, { method, headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /**
   * Ingests `rows` log entries spread over the last 24 h across the services (batches of
   * 1,000 over 4 kept-alive connections), retrying a batch the hub answers 429; resolves
   * once the API counts them all.
   */
  async ingestLogs(rows: number, services: number, log: (m: string) => void): Promise<void> {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const end = Date.now();
    let next = 0;
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const batch = (from: number, n: number): string => {
      const entries = [];
      for (let i = from; i < from + n; i++) {
        const w = () => words[Math.floor(rand() * words.length)]!;
        entries.push({
          timestamp: new Date(end - 86_400_000 + Math.floor((i / rows) * 86_400_000)).toISOString(),
          service_name: `svc-${String((i % services) + 1).padStart(2, '0')}`,
          level: levels[Math.floor(rand() * levels.length)],
          message: `${w()} ${w()} ${w()} id=${i} took ${Math.floor(rand() * 900)}ms ${w()} ${w()} from 10.0.${i % 255}.${(i * 7) % 255}`,
          context: { request_id: `r${i}`, attempt: 1 + (i % 3) },
          trace_id: (i * 2654435761 >>> 0).toString(16).padStart(8, '0') + 'a1b2c3d4e5f6a7b8c9d0e1f2',
        });
      }
      return JSON.stringify(entries);
    };
    const send = (body: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${this.url}/api/logs/ingest`, { method: 'POST', agent, headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    let lastLog = Date.now();
    const worker = async (): Promise<void> => {
      while (next < rows) {
        const from = next;
        const n = Math.min(1000, rows - from);
        next += n;
        const body = batch(from, n);
        for (;;) {
          const status = await send(body);
          if (status === 200 || status === 201 || status === 202) break;
          if (status !== 429) throw new Error(`ingest answered HTTP ${status}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          log(`ingested ${next.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    agent.destroy();
    // Stored and searchable: the full-text index has caught up with the last row.
    await waitFor('every ingested row stored and searchable', 600_000, 500, async () => {
      const s = (await this.api('GET', '/api/logs/stats')).body as { rows: number; last_id: number; searchable_up_to: number; queue_depth: number };
      return s.rows >= rows && s.queue_depth === 0 && s.searchable_up_to >= s.last_id ? true : undefined;
    });
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await exited(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
