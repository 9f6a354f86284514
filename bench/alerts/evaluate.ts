/**
 * The engine alone, loaded from the build (dist/) into this process: what evaluating one host
 * report costs with the built-in rules (no store read, no notification sent), as CPU time
 * over many reports below the thresholds (the common case) and above them (alerts pending,
 * deduplicated on every report). Only the few shapes below are relied on, so src/ is never
 * compiled into the benchmark.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';

/** CPU microseconds per report, quiet and alerting. */
export interface EvaluationCost {
  hosts: number;
  seriesPerReport: number;
  quietUsPerReport: number;
  alertingUsPerReport: number;
}

interface Bus {
  publish(topic: string, payload: unknown): void;
}
interface Engine {
  start(): Promise<void>;
  stop(): Promise<void>;
}
interface Built {
  EventBus: new () => Bus;
  createAlertEngine(deps: Record<string, unknown>): Engine;
  loadConfig(o: { file: string; env: NodeJS.ProcessEnv }): { alerts: unknown };
}

async function load(repo: string): Promise<Built> {
  const dist = (p: string): string => pathToFileURL(join(repo, 'dist', p)).href;
  const [events, alerts, config] = await Promise.all([import(dist('core/events.js')), import(dist('alerts/index.js')), import(dist('core/config/index.js'))]);
  return { EventBus: events.EventBus, createAlertEngine: alerts.createAlertEngine, loadConfig: config.loadConfig };
}

/** A report like the agent's: CPU per core, memory, disks, network, load (~40 series). */
function samples(hot: boolean): Record<string, number> {
  const s: Record<string, number> = { cpu_percent: hot ? 95 : 20, memory_percent: hot ? 95 : 40, swap_percent: 1, load1: 0.5, load5: 0.4, load15: 0.3, uptime_s: 1e5, processes: 300 };
  for (let c = 0; c < 8; c++) s[`cpu_core_percent{core="${c}"}`] = 20;
  for (const m of ['/', '/boot', '/data', '/home', '/tmp']) {
    s[`disk_used_percent{mount="${m}"}`] = hot ? 90 : 50;
    s[`disk_used_bytes{mount="${m}"}`] = 1e9;
    s[`disk_free_bytes{mount="${m}"}`] = 1e9;
  }
  for (const d of ['sda', 'sdb']) for (const k of ['read_bytes_per_s', 'write_bytes_per_s']) s[`disk_${k}{device="${d}"}`] = 1000;
  for (const i of ['eth0', 'eth1']) for (const k of ['rx_bytes_per_s', 'tx_bytes_per_s', 'rx_errors', 'tx_errors']) s[`net_${k}{interface="${i}"}`] = 10;
  return s;
}

/** Pushes `rounds` reports of each of `hosts` hosts through the bus (points and host.report) and measures CPU time. */
export async function measureEvaluation(repo: string, hosts: number, rounds: number): Promise<EvaluationCost> {
  const built = await load(repo);
  const dir = mkdtempSync(join(tmpdir(), 'wh-bench-eval-'));
  try {
    const file = join(dir, 'wheelhouse.yaml');
    writeFileSync(file, 'alerts:\n  channels:\n    - { name: hook, type: webhook, url: "http://127.0.0.1:9/" }\n');
    const settings = built.loadConfig({ file, env: {} }).alerts;
    const bus = new built.EventBus();
    const repoStub = { saveAlert: async () => {}, active: async () => [], rules: async () => [], silences: async () => [] };
    const notifier = { dispatch: () => {}, test: async () => ({}), channels: () => [], stop: async () => {} };
    const logs = { onAppended: () => () => {} };
    const engine = built.createAlertEngine({ settings, repo: repoStub, bus, logs, notifier, logger: pino({ level: 'silent' }), hostInterval: () => 10 });
    await engine.start();
    const run = (hot: boolean): number => {
      const values = samples(hot);
      const points = Array.from({ length: hosts }, (_, i) => ({ source: `host:h${i}`, ts: Date.now(), values }));
      const t0 = process.cpuUsage();
      for (let r = 0; r < rounds; r++) {
        for (const p of points) {
          bus.publish('metrics.points', { points: [p] });
          bus.publish('host.report', { host: p.source.slice(5), at: '', interval_s: 10 });
        }
      }
      const used = process.cpuUsage(t0);
      return (used.user + used.system) / (hosts * rounds);
    };
    run(false);
    const quiet = run(false);
    run(true);
    const alerting = run(true);
    await engine.stop();
    return { hosts, seriesPerReport: Object.keys(samples(false)).length, quietUsPerReport: quiet, alertingUsPerReport: alerting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
