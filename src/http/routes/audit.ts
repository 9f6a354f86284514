/** Audit API: read the audit trail, newest first, with filters and keyset paging. There is no write, update or delete route. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { defaultAuditPage, maxAuditPage, toAuditQuery } from '../../audit/index.js';
import type { Store } from '../../store/index.js';
import { errors, Nullable } from '../schemas.js';

const Result = Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')]);
// Printable text only: control characters have no place in a filter (and PostgreSQL refuses NUL).
const Printable = (description: string) => Type.String({ maxLength: 200, pattern: '^[^\\x00-\\x1f\\x7f]*$', description });

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ description: 'when the answer was sent (ISO 8601, UTC)' }),
  actor: Type.String({ description: 'a user name, token:<name>, host:<id>, or anonymous' }),
  action: Type.String({ description: 'a dotted action name: services.start, alerts.rules.put, auth.login, …' }),
  target: Nullable(Type.String({ description: 'what the action was on: the route parameters, or the user name of a login' })),
  result: Result,
  status: Nullable(Type.Integer({ description: 'the HTTP status answered' })),
  address: Nullable(Type.String({ description: 'the client address' })),
  details: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'a few safe facts: the mode of a start, the error code of a refusal' })),
});

/** The audit routes. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/api/audit',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first: every state-changing request and every refused one',
        querystring: Type.Object(
          {
            since: Type.Optional(Type.String({ maxLength: 40, description: 'from this time: ISO 8601, or a duration ago (30m, 12h, 1d)' })),
            until: Type.Optional(Type.String({ maxLength: 40, description: 'up to this time, in the same forms' })),
            actor: Type.Optional(Printable('exactly this actor (alice, token:ci, anonymous)')),
            action: Type.Optional(Printable('actions starting with this (services. or services.start)')),
            result: Type.Optional(Result),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxAuditPage, default: defaultAuditPage })),
            before_id: Type.Optional(Type.Integer({ minimum: 1, description: 'only entries older than this id (keyset paging: pass next_before_id)' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            entries: Type.Array(Entry),
            next_before_id: Nullable(Type.Integer({ description: 'before_id of the next page; null on the last page' })),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const query = toAuditQuery(req.query, Date.now());
      // Listed records always carry their id.
      const entries = (await store.audit.list(query)).map((e) => ({ ...e, id: e.id! }));
      return { entries, next_before_id: entries.length === query.limit ? entries.at(-1)!.id : null };
    },
  );
};
