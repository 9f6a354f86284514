/**
 * The composition root: builds every component of the hub with its dependencies, starts
 * them in order and stops them in reverse. Nothing else in the program wires components
 * together or reads the environment.
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ensureAdminToken, ensureServicesToken } from '../auth/tokens.js';
import type { Config } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import { Lifecycle } from '../core/lifecycle.js';
import { buildHttpServer } from '../http/index.js';
import { defaultLimits } from '../logs/entry.js';
import { createFileTailer, createLogService, type FileTailer, type LogService } from '../logs/index.js';
import { openStore, type Store } from '../store/index.js';
import { createSupervisor, type Supervisor } from '../supervisor/index.js';
import { HostSampler } from '../system/host.js';
import { claimPidFile, releasePidFile } from './pidfile.js';
import { recordEvents } from './recorder.js';

/** What a hub is started with. */
export interface HubOptions {
  config: Config;
  logger: Logger;
  /** Environment the services inherit. */
  serviceEnv: Record<string, string>;
  version: string;
}

/** A started hub. */
export interface RunningHub {
  /** Base URL of the API, e.g. http://127.0.0.1:5004. */
  readonly url: string;
  readonly port: number;
  readonly supervisor: Supervisor;
  readonly logs: LogService;
  /**
   * Stops the hub. With `stopServices` (SIGTERM, `wheelhouse down`) its services are stopped
   * first in reverse dependency order; without, they keep running for the next hub.
   */
  stop(opts: { stopServices: boolean }): Promise<void>;
}

/** Builds and starts a hub. Throws AppError for a taken port or data directory. */
export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const { config, logger } = opts;
  const { dataDir } = config.hub;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const bus = new EventBus((err, topic) => logger.error({ err, topic }, 'event subscriber failed'));
  let store!: Store;
  let supervisor!: Supervisor;
  let http!: FastifyInstance;
  let recorder!: { stop(): Promise<void> };
  let logs!: LogService;
  let fileTailer: FileTailer | undefined;
  let stopServicesOnExit = true;
  let ready = false;
  let started = false;
  const host = new HostSampler(dataDir, config.hub.sampleIntervalMs);
  // Filled in as the hub learns them (token after the store opens, URL after listening);
  // read at every spawn.
  const serviceEnv: Record<string, string> = { ...opts.serviceEnv };

  const lifecycle = new Lifecycle(
    [
      { name: 'pidfile', start: async () => claimPidFile(dataDir), stop: async () => releasePidFile(dataDir) },
      {
        name: 'store',
        start: async () => {
          store = await openStore(config.store, dataDir);
          await ensureAdminToken(store, dataDir);
          // Services can ship their own logs (wheelhouse/pino) with an ingest-only token.
          serviceEnv.WHEELHOUSE_TOKEN = await ensureServicesToken(store, dataDir);
        },
        stop: async () => store?.close(),
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
          fileTailer = createFileTailer({
            services: config.services,
            logs,
            hostname: config.system.hostname,
            maxMessageBytes: config.logs.maxMessageBytes,
            logger: logger.child({ component: 'log-files' }),
          });
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
      { name: 'host', start: async () => host.start(), stop: async () => host.stop() },
      {
        name: 'http',
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
          http = await buildHttpServer({
            store,
            supervisor,
            logs,
            host,
            logger,
            dataDir,
            bodyLimit: config.hub.bodyLimit,
            ingestBodyLimit: config.logs.ingestBodyLimit,
            version: opts.version,
            lifecycle: { ready: () => ready, started: () => started },
          });
          // Listen before touching services: a taken port must fail before anything is spawned.
          await listen(http, config.hub.host, config.hub.port);
          serviceEnv.WHEELHOUSE_URL = urlOf(http, config.hub.host, config.hub.port);
        },
        stop: async () => http?.close(),
      },
      {
        name: 'supervisor',
        start: async () => {
          await supervisor.start();
          ready = true;
          void supervisor.startupDone.then(() => (started = true));
        },
        stop: async () => {
          ready = false;
          await supervisor.stop({ stopServices: stopServicesOnExit });
        },
      },
    ],
    (component, err) => logger.error({ err, component }, 'component failed to stop'),
  );

  await lifecycle.start();
  const url = urlOf(http, config.hub.host, config.hub.port);
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    supervisor,
    logs,
    stop: (o) => {
      stopServicesOnExit = o.stopServices;
      stopping ??= lifecycle.stop();
      return stopping;
    },
  };
}

/** The URL local clients reach the hub at (a wildcard listen address becomes loopback). */
function urlOf(app: FastifyInstance, host: string, configuredPort: number): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : configuredPort;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new AppError('hub/port_in_use', `port ${port} on ${host} is already in use (another hub? choose one with --port or WHEELHOUSE_PORT)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new AppError('hub/port_in_use', `cannot listen on ${host}: no such local address (--host / WHEELHOUSE_HOST)`);
    if (code === 'EACCES') throw new AppError('hub/port_in_use', `not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
    throw err;
  }
}
