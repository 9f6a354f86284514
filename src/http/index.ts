/**
 * The HTTP API: one Fastify app with one plugin per area. Every route declares its schemas
 * (which validate input, shape output and generate the OpenAPI document at /docs) and
 * its permission.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TokenVerifier } from '../auth/tokens.js';
import { AppError } from '../core/errors.js';
import type { AlertEngine } from '../alerts/index.js';
import type { Notifier } from '../alerts/notifiers/index.js';
import type { HostRegistry } from '../hosts/index.js';
import type { AuthConfig, Config } from '../core/config/index.js';
import type { ReloadReport } from './routes/config.js';
import type { EventBus } from '../core/events.js';
import type { LogService } from '../logs/index.js';
import type { MetricsService } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { Supervisor } from '../supervisor/index.js';
import type { HostSampler } from '../system/host.js';
import { installRequestDecompression } from './encoding.js';
import { frameworkErrorHandler, installErrorHandling } from './errors.js';
import { permissions } from './permissions.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { auditTrail } from './audit-hook.js';
import { alertsRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { keycloakRoutes } from './routes/keycloak.js';
import { oidcRoutes } from './routes/oidc.js';
import { channelsRoutes } from './routes/channels.js';
import { configRoutes } from './routes/config.js';
import { hostsRoutes } from './routes/hosts.js';
import { logRoutes } from './routes/logs.js';
import { metricsRoutes } from './routes/metrics.js';
import { otlpRoutes } from './routes/otlp.js';
import { healthRoutes, type HubLifecycle } from './routes/health.js';
import { serviceRoutes } from './routes/services.js';
import { streamRoutes } from './routes/stream.js';
import { webRoutes } from './routes/web.js';
import { lazySchemas } from './lazy-schemas.js';
import { ErrorSchema } from './schemas.js';

/** What the API is built from. */
export interface HttpDeps {
  /** The already-listening server to answer on (see hub/listener.ts). */
  server: Server;
  store: Store;
  supervisor: Supervisor;
  bus: EventBus;
  logs: LogService;
  metrics: MetricsService;
  hosts: HostRegistry;
  alerts: AlertEngine;
  notifier: Notifier;
  host: HostSampler;
  lifecycle: HubLifecycle;
  logger: Logger;
  dataDir: string;
  bodyLimit: number;
  ingestBodyLimit: number;
  authConfig: AuthConfig;
  /** The configuration in force, for GET /api/config (shown with secrets redacted). */
  config: () => Config;
  /** Reads the configuration again and applies it (POST /api/config/reload). */
  reload: () => Promise<ReloadReport>;
  version: string;
}

/** The API, ready: attach `app.routing` to serve. */
export interface HttpServer {
  app: FastifyInstance;
  /** Compiles every route schema no request has needed yet (see lazy-schemas.ts); throws the first that does not compile. */
  compileRouteSchemas(): void;
}

/** Builds the app on the given server and makes it ready. */
export async function buildHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const schemas = lazySchemas();
  const app = Fastify({
    // The server already listens (bound before services start); Fastify only handles requests.
    serverFactory: () => deps.server,
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would drown the hub's log under dashboard polling; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    schemaController: { compilersFactory: schemas.compilersFactory },
    // Requests and keep-alive sockets are not allowed to hold the hub's shutdown hostage.
    forceCloseConnections: true,
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandling(app, deps.bodyLimit);
  installRequestDecompression(app);
  app.addSchema(ErrorSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Wheelhouse API', version: deps.version, description: 'Supervise services, read their state, act on them. Send `Authorization: Bearer <token>` (the admin token is in <data-dir>/admin.token).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(permissions, { verifier: new TokenVerifier(deps.store), store: deps.store, auth: deps.authConfig });
  await app.register(auditTrail, { store: deps.store });
  app.addHook('onRequest', async (request) => {
    if (!deps.lifecycle.ready() && request.url.startsWith('/api/')) {
      throw new AppError('hub/starting', 'the hub is starting: services are being re-adopted; retry in a moment');
    }
  });

  await app.register(healthRoutes, { store: deps.store, supervisor: deps.supervisor, dataDir: deps.dataDir, lifecycle: deps.lifecycle });
  await app.register(serviceRoutes, { supervisor: deps.supervisor });
  await app.register(dashboardRoutes, { supervisor: deps.supervisor, host: deps.host });
  await app.register(eventRoutes, { store: deps.store });
  await app.register(streamRoutes, { bus: deps.bus });
  await app.register(logRoutes, { logs: deps.logs, ingestBodyLimit: deps.ingestBodyLimit });
  await app.register(otlpRoutes, { logs: deps.logs, ingestBodyLimit: deps.ingestBodyLimit });
  await app.register(metricsRoutes, { metrics: deps.metrics });
  await app.register(hostsRoutes, { hosts: deps.hosts, metrics: deps.metrics });
  await app.register(alertsRoutes, { alerts: deps.alerts });
  await app.register(channelsRoutes, { notifier: deps.notifier, store: deps.store });
  await app.register(authRoutes, { store: deps.store, auth: deps.authConfig });
  await app.register(auditRoutes, { store: deps.store });
  await app.register(keycloakRoutes, { auth: deps.authConfig });
  await app.register(oidcRoutes, { store: deps.store, auth: deps.authConfig });
  await app.register(configRoutes, { config: deps.config, reload: deps.reload, version: deps.version });
  // Last: the dashboard's page routes must not shadow any API route.
  await app.register(webRoutes);
  await app.ready();
  return { app, compileRouteSchemas: schemas.compilePending };
}
