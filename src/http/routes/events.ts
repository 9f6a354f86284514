/** GET /api/events: the stored event log (state changes, exits, health transitions), newest first. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Store } from '../../store/index.js';
import { errors } from '../schemas.js';

/** The events route. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/api/events',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Recorded events, newest first',
        querystring: Type.Object(
          {
            service: Type.Optional(Type.String({ maxLength: 100 })),
            topic: Type.Optional(Type.String({ maxLength: 100 })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            events: Type.Array(
              Type.Object({ id: Type.Integer(), at: Type.String(), topic: Type.String(), service: Type.Union([Type.String(), Type.Null()]), payload: Type.Unknown() }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => ({ events: await store.events.list(req.query) }),
  );
};
