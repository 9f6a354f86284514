/**
 * Hosts API (seed 003): agents' reports, the hosts with their status and latest metrics, one
 * host with chart series, the overall sentiment, and registering, removing and re-keying
 * hosts. Thin: validate, call the host registry, shape the reply.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseDuration } from '../../core/units.js';
import { HostError, keyCredential, RateLimited, type HostRegistry } from '../../hosts/index.js';
import type { MetricsService } from '../../metrics/index.js';
import { hostIdPattern, ReportBatchSchema, ReportReplySchema, ReportSchema } from '../../protocol/index.js';
import { usePlainJsonParser } from '../json.js';
import { errors, ErrorSchema, Nullable } from '../schemas.js';

const day = 86_400_000;
const maxPoints = 2000;

const Labels = Type.Record(Type.String(), Type.String());
const Summary = Type.Object({
  cpu_percent: Nullable(Type.Number()),
  memory_percent: Nullable(Type.Number()),
  swap_percent: Nullable(Type.Number()),
  disk_percent: Nullable(Type.Number()),
  load1: Nullable(Type.Number()),
  uptime_seconds: Nullable(Type.Number()),
  processes: Nullable(Type.Number()),
});
const hostProps = {
  id: Type.String(),
  display_name: Type.String(),
  labels: Labels,
  status: Type.Union([Type.Literal('online'), Type.Literal('stale'), Type.Literal('offline')]),
  last_seen: Nullable(Type.String({ description: 'when the hub last accepted a report (ISO)' })),
  last_address: Nullable(Type.String()),
  interval_s: Type.Number(),
  created_at: Type.String(),
  revoked_at: Nullable(Type.String()),
  has_api_key: Type.Boolean(),
  meta: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'what the agent says about the host: hostname, os, kernel, cpus, agent_version, boot_time, buffered, buffer_dropped' })),
  metrics_at: Nullable(Type.String({ description: 'collection time of the latest metrics (ISO)' })),
  metrics: Nullable(Summary),
};
const Host = Type.Object(hostProps);
const Series = Type.Object({
  key: Type.String(),
  name: Type.String(),
  labels: Labels,
  source: Type.String(),
  // Pairs, not Type.Tuple: fast-json-stringify cannot serialize a tuple item that is a union (number | null).
  points: Type.Array(Type.Array(Nullable(Type.Number()), { minItems: 2, maxItems: 2 }), { description: '[ms, value] at step starts; value null where no data' }),
});
const HostDetail = Type.Object({
  ...hostProps,
  latest: Nullable(Type.Record(Type.String(), Type.Number(), { description: 'every value of the latest report, by series key' })),
  charts: Type.Object({
    cpu: Type.Array(Series),
    memory: Type.Array(Series),
    disk: Type.Array(Series, { description: 'disk_used_percent per mount' }),
    disk_io: Type.Array(Series),
    network: Type.Array(Series, { description: 'bytes per second per interface' }),
    load: Type.Array(Series),
  }),
  range: Type.Object({ since: Type.String(), until: Type.String(), step_ms: Type.Integer() }),
});
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });
const NewKey = Type.Object({ host_id: Type.String(), api_key: Type.String({ description: 'shown once; only its SHA-256 is kept' }) });
const Sentiment = Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]);

/** The hosts routes. */
export const hostsRoutes: FastifyPluginAsyncTypebox<{ hosts: HostRegistry; metrics: MetricsService }> = async (app, { hosts }) => {
  // The report route in a scope of its own, with the plain JSON parser of the ingest routes.
  await app.register(async (scope) => {
    usePlainJsonParser(scope, scope.initialConfig.bodyLimit ?? 1024 * 1024);
    scope.post(
      '/api/metrics/report',
      {
        // Public on purpose: agents hold no API token. The host authenticates itself inside
        // (hosts/auth.ts) with its own API key, or its client certificate on the agents' TLS
        // listener; a token scope could not say which host may report as which.
        config: { permission: 'public' },
        // Reports are checked one by one in the registry (hosts/validate.ts), against the same schemas.
        validatorCompiler: () => () => true,
        schema: {
          tags: ['hosts'],
          summary: 'An agent\'s report (or a batch), authenticated by the host\'s API key: Authorization: Bearer <key> or X-Api-Key',
          security: [],
          body: Type.Union([ReportSchema, ReportBatchSchema]),
          response: { 200: ReportReplySchema, 429: ErrorSchema, ...errors(400, 401, 403, 413) },
        },
      },
      async (req, reply) => {
        try {
          return await hosts.receive(req.body, keyCredential(req.headers), req.ip);
        } catch (err) {
          // The error handler would say "retry in 1 s" for every 429; this one knows better.
          if (err instanceof RateLimited) {
            return reply.status(429).header('retry-after', String(err.retryAfterS)).send({ error: { code: err.code, message: err.message } });
          }
          throw err;
        }
      },
    );
  });

  app.get(
    '/api/hosts',
    {
      config: { permission: 'read' },
      schema: { tags: ['hosts'], summary: 'Every host with its status (online/stale/offline) and latest metrics', response: { 200: Type.Object({ hosts: Type.Array(Host) }), ...errors(401, 403) } },
    },
    async () => ({ hosts: await hosts.list() }),
  );

  app.post(
    '/api/hosts',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['hosts'],
        summary: 'Register a host; answers its API key once',
        body: Type.Object(
          {
            id: Type.String({ pattern: hostIdPattern }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            interval_s: Type.Optional(Type.Number({ minimum: 1, maximum: 86_400, description: 'expected report interval (default 10)' })),
            labels: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String({ maxLength: 200 }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...NewKey.properties, host: Host }), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const { host, api_key } = await hosts.add(req.body);
      return reply.status(201).send({ host_id: host.id, api_key, host });
    },
  );

  app.get(
    '/api/hosts/sentiment/overall',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: 'Overall status, with every service\'s and every host\'s (seed 003)',
        response: {
          200: Type.Object({
            status: Sentiment,
            timestamp: Type.String(),
            services: Type.Array(
              Type.Object({
                name: Type.String(),
                status: Type.Union([Sentiment, Type.Literal('stopped')]),
                state: Type.String(),
                health: Type.String(),
                lastCheck: Nullable(Type.String()),
                message: Nullable(Type.String()),
                metrics: Type.Object({ cpu_percent: Nullable(Type.Number()), memory_mb: Nullable(Type.Number()) }),
              }),
            ),
            hosts: Type.Array(Type.Object({ name: Type.String(), status: Sentiment, state: Type.String(), lastSeen: Nullable(Type.String()) })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async () => hosts.sentiment(),
  );

  app.get(
    '/api/hosts/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['hosts'],
        summary: 'One host with all its latest values and chart series (cpu, memory, disk per mount, disk I/O, network per interface, load)',
        params: Id,
        querystring: Type.Object(
          {
            range: Type.Optional(Type.String({ description: 'how far back: 15m, 1h (default), 24h, 7d' })),
            step: Type.Optional(Type.String({ description: 'one point per step: 10s, 60s, 5m (default: range / 120)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: HostDetail, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const rangeMs = parseDuration(req.query.range ?? '1h');
      if (rangeMs === undefined || rangeMs < 1000 || rangeMs > 90 * day) throw new HostError('hosts/invalid', `invalid range "${req.query.range}": a duration like 15m, 1h or 7d, at most 90d`);
      const stepMs = req.query.step === undefined ? Math.max(1000, Math.round(rangeMs / 120)) : parseDuration(req.query.step);
      if (stepMs === undefined || stepMs < 1000) throw new HostError('hosts/invalid', `invalid step "${req.query.step}": a duration of at least 1s, like 10s or 5m`);
      if (rangeMs / stepMs > maxPoints) throw new HostError('hosts/invalid', `range / step gives more than ${maxPoints} points: use a larger step`);
      const until = Date.now();
      return hosts.detail(req.params.id, { since: until - rangeMs, until, stepMs });
    },
  );

  app.delete(
    '/api/hosts/:id',
    {
      config: { permission: 'admin' },
      schema: { tags: ['hosts'], summary: 'Remove a host and revoke its certificates', params: Id, response: { 200: Type.Object({ success: Type.Boolean(), message: Type.String() }), ...errors(401, 403, 404) } },
    },
    async (req) => {
      await hosts.remove(req.params.id);
      return { success: true, message: `host ${req.params.id} removed; its key and certificates no longer work` };
    },
  );

  app.post(
    '/api/hosts/:id/rotate-key',
    {
      config: { permission: 'admin' },
      schema: { tags: ['hosts'], summary: 'Give a host a new API key (the old one stops working at once)', params: Id, response: { 200: NewKey, ...errors(401, 403, 404) } },
    },
    async (req) => hosts.rotateKey(req.params.id),
  );
};
