/** Test harness for the file tailer: a real SQLite store and log service, temp log dirs, captured warnings. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { ServiceSpec } from '../../../core/config/index.js';
import { tempDir } from '../../../testing/helpers.js';
import { openStore, type Store } from '../../../store/index.js';
import { defaultLimits } from '../../entry.js';
import { createLogService, type LogEntry, type LogService } from '../../index.js';
import { allEntries } from '../../testing/entries.js';
import { createFileTailer, type FileTailer, type FileTailerDeps } from '../index.js';

/** A service spec with only what the tailer reads filled in meaningfully. */
export function serviceWithLogs(name: string, logFiles: string[]): ServiceSpec {
  return {
    name,
    displayName: name,
    description: '',
    command: { kind: 'argv', argv: ['true'] },
    prodCommand: null,
    cwd: '/',
    env: {},
    prodEnv: {},
    port: null,
    autostart: false,
    dependsOn: [],
    health: null,
    restart: { policy: 'never', backoffMs: 1000, maxBackoffMs: 1000, stableAfterMs: 1000, crashLoopExits: 5, crashLoopWindowMs: 60_000 },
    stop: { signal: 'SIGTERM', graceMs: 1000 },
    logFiles,
    visible: true,
    adminOnly: false,
    displayOrder: 0,
  };
}

/** A store, a log service over it, and tailers built on them. */
export interface TailHarness {
  /** Where the test's log files go. */
  dir: string;
  store: Store;
  logs: LogService;
  /** Warnings the tailers logged (pino objects). */
  warnings: Record<string, unknown>[];
  /** Starts a tailer for `services` (defaults: fast polling, short rotate wait). */
  tailer(services: ServiceSpec[], opts?: Partial<FileTailerDeps>): Promise<FileTailer>;
  /** Every stored entry of a service, oldest first. */
  entries(service: string): Promise<LogEntry[]>;
  /** Messages of a service, oldest first. */
  messages(service: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens a harness; `maxQueued` sizes the log write queue. */
export async function openHarness(opts: { maxQueued?: number } = {}): Promise<TailHarness> {
  const dir = tempDir('wh-tail-');
  const store = await openStore({ kind: 'sqlite' }, tempDir('wh-tail-data-'));
  const logs = createLogService(
    store.logs,
    { limits: defaultLimits, retention: { maxAgeMs: defaultLimits.maxAgeMs, maxBytes: 1e12 }, maxQueued: opts.maxQueued ?? 200_000, hostname: 'test-host' },
    pino({ level: 'silent' }),
  );
  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) warnings.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  const tailers: FileTailer[] = [];
  const entries = (service: string): Promise<LogEntry[]> => allEntries(logs, { service });
  return {
    dir,
    store,
    logs,
    warnings,
    async tailer(services, o = {}) {
      const t = createFileTailer({ services, logs, hostname: 'test-host', maxMessageBytes: 64 * 1024, logger, pollMs: 100, rotateWaitMs: 500, retryMs: 200, ...o });
      tailers.push(t);
      await t.start();
      return t;
    },
    entries,
    messages: async (service) => (await entries(service)).map((e) => e.message),
    async close() {
      for (const t of tailers) await t.stop();
      await logs.stop();
      await store.close();
    },
  };
}
