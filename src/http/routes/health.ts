/**
 * Health of the hub itself: /health (seed 000 shape, 200 healthy / 503 degraded, checks of
 * the store, the disk and the services) and the liveness, readiness and startup probes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Store } from '../../store/index.js';
import type { Supervisor } from '../../supervisor/index.js';
import { diskUsage } from '../../system/host.js';

/** Where the hub is in its own life. */
export interface HubLifecycle {
  /** The store is open and the supervisor has taken over its services. */
  ready(): boolean;
  /** Boot-time service starts have finished. */
  started(): boolean;
}

/** Disk fuller than this makes the hub degraded: the store and the logs are about to fail. */
const diskLimitPercent = 95;

const Check = Type.Object({ status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]) }, { additionalProperties: true });
const Probe = Type.Object({ status: Type.String() });

/** The health routes (all public). */
export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Store; supervisor: Supervisor; dataDir: string; lifecycle: HubLifecycle }> = async (
  app,
  { store, supervisor, dataDir, lifecycle },
) => {
  app.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Aggregated health: 200 when healthy, 503 when degraded',
        response: {
          '2xx': HealthBody(),
          503: HealthBody(),
        },
      },
    },
    async (_req, reply) => {
      const checks = { database: await storeCheck(store), disk: diskCheck(dataDir), services: servicesCheck(supervisor) };
      const healthy = Object.values(checks).every((c) => c.status === 'healthy');
      return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'healthy' : 'degraded', timestamp: new Date().toISOString(), service: 'wheelhouse', checks });
    },
  );

  app.get('/health/live', { config: { permission: 'public' }, schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Probe } } }, async () => ({
    status: 'alive',
  }));

  app.get(
    '/health/ready',
    { config: { permission: 'public' }, schema: { tags: ['health'], summary: 'Readiness: store open and supervisor running', response: { 200: Probe, 503: Probe } } },
    async (_req, reply) => {
      const ok = lifecycle.ready() && (await storeCheck(store)).status === 'healthy';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
    },
  );

  app.get(
    '/health/startup',
    { config: { permission: 'public' }, schema: { tags: ['health'], summary: 'Startup: boot-time service starts finished', response: { 200: Probe, 503: Probe } } },
    async (_req, reply) => {
      const ok = lifecycle.started();
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'started' : 'starting' });
    },
  );
};

function HealthBody() {
  return Type.Object({
    status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded')]),
    timestamp: Type.String(),
    service: Type.String(),
    checks: Type.Object({ database: Check, disk: Check, services: Check }),
  });
}

async function storeCheck(store: Store): Promise<{ status: 'healthy' | 'unhealthy'; message: string }> {
  try {
    await store.ping();
    return { status: 'healthy', message: `connected to ${store.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}` };
  } catch (err) {
    return { status: 'unhealthy', message: `store unavailable: ${(err as Error).message}` };
  }
}

function diskCheck(dataDir: string) {
  try {
    const d = diskUsage(dataDir);
    return { status: d.usage_percent < diskLimitPercent ? ('healthy' as const) : ('unhealthy' as const), usage_percent: d.usage_percent, available_gb: d.available_gb };
  } catch (err) {
    return { status: 'unhealthy' as const, message: (err as Error).message };
  }
}

/** Healthy when every service that should run is running and not failing its probe. */
function servicesCheck(supervisor: Supervisor) {
  const views = supervisor.views();
  const failing = views.filter((v) => v.desired === 'running' && (v.status !== 'running' || v.health === 'unhealthy') && v.status !== 'starting');
  return {
    status: failing.length === 0 ? ('healthy' as const) : ('unhealthy' as const),
    total: views.length,
    running: views.filter((v) => v.status === 'running').length,
    failing: failing.map((v) => `${v.service_name}: ${v.status}${v.health === 'unhealthy' ? ` (${v.health_message})` : v.reason ? ` (${v.reason})` : ''}`),
  };
}
