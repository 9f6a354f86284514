/**
 * The composition root: builds every component of the hub with its dependencies, starts
 * them in order and stops them in reverse. Nothing else in the program wires components
 * together or reads the environment.
 */
import { mkdirSync } from 'node:fs';
import type { HttpServer } from '../http/index.js';
import type { ReloadReport } from '../http/routes/config.js';
import type { Logger } from 'pino';
import { bootstrapAdmin } from '../auth/bootstrap.js';
import { ensureAdminToken, ensureServicesToken } from '../auth/tokens.js';
import { changedSections, sameValue } from '../core/config/compare.js';
import type { Config } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import { Lifecycle } from '../core/lifecycle.js';
import { defaultLimits } from '../logs/entry.js';
import { createAlertEngine, type AlertEngine } from '../alerts/index.js';
import { createNotifier, type Notifier } from '../alerts/notifiers/index.js';
import { createHostRegistry, type HostRegistry } from '../hosts/index.js';
import { createMetricsService, type MetricsService } from '../metrics/index.js';
import { createFileTailer, createLogService, type FileTailer, type LogService } from '../logs/index.js';
import { HistoryRetention } from '../store/history-retention.js';
import { openStore, type Store } from '../store/index.js';
import { createSupervisor, type ServiceReload, type Supervisor } from '../supervisor/index.js';
import { HostSampler } from '../system/host.js';
import { HubListener } from './listener.js';
import { claimPidFile, releasePidFile } from './pidfile.js';
import { recordEvents } from './recorder.js';

/** What a hub is started with. */
export interface HubOptions {
  config: Config;
  logger: Logger;
  /** Environment the services inherit. */
  serviceEnv: Record<string, string>;
  version: string;
  /** Password of the first admin user (WHEELHOUSE_ADMIN_PASSWORD); random and printed once when absent. */
  adminPassword?: string;
  /** Reads the configuration again, the way it was read for this hub (file, flags, environment); enables `reload`. */
  reloadConfig?: () => Promise<Config>;
}

/** A started hub. */
export interface RunningHub {
  /** Base URL of the API, e.g. http://127.0.0.1:5004. */
  readonly url: string;
  readonly port: number;
  readonly supervisor: Supervisor;
  readonly logs: LogService;
  /** Compiles every API route schema not compiled yet (they compile on first use); throws the first that does not compile. */
  compileRouteSchemas(): void;
  /**
   * Reads the configuration again and applies its services (see Supervisor.reload) and their
   * log files. Throws ConfigError for an invalid file, leaving everything as it was.
   */
  reload(): Promise<ReloadReport>;
  /**
   * Stops the hub. With `stopServices` (SIGTERM, `wheelhouse down`) its services are stopped
   * first in reverse dependency order; without, they keep running for the next hub.
   */
  stop(opts: { stopServices: boolean }): Promise<void>;
}

/** Builds and starts a hub. Throws AppError for a taken port or data directory. */
export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const { logger } = opts;
  // The configuration in force: a reload replaces its services.
  let config = opts.config;
  const { dataDir } = config.hub;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const bus = new EventBus((err, topic) => logger.error({ err, topic }, 'event subscriber failed'));
  let store!: Store;
  let supervisor!: Supervisor;
  let http!: HttpServer;
  let listener!: HubListener;
  let recorder!: { stop(): Promise<void> };
  let history: HistoryRetention | undefined;
  let logs!: LogService;
  let fileTailer: FileTailer | undefined;
  let metrics!: MetricsService;
  let hosts!: HostRegistry;
  let notifier!: Notifier;
  let alerts!: AlertEngine;
  let adminBootstrapped: Promise<unknown> = Promise.resolve();
  let stopServicesOnExit = true;
  let ready = false;
  let started = false;
  const host = new HostSampler(dataDir, config.hub.sampleIntervalMs);
  // Filled in as the hub learns them (token after the store opens, URL after listening);
  // read at every spawn.
  const serviceEnv: Record<string, string> = { ...opts.serviceEnv };

  const tailLogFiles = (): FileTailer =>
    createFileTailer({
      services: config.services,
      logs,
      hostname: config.system.hostname,
      maxMessageBytes: config.logs.maxMessageBytes,
      logger: logger.child({ component: 'log-files' }),
    });

  const lifecycle = new Lifecycle(
    [
      { name: 'pidfile', start: async () => claimPidFile(dataDir), stop: async () => releasePidFile(dataDir) },
      {
        name: 'store',
        start: async () => {
          store = await openStore(config.store, dataDir);
          await ensureAdminToken(store, dataDir);
          // The first admin user: password from WHEELHOUSE_ADMIN_PASSWORD, or a random one printed once.
          const admin = bootstrapAdmin(store, { WHEELHOUSE_ADMIN_PASSWORD: opts.adminPassword }, (line) => process.stdout.write(`${line}\n`), {
            minLength: config.auth.passwordMinLength,
          });
          if (opts.adminPassword) {
            // A given password may fail the policy: refuse it before anything is spawned.
            await admin;
          } else {
            // Hashing a random one (Argon2id, ~150 ms on the thread pool) cannot fail the policy:
            // it runs while the services start; the API, the only way to sign in, waits for it.
            adminBootstrapped = admin;
            admin.catch(() => {}); // awaited in the http step
          }
          // Services can ship their own logs (wheelhouse/pino) with an ingest-only token.
          serviceEnv.WHEELHOUSE_TOKEN = await ensureServicesToken(store, dataDir);
        },
        stop: async () => store?.close(),
      },
      {
        name: 'listener',
        start: async () => {
          // Bound before anything is spawned (a taken port fails the start cleanly), after the
          // store so the admin token exists by the time anyone can connect.
          listener = await HubListener.bind(config.hub.host, config.hub.port);
          serviceEnv.WHEELHOUSE_URL = listener.url(config.hub.host);
        },
        stop: async () => listener?.close(),
      },
      {
        name: 'logs',
        start: async () => {
          logs = createLogService(
            store.logs,
            {
              limits: { ...defaultLimits, maxMessageBytes: config.logs.maxMessageBytes, maxAgeMs: config.logs.retentionMs },
              retention: { maxAgeMs: config.logs.retentionMs, maxBytes: config.logs.maxBytes },
              maxQueued: config.logs.maxQueued,
              hostname: config.system.hostname,
            },
            logger.child({ component: 'logs' }),
          );
          logs.start();
        },
        stop: async () => logs?.stop(),
      },
      {
        name: 'log-files',
        start: async () => {
          fileTailer = tailLogFiles();
          await fileTailer.start();
        },
        stop: async () => fileTailer?.stop(),
      },
      {
        name: 'recorder',
        start: async () => {
          recorder = recordEvents(bus, store, logger);
        },
        stop: async () => recorder?.stop(),
      },
      {
        name: 'history',
        start: async () => {
          history = new HistoryRetention(store, config.history, logger.child({ component: 'history' }));
          history.start();
        },
        stop: async () => history?.stop(),
      },
      { name: 'host', start: async () => host.start(), stop: async () => host.stop() },
      {
        name: 'metrics',
        start: async () => {
          metrics = createMetricsService({
            repo: store.metrics,
            bus,
            settings: config.metrics,
            scrape: config.scrape,
            logger: logger.child({ component: 'metrics' }),
            hubGauges: () => ({ wheelhouse_log_queue_depth: logs.queueDepth }),
          });
          await metrics.start();
        },
        stop: async () => metrics?.stop(),
      },
      {
        name: 'hosts',
        start: async () => {
          hosts = createHostRegistry({ store, metrics, bus, settings: config.agents, dataDir, logger: logger.child({ component: 'hosts' }) });
          await hosts.start();
        },
        stop: async () => hosts?.stop(),
      },
      {
        name: 'alerts',
        start: async () => {
          notifier = createNotifier({ channels: config.alerts.channels, repo: store.alerts, logger: logger.child({ component: 'notifier' }), hubUrl: serviceEnv.WHEELHOUSE_URL ?? '' });
          alerts = createAlertEngine({
            settings: config.alerts,
            repo: store.alerts,
            bus,
            logs,
            notifier,
            logger: logger.child({ component: 'alerts' }),
            hostInterval: (id) => hosts.intervalOf(id),
          });
          await alerts.start();
        },
        stop: async () => {
          await alerts?.stop();
          await notifier?.stop();
        },
      },
      {
        name: 'supervisor',
        start: async () => {
          supervisor = createSupervisor({
            services: config.services,
            store,
            bus,
            logger: logger.child({ component: 'supervisor' }),
            dataDir,
            sampleIntervalMs: config.hub.sampleIntervalMs,
            baseEnv: serviceEnv,
            output: logs.capture,
          });
          // Spawns the boot-time services in the background: they start while the API loads.
          await supervisor.start();
          ready = true;
          void supervisor.startupDone.then(() => (started = true));
        },
        stop: async () => {
          ready = false;
          await supervisor.stop({ stopServices: stopServicesOnExit });
        },
      },
      {
        name: 'http',
        start: async () => {
          // Loaded here, not at the top: services are already starting while this loads.
          const { buildHttpServer } = await import('../http/index.js');
          await adminBootstrapped;
          http = await buildHttpServer({
            server: listener.server,
            store,
            supervisor,
            bus,
            logs,
            metrics,
            hosts,
            alerts,
            notifier,
            host,
            logger,
            dataDir,
            bodyLimit: config.hub.bodyLimit,
            ingestBodyLimit: config.logs.ingestBodyLimit,
            authConfig: config.auth,
            config: () => config,
            reload: () => reload(),
            version: opts.version,
            lifecycle: { ready: () => ready, started: () => started },
          });
          listener.attach(http.app.routing);
        },
        stop: async () => http?.app.close(),
      },
    ],
    (component, err) => logger.error({ err, component }, 'component failed to stop'),
  );

  let stopping: Promise<void> | undefined;
  let reloading: Promise<unknown> = Promise.resolve();
  const applyReload = async (): Promise<ReloadReport> => {
    if (!opts.reloadConfig) throw new AppError('config/reload_unavailable', 'this hub was started without a configuration source to read again');
    if (stopping) throw new AppError('hub/stopping', 'the hub is stopping');
    const next = await opts.reloadConfig();
    const before = config;
    const services = await supervisor.reload(next.services);
    config = { ...before, services: next.services };
    const logFilesOf = (c: Config): unknown[] => c.services.filter((s) => s.logFiles.length > 0).map((s) => [s.name, s.logFiles]);
    if (!sameValue(logFilesOf(before), logFilesOf(config))) {
      // A new tailer resumes every file from its stored position.
      await fileTailer?.stop();
      fileTailer = tailLogFiles();
      await fileTailer.start();
    }
    const report = { file: next.file, services, unchanged: next.services.length - services.filter((s) => s.change !== 'removed').length, restart_required: changedSections(before, next) };
    logger.info({ changes: services.map((s) => `${s.service}: ${s.change}, ${s.action}`), restart_required: report.restart_required }, 'configuration reloaded');
    return report;
  };
  // One at a time: a second reload reads the file after the first one has been applied.
  const reload = (): Promise<ReloadReport> => {
    const run = reloading.then(applyReload, applyReload);
    reloading = run.catch(() => {});
    return run;
  };

  await lifecycle.start();
  const url = listener.url(config.hub.host);
  return {
    url,
    port: Number(new URL(url).port),
    supervisor,
    logs,
    compileRouteSchemas: () => http.compileRouteSchemas(),
    reload,
    stop: (o) => {
      stopServicesOnExit = o.stopServices;
      stopping ??= lifecycle.stop();
      return stopping;
    },
  };
}
