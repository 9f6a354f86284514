/**
 * Notification channels: the configured ones (secrets masked), a test send to one
 * (`wheelhouse alerts test <channel>`), and the delivery log, newest first.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Notifier } from '../../alerts/notifiers/index.js';
import type { Store } from '../../store/index.js';
import { errors, Nullable } from '../schemas.js';

const ChannelType = Type.Union([Type.Literal('webhook'), Type.Literal('slack'), Type.Literal('discord'), Type.Literal('email'), Type.Literal('telegram')]);

const ChannelView = Type.Object({
  name: Type.String(),
  type: ChannelType,
  target: Type.String({ description: 'destination with secrets masked (tokens, webhook paths)' }),
  queued: Type.Integer({ description: 'notifications waiting or being sent' }),
  dropped: Type.Integer({ description: 'notifications dropped because the queue was full, since the hub started' }),
});

const Delivery = Type.Object({
  id: Type.Optional(Type.Integer()),
  channel: Type.String(),
  alerts: Type.Array(Type.String(), { description: 'fingerprints of the alerts in the notification' }),
  kind: Type.Union([Type.Literal('firing'), Type.Literal('resolved'), Type.Literal('test')]),
  status: Type.Union([Type.Literal('sent'), Type.Literal('failed'), Type.Literal('retrying')]),
  attempt: Type.Integer({ description: '1 for the first attempt; 0 for a notification dropped before any attempt' }),
  error: Nullable(Type.String()),
  at: Type.String(),
});

/** The channels routes. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ notifier: Notifier; store: Store }> = async (app, { notifier, store }) => {
  app.get(
    '/api/channels',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Configured notification channels, secrets masked',
        response: { 200: Type.Object({ channels: Type.Array(ChannelView) }), ...errors(401, 403) },
      },
    },
    async () => ({ channels: notifier.channels() }),
  );

  app.post(
    '/api/channels/:name/test',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['alerts'],
        summary: 'Send a clearly-marked test notification to one channel now (one attempt, no retry)',
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            channel: Type.String(),
            ok: Type.Boolean({ description: 'the receiver accepted the message' }),
            error: Nullable(Type.String({ description: 'why it failed (no secrets)' })),
            ms: Type.Integer({ description: 'time the attempt took' }),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => notifier.test(req.params.name),
  );

  app.get(
    '/api/deliveries',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'The delivery log: every attempt to send a notification, newest first',
        querystring: Type.Object(
          {
            channel: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ deliveries: await store.alerts.deliveries({ channel: req.query.channel, limit: req.query.limit ?? 100 }) }),
  );
};
