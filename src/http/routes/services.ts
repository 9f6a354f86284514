/** Service management API (seed 000): list, inspect, start, stop, restart; "all" acts on every service. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ActionResult, Supervisor } from '../../supervisor/index.js';
import { ServiceViewSchema } from '../../supervisor/view-schema.js';
import { errors, Nullable } from '../schemas.js';

const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'a service name, or "all"' }) });
const ModeBody = Type.Union([
  Type.Object({ mode: Type.Optional(Type.Union([Type.Literal('dev'), Type.Literal('prod')], { description: 'dev runs command, prod runs prod_command; default dev' })) }, { additionalProperties: false }),
  Type.Null(),
]);
const ActionResponse = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  pid: Type.Optional(Nullable(Type.Integer())),
  port: Type.Optional(Nullable(Type.Integer())),
  results: Type.Optional(
    Type.Array(Type.Object({ service: Type.String(), success: Type.Boolean(), message: Type.String(), pid: Nullable(Type.Integer()), port: Nullable(Type.Integer()) })),
  ),
});

type Action = 'start' | 'stop' | 'restart';

/** Routes under /api/services. */
export const serviceRoutes: FastifyPluginAsyncTypebox<{ supervisor: Supervisor }> = async (app, { supervisor }) => {
  app.get(
    '/api/services',
    {
      config: { permission: 'read' },
      schema: { tags: ['services'], summary: 'All configured services with their status', response: { 200: Type.Object({ services: Type.Array(ServiceViewSchema) }), ...errors(401, 403) } },
    },
    async () => ({ services: supervisor.views() }),
  );

  app.get(
    '/api/services/:name',
    {
      config: { permission: 'read' },
      schema: { tags: ['services'], summary: 'One service', params: Name, response: { 200: ServiceViewSchema, ...errors(400, 401, 403, 404) } },
    },
    async (req) => supervisor.view(req.params.name),
  );

  for (const action of ['start', 'stop', 'restart'] as const) {
    app.post(
      `/api/services/:name/${action}`,
      {
        config: { permission: 'operate' },
        schema: {
          tags: ['services'],
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a service (or "all", in dependency order)`,
          params: Name,
          body: ModeBody,
          response: { 200: ActionResponse, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 424) },
        },
      },
      async (req) => act(supervisor, action, req.params.name, req.body?.mode ?? 'dev'),
    );
  }
};

async function act(supervisor: Supervisor, action: Action, name: string, mode: 'dev' | 'prod') {
  if (name === 'all') {
    const results =
      action === 'start' ? await supervisor.startAll(mode) : action === 'stop' ? await supervisor.stopAll() : await supervisor.restartAll(mode);
    const failed = results.filter((r) => !r.success);
    const verb = { start: 'started', stop: 'stopped', restart: 'restarted' }[action];
    return {
      success: failed.length === 0,
      message: failed.length === 0 ? `all ${results.length} services ${verb}` : `${failed.length} of ${results.length} services failed: ${failed.map((f) => f.service).join(', ')}`,
      results: results.map(({ service, success, message, pid, port }) => ({ service, success, message, pid, port })),
    };
  }
  const r: ActionResult =
    action === 'start' ? await supervisor.startService(name, mode) : action === 'stop' ? await supervisor.stopService(name) : await supervisor.restartService(name, mode);
  return action === 'stop' ? { success: r.success, message: r.message } : { success: r.success, message: r.message, pid: r.pid, port: r.port };
}
