/**
 * Hub ingest: a real hub (dist/bin/wheelhouse.js hub, its own process) with 10,000 registered
 * hosts, loaded by simulated agents in separate processes — first at the target (10,000
 * hosts every 10 s = 1,000 reports/s), then closed-loop with more and more requests in flight
 * until the hub's CPU saturates — and the floor: the same points appended straight into a
 * store (store.metrics.appendPoints), one per call and in batches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sleep, waitFor } from '../lib/clock.js';
import { freePorts } from '../lib/ports.js';
import { exited, run, signal, spawnLogged } from '../lib/proc.js';
import { percentile } from '../lib/stats.js';
import { pathToFileURL } from 'node:url';
import type { LoadPlan, LoadResult } from './loadgen.ts';
import type { FloorRun, IngestRun } from './model.js';
import { cpuMs } from './procstat.js';
import { commandOf } from '../lib/build.js';

const keyPrefix = 'whh_bench_key_';

/** The parts of the built store (dist/, the very code the hub runs) the benchmark uses. */
interface BuiltStore {
  hosts: { create(h: unknown): Promise<void> };
  metrics: { appendPoints(points: { source: string; ts: number; values: Record<string, number> }[]): Promise<void> };
  close(): Promise<void>;
}

async function built(repo: string) {
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(repo, 'dist', path)).href)) as T;
  const { openStore } = await load<{ openStore(s: { kind: 'sqlite' }, dir: string): Promise<BuiltStore> }>('store/index.js');
  const { hashToken } = await load<{ hashToken(s: string): string }>('auth/tokens.js');
  const { newHostRecord } = await load<{ newHostRecord(h: { id: string }, hash: string, at: string): unknown }>('hosts/records.js');
  return { openStore, hashToken, newHostRecord };
}

/** Registers `hosts` simulated hosts straight into the store of `dataDir`. */
async function register(repo: string, dataDir: string, hosts: number): Promise<void> {
  const { openStore, hashToken, newHostRecord } = await built(repo);
  const store = await openStore({ kind: 'sqlite' }, dataDir);
  const at = new Date().toISOString();
  try {
    for (let i = 0; i < hosts; i++) await store.hosts.create(newHostRecord({ id: `sim-${i}` }, hashToken(`${keyPrefix}${i}`), at));
  } finally {
    await store.close();
  }
}

/** Runs load generators in parallel processes and sums their results. */
async function load(repo: string, url: string, hosts: number, generators: number, plan: Omit<LoadPlan, 'url' | 'first' | 'count' | 'keyPrefix'>): Promise<LoadResult> {
  const per = Math.floor(hosts / generators);
  const results = await Promise.all(
    Array.from({ length: generators }, async (_, g) => {
      const p: LoadPlan = { ...plan, url, first: g * per, count: per, keyPrefix, ...(plan.rate ? { rate: plan.rate / generators } : {}) };
      const r = await run(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'agent', 'loadgen.ts'), JSON.stringify(p)], { env: process.env, cwd: repo, timeoutMs: plan.durationMs + 60_000 });
      if (r.code !== 0) throw new Error(`load generator failed: ${r.stderr.slice(-500)}`);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as LoadResult;
    }),
  );
  const sum: LoadResult = { sent: 0, ok: 0, statuses: {}, errors: 0, latenciesMs: [], elapsedMs: 0, bodyBytes: 0, cpuMs: 0 };
  for (const r of results) {
    sum.sent += r.sent;
    sum.ok += r.ok;
    sum.errors += r.errors;
    sum.bodyBytes += r.bodyBytes;
    sum.cpuMs += r.cpuMs;
    sum.elapsedMs = Math.max(sum.elapsedMs, r.elapsedMs);
    sum.latenciesMs.push(...r.latenciesMs);
    for (const [k, v] of Object.entries(r.statuses)) sum.statuses[k] = (sum.statuses[k] ?? 0) + v;
  }
  return sum;
}

/** Measures the hub at the target rate and at saturation. */
export async function measureIngest(
  repo: string,
  workDir: string,
  opts: { hosts: number; samples: Record<string, number>; targetS: number; stepS: number; inFlight: number[] },
  log: (m: string) => void,
): Promise<IngestRun[]> {
  const dataDir = join(workDir, 'hub-data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const [port] = await freePorts(1);
  await register(repo, dataDir, opts.hosts);
  log(`registered ${opts.hosts.toLocaleString('en-US')} hosts`);
  const config = join(workDir, 'wheelhouse.yaml');
  writeFileSync(config, stringify({ hub: { port, data_dir: dataDir }, system: { log_level: 'warn' }, agents: { max_reports_per_minute: 1_000_000 }, services: {} }));
  const hub = spawnLogged(process.execPath, [commandOf(repo), 'hub', '--config', config, '--data-dir', dataDir, '--port', String(port)], {
    env: { PATH: process.env.PATH ?? '', HOME: workDir },
    cwd: workDir,
    logFile: join(workDir, 'hub.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  const runs: IngestRun[] = [];
  const samplesPerReport = Object.keys(opts.samples).length;
  try {
    await waitFor('the hub to be ready', 60_000, 100, async () => {
      try {
        return (await fetch(`${url}/health/ready`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
    // Warm-up: every host reports once, so the hub has seen them all.
    await load(repo, url, opts.hosts, 2, { samples: opts.samples, durationMs: 5000, inFlight: 16 });
    await sleep(1000);
    const measure = async (label: string, mode: 'rate' | 'closed', offered: string, plan: Omit<LoadPlan, 'url' | 'first' | 'count' | 'keyPrefix'>): Promise<void> => {
      const cpu0 = cpuMs(hub.pid!)!;
      const t0 = performance.now();
      const r = await load(repo, url, opts.hosts, 2, plan);
      const wallS = (performance.now() - t0) / 1000;
      const cpuS = (cpuMs(hub.pid!)! - cpu0) / 1000;
      const seconds = r.elapsedMs / 1000;
      const run: IngestRun = {
        label,
        mode,
        offered,
        seconds,
        reportsPerS: r.ok / seconds,
        samplesPerS: (r.ok * samplesPerReport) / seconds,
        hubCpuPercent: (cpuS / wallS) * 100,
        reportsPerCpuS: cpuS > 0 ? r.ok / cpuS : 0,
        p50Ms: percentile(r.latenciesMs, 50),
        p99Ms: percentile(r.latenciesMs, 99),
        statuses: r.statuses,
        errors: r.errors,
      };
      runs.push(run);
      log(`${label}: ${run.reportsPerS.toFixed(0)} reports/s, hub CPU ${run.hubCpuPercent.toFixed(0)}%, ${run.reportsPerCpuS.toFixed(0)} reports per CPU-second, p99 ${run.p99Ms?.toFixed(1)} ms`);
    };
    await measure(`target: ${opts.hosts.toLocaleString('en-US')} hosts every 10 s`, 'rate', `${opts.hosts / 10} reports/s`, { samples: opts.samples, durationMs: opts.targetS * 1000, rate: opts.hosts / 10, inFlight: 256 });
    for (const n of opts.inFlight) {
      await measure(`saturation: ${n * 2} in flight`, 'closed', `${n * 2} in flight`, { samples: opts.samples, durationMs: opts.stepS * 1000, inFlight: n });
    }
  } finally {
    signal(hub.pid!, 'SIGTERM');
    await exited(hub);
  }
  return runs;
}

/** The same points straight into a fresh store: one per call (a commit per report) and in batches of 100. */
export async function measureFloor(repo: string, workDir: string, samples: Record<string, number>, points: number, log: (m: string) => void): Promise<FloorRun[]> {
  const { openStore } = await built(repo);
  const out: FloorRun[] = [];
  for (const perCall of [1, 100]) {
    const dir = join(workDir, `floor-${perCall}`);
    mkdirSync(dir, { recursive: true });
    const store = await openStore({ kind: 'sqlite' }, dir);
    try {
      const base = Date.now() - 3_600_000;
      const all = Array.from({ length: points }, (_, i) => ({ source: `host:sim-${i % 10_000}`, ts: base + Math.floor(i / 10_000) * 10_000 + (i % 1000), values: samples }));
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < all.length; i += perCall) await store.metrics.appendPoints(all.slice(i, i + perCall));
      const s = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(cpu0);
      const run: FloorRun = { label: `appendPoints, ${perCall} per call`, points, perCall, pointsPerS: points / s, pointsPerCpuS: points / ((c.user + c.system) / 1e6) };
      out.push(run);
      log(`floor (${perCall} per call): ${run.pointsPerS.toFixed(0)} points/s`);
    } finally {
      await store.close();
    }
  }
  return out;
}
