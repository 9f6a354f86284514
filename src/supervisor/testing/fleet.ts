/** Test harness: a real supervisor over a real SQLite store in a temp dir, from a YAML config. */
import { pino } from 'pino';
import { loadConfig } from '../../core/config/index.js';
import { EventBus, type BusEvent } from '../../core/events.js';
import { tempDir, writeConfig } from '../../testing/helpers.js';
import { defaultLimits } from '../../logs/entry.js';
import { createLogService, type LogService } from '../../logs/index.js';
import { openStore, type Store } from '../../store/index.js';
import { createSupervisor, type Supervisor } from '../index.js';
import { allEntries } from '../../logs/testing/entries.js';

/** A running fleet under test. */
export interface Fleet {
  sup: Supervisor;
  store: Store;
  bus: EventBus;
  events: BusEvent[];
  dataDir: string;
  logs: LogService;
  /** Messages captured from a service, oldest first (optionally one stream only). */
  output(service: string, stream?: 'stdout' | 'stderr'): Promise<string[]>;
  /** Stops the supervisor (and, by default, its services) and closes the store. */
  close(stopServices?: boolean): Promise<void>;
}

/** Starts a supervisor for `services` (the `services:` mapping of wheelhouse.yaml). */
export async function startFleet(services: Record<string, unknown>, opts: { dataDir?: string; sampleInterval?: string } = {}): Promise<Fleet> {
  const dir = tempDir('wh-fleet-');
  const dataDir = opts.dataDir ?? tempDir('wh-data-');
  const file = writeConfig(dir, { hub: { data_dir: dataDir, sample_interval: opts.sampleInterval ?? '200ms' }, services });
  const config = loadConfig({ file, env: process.env });
  const store = await openStore({ kind: 'sqlite' }, dataDir);
  const events: BusEvent[] = [];
  const bus = new EventBus();
  bus.subscribeAll((e) => events.push(e));
  const logs = createLogService(
    store.logs,
    { limits: defaultLimits, retention: { maxAgeMs: config.logs.retentionMs, maxBytes: config.logs.maxBytes }, maxQueued: config.logs.maxQueued, hostname: 'test' },
    pino({ level: 'silent' }),
  );
  const sup = createSupervisor({
    services: config.services,
    store,
    bus,
    logger: pino({ level: 'silent' }),
    dataDir,
    sampleIntervalMs: config.hub.sampleIntervalMs,
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    output: logs.capture,
  });
  await sup.start();
  let closed = false;
  return {
    sup,
    store,
    bus,
    events,
    dataDir,
    logs,
    output: async (service, stream) => {
      return (await allEntries(logs, { service })).filter((e) => !stream || e.source === stream).map((e) => e.message);
    },
    close: async (stopServices = true) => {
      if (closed) return;
      closed = true;
      await sup.stop({ stopServices });
      await logs.stop();
      await store.close();
    },
  };
}

/** Topic/payload pairs of state changes for one service, in order. */
export function statesOf(events: BusEvent[], service: string): string[] {
  return events.filter((e) => e.topic === 'service.state' && e.payload.service === service).map((e) => (e.payload as { to: string }).to);
}
