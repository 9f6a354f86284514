/**
 * The live feed for the dashboard: GET /api/stream (WebSocket) forwards domain events from
 * the bus as they are published: {"type":"event","topic":"service.state","payload":{…}}.
 * The feed only subscribes and forwards; modules publish.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BusEvent, EventBus, Topic } from '../../core/events.js';

/** Topics the dashboard needs (metric points are too many: charts poll the query API). */
const forwarded: ReadonlySet<Topic> = new Set([
  'service.state',
  'service.exit',
  'service.healthy',
  'service.unhealthy',
  'service.adopted',
  'service.errored',
  'service.sample',
  'host.report',
  'host.status',
  'alert.pending',
  'alert.triggered',
  'alert.cleared',
  'alert.resolved',
  'silence.created',
  'silence.expired',
]);

/** A client that cannot keep up loses events rather than growing the hub's memory. */
const maxBuffered = 4 * 1024 * 1024;

/** The live feed route. */
export const streamRoutes: FastifyPluginAsyncTypebox<{ bus: EventBus }> = async (app, { bus }) => {
  app.get(
    '/api/stream',
    {
      websocket: true,
      config: { permission: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Live events over WebSocket: {"type":"event","topic","payload"} (first message {"type":"ready"})',
        querystring: Type.Object(
          {
            topics: Type.Optional(Type.String({ description: 'comma-separated topics (default: all forwarded ones)' })),
            access_token: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    (socket, req) => {
      const wanted = (req.query as { topics?: string }).topics?.split(',').map((t) => t.trim()).filter(Boolean);
      const topics = new Set([...forwarded].filter((t) => !wanted || wanted.includes(t)));
      const unsubscribe = bus.subscribeAll((event: BusEvent) => {
        if (!topics.has(event.topic) || socket.readyState !== socket.OPEN || socket.bufferedAmount > maxBuffered) return;
        socket.send(JSON.stringify({ type: 'event', topic: event.topic, payload: event.payload }));
      });
      socket.send(JSON.stringify({ type: 'ready', topics: [...topics] }));
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
};
