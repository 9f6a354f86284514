/**
 * Test harness: the real alert engine on a real SQLite store, a real bus and a real log
 * service, configured from a wheelhouse.yaml `alerts:` section (loaded by the real config
 * loader). Notifications go to a recording notifier (the engine's seam to the channels).
 */
import { pino } from 'pino';
import { loadConfig, type AlertingSettings } from '../../core/config/index.js';
import { EventBus, type BusEvent } from '../../core/events.js';
import { defaultLimits } from '../../logs/entry.js';
import { createLogService, type LogService } from '../../logs/index.js';
import { openStore, type MetricPoint, type Store } from '../../store/index.js';
import { tempDir, writeConfig } from '../../testing/helpers.js';
import { createAlertEngine, type AlertEngine } from '../index.js';
import type { Notification, Notifier } from '../notifiers/index.js';

/** A notifier that records what it is handed. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(private readonly names: string[] = []) {}
  dispatch(n: Notification): void {
    this.sent.push(structuredClone(n));
  }
  async test(channel: string) {
    return { channel, ok: true, error: null, ms: 0 };
  }
  channels(): ReturnType<Notifier['channels']> {
    return this.names.map((name) => ({ name, type: 'webhook' as const, target: 'http://127.0.0.1/', queued: 0, dropped: 0 }));
  }
  async stop(): Promise<void> {}
  /** Notifications of one kind. */
  of(kind: Notification['kind']): Notification[] {
    return this.sent.filter((n) => n.kind === kind);
  }
}

/** An engine under test. */
export interface AlertHarness {
  engine: AlertEngine;
  bus: EventBus;
  store: Store;
  logs: LogService;
  notifier: RecordingNotifier;
  settings: AlertingSettings;
  events: BusEvent[];
  dataDir: string;
  /** Publishes one point per entry of `values`, as a host report would. */
  push(source: string, values: Record<string, number>): void;
  /** Stops the engine only (the store stays open), e.g. to start another on the same data. */
  stopEngine(): Promise<void>;
  close(): Promise<void>;
}

/** Loads `alerts` (the config section) through the real config loader. */
export function alertSettings(alerts: Record<string, unknown>, dataDir: string = tempDir('wh-alerts-data-')): AlertingSettings {
  const file = writeConfig(tempDir('wh-alerts-cfg-'), { hub: { data_dir: dataDir }, alerts });
  return loadConfig({ file, env: process.env }).alerts;
}

/** Parts owned by someone else (a supervisor fleet): the harness uses them and leaves them open. */
export interface SharedParts {
  store: Store;
  bus: EventBus;
  logs: LogService;
  dataDir: string;
}

/** Starts an engine with `alerts` settings; `dataDir` reuses a store of an earlier harness, `parts` runs on a fleet's. */
export async function startAlertHarness(
  alerts: Record<string, unknown>,
  opts: { dataDir?: string; hostInterval?: (h: string) => number | undefined; parts?: SharedParts } = {},
): Promise<AlertHarness> {
  const dataDir = opts.parts?.dataDir ?? opts.dataDir ?? tempDir('wh-alerts-data-');
  const settings = alertSettings(alerts, dataDir);
  const logger = pino({ level: 'silent' });
  const store = opts.parts?.store ?? (await openStore({ kind: 'sqlite' }, dataDir));
  const bus =
    opts.parts?.bus ??
    new EventBus((err) => {
      throw err;
    });
  const events: BusEvent[] = [];
  bus.subscribeAll((e) => events.push(e));
  let logs = opts.parts?.logs;
  if (!logs) {
    logs = createLogService(store.logs, { limits: defaultLimits, retention: { maxAgeMs: 86_400_000, maxBytes: 1e9 }, maxQueued: 10_000, hostname: 'test' }, logger);
    logs.start();
  }
  const notifier = new RecordingNotifier(settings.channels.map((c) => c.name));
  const engine = createAlertEngine({ settings, repo: store.alerts, bus, logs, notifier, logger, hostInterval: opts.hostInterval ?? (() => undefined) });
  await engine.start();
  let engineStopped = false;
  let closed = false;
  return {
    engine,
    bus,
    store,
    logs,
    notifier,
    settings,
    events,
    dataDir,
    push(source, values) {
      const point: MetricPoint = { source, ts: Date.now(), values };
      bus.publish('metrics.points', { points: [point] });
    },
    async stopEngine() {
      if (engineStopped) return;
      engineStopped = true;
      await engine.stop();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!engineStopped) await engine.stop();
      if (opts.parts) return;
      await logs.stop();
      await store.close();
    },
  };
}

/** A webhook channel to nowhere, so routes have a channel to name. */
export function channel(name: string): Record<string, unknown> {
  return { name, type: 'webhook', url: 'http://127.0.0.1:9/hook' };
}
