/** GET /api/dashboard/status: every service's status plus the host's CPU, memory and disk (seed 000). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Supervisor } from '../../supervisor/index.js';
import type { HostSampler } from '../../system/host.js';
import { ServiceViewSchema } from '../../supervisor/view-schema.js';
import { errors } from '../schemas.js';

const Summary = Type.Pick(ServiceViewSchema, ['status', 'health', 'pid', 'port', 'started_at', 'cpu_percent', 'memory_mb', 'uptime', 'health_message', 'display_name']);

/** The dashboard status route. */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ supervisor: Supervisor; host: HostSampler }> = async (app, { supervisor, host }) => {
  app.get(
    '/api/dashboard/status',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Status of every service and of the host',
        response: {
          200: Type.Object({
            services: Type.Record(Type.String(), Summary),
            system: Type.Object({ cpu_percent: Type.Number(), memory_percent: Type.Number(), disk_percent: Type.Number() }),
          }),
          ...errors(401, 403),
        },
      },
    },
    async () => ({
      services: Object.fromEntries(
        supervisor.views().map((v) => [
          v.service_name,
          {
            status: v.status,
            health: v.health,
            pid: v.pid,
            port: v.port,
            started_at: v.started_at,
            cpu_percent: v.cpu_percent,
            memory_mb: v.memory_mb,
            uptime: v.uptime,
            health_message: v.health_message,
            display_name: v.display_name,
          },
        ]),
      ),
      system: host.latest(),
    }),
  );
};
