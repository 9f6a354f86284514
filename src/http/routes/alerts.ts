/**
 * Alerts API: active alerts, their history, the rules in force (API rules are made and
 * removed here), and silences. Handlers are thin: the alert engine validates and acts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ruleView, type AlertEngine } from '../../alerts/index.js';
import { AlertRule } from '../../core/config/schema-monitoring.js';
import { AppError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import type { SilenceRecord } from '../../store/index.js';
import { errors, Nullable } from '../schemas.js';

const State = Type.Union([Type.Literal('pending'), Type.Literal('firing'), Type.Literal('resolved')]);
const StringMap = Type.Record(Type.String(), Type.String());

const AlertSchema = Type.Object({
  fingerprint: Type.String(),
  rule: Type.String(),
  state: State,
  severity: Type.String(),
  labels: StringMap,
  annotations: StringMap,
  value: Nullable(Type.Number()),
  started_at: Type.String(),
  fired_at: Nullable(Type.String()),
  resolved_at: Nullable(Type.String()),
  last_notified_at: Nullable(Type.String()),
  updated_at: Type.String(),
});
const ActiveAlertSchema = Type.Object({
  ...AlertSchema.properties,
  silenced_by: Type.Array(Type.String(), { description: 'ids of the silences (and maintenance:<name> of the windows) muting this alert now' }),
});

const RuleSchema = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  origin: Type.Union([Type.Literal('default'), Type.Literal('config'), Type.Literal('api')]),
  severity: Type.String(),
  for: Type.String(),
  metric: Type.Optional(Nullable(Type.String())),
  match: Type.Optional(StringMap),
  op: Type.Optional(Type.String()),
  threshold: Type.Optional(Type.Number()),
  service: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  intervals: Type.Optional(Type.Integer()),
  query: Type.Optional(Nullable(Type.String())),
  level: Type.Optional(Nullable(Type.String())),
  window: Type.Optional(Type.String()),
  labels: StringMap,
  annotations: StringMap,
});

const MatcherSchema = Type.Object(
  {
    name: Type.String({ description: 'label name' }),
    // An enum (not a union of literals) so a wrong op is answered "must be one of =, !=, =~, !~".
    op: Type.Enum(['=', '!=', '=~', '!~']),
    value: Type.String({ description: 'a value, or a regular expression for =~ and !~ (anchored: it must match the whole value)' }),
  },
  { additionalProperties: false },
);

const SilenceSchema = Type.Object({
  id: Type.String(),
  matchers: Type.Array(MatcherSchema),
  starts_at: Type.String(),
  ends_at: Type.String(),
  comment: Type.String(),
  created_by: Nullable(Type.String()),
  created_at: Type.String(),
  expired_at: Nullable(Type.String()),
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]),
});

const RuleName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });
const SilenceId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** The alerts routes. */
export const alertsRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertEngine }> = async (app, { alerts }) => {
  app.get(
    '/api/alerts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Active alerts (firing and pending), firing first',
        querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('firing')])) }, { additionalProperties: false }),
        response: { 200: Type.Object({ alerts: Type.Array(ActiveAlertSchema) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const active = alerts.active().filter((a) => req.query.state === undefined || a.state === req.query.state);
      return { alerts: active.map((a) => ({ ...a, silenced_by: alerts.mutedBy(a.labels) })) };
    },
  );

  app.get(
    '/api/alerts/history',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alert state changes, newest first',
        querystring: Type.Object(
          {
            rule: Type.Optional(Type.String({ maxLength: 100 })),
            state: Type.Optional(State),
            since: Type.Optional(Type.String({ maxLength: 40, description: 'an ISO 8601 time, or a duration ago: 30m, 12h, 1d' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ alerts: Type.Array(AlertSchema) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const { since, ...rest } = req.query;
      return { alerts: await alerts.history(since === undefined ? rest : { ...rest, since: sinceTime(since) }) };
    },
  );

  app.get(
    '/api/alerts/rules',
    {
      config: { permission: 'read' },
      schema: { tags: ['alerts'], summary: 'Rules in force, with their origin (default, config, api)', response: { 200: Type.Object({ rules: Type.Array(RuleSchema) }), ...errors(401, 403) } },
    },
    async () => ({ rules: alerts.rules().map(ruleView) }),
  );

  app.put(
    '/api/alerts/rules/:name',
    {
      config: { permission: 'admin' },
      // The engine checks the rule (schema and what its kind needs) and names the field at fault.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['alerts'],
        summary: 'Create or replace an API rule (validated like a rule in the config file)',
        params: RuleName,
        body: Type.Object({ ...AlertRule.properties, name: Type.Optional(AlertRule.properties.name) }),
        response: { 200: Type.Object({ rule: RuleSchema }), ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const body = req.body as unknown;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('request/invalid', 'invalid rule: the body must be a JSON object (a rule as in the config file)');
      const given = (body as { name?: unknown }).name;
      if (given !== undefined && given !== name) throw new AppError('request/invalid', `invalid rule: rule.name: "${String(given)}" differs from the name in the path "${name}"`);
      const spec = await alerts.putRule({ ...body, name }, req.principal?.name ?? null);
      return { rule: ruleView({ ...spec, origin: 'api' }) };
    },
  );

  app.delete(
    '/api/alerts/rules/:name',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['alerts'],
        summary: 'Remove an API rule (a built-in rule it replaced comes back)',
        params: RuleName,
        response: { 200: Type.Object({ deleted: Type.Boolean(), name: Type.String() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      if (!(await alerts.removeRule(req.params.name))) throw new AppError('alerts/rule_not_found', `no API rule named "${req.params.name}"`);
      return { deleted: true, name: req.params.name };
    },
  );

  app.get(
    '/api/silences',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Silences: active and pending ones, or all with expired=true; newest first',
        querystring: Type.Object({ expired: Type.Optional(Type.Boolean({ description: 'include expired silences' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ silences: Type.Array(SilenceSchema) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const now = Date.now();
      return { silences: (await alerts.silences(req.query.expired === true)).map((s) => silenceView(s, now)) };
    },
  );

  app.post(
    '/api/silences',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Silence alerts matching every matcher until ends_at (or for duration); they still change state but are not notified',
        body: Type.Object(
          {
            matchers: Type.Array(MatcherSchema, { minItems: 1, maxItems: 50 }),
            starts_at: Type.Optional(Type.String({ description: 'ISO 8601; default now' })),
            ends_at: Type.Optional(Type.String({ description: 'ISO 8601' })),
            duration: Type.Optional(Type.String({ description: 'instead of ends_at: 30m, 2h, 1d…, from starts_at' })),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ silence: SilenceSchema }), ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req, reply) => {
      const { matchers, starts_at, ends_at, duration, comment } = req.body;
      if ((ends_at === undefined) === (duration === undefined)) throw new AppError('request/invalid', 'give either ends_at or duration (not both)');
      let endsAt = ends_at;
      let startsAt = starts_at;
      if (duration !== undefined) {
        const ms = parseDuration(duration);
        if (ms === undefined || ms <= 0) throw new AppError('request/invalid', `duration: expected a duration like 30m, 2h or 1d, got "${duration.slice(0, 40)}"`);
        const start = starts_at === undefined ? Date.now() : Date.parse(starts_at);
        if (Number.isNaN(start)) throw new AppError('request/invalid', `starts_at: not an ISO 8601 time: "${starts_at!.slice(0, 60)}"`);
        startsAt = new Date(start).toISOString();
        endsAt = new Date(start + ms).toISOString();
      }
      const input = { matchers, endsAt: endsAt!, comment: comment ?? '' };
      const silence = await alerts.silence(startsAt === undefined ? input : { ...input, startsAt }, req.principal?.name ?? null);
      return reply.status(201).send({ silence: silenceView(silence, Date.now()) });
    },
  );

  app.delete(
    '/api/silences/:id',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Expire a silence now',
        params: SilenceId,
        response: { 200: Type.Object({ expired: Type.Boolean(), id: Type.String() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      if (!(await alerts.expireSilence(req.params.id))) throw new AppError('alerts/silence_not_found', `no silence with id "${req.params.id}"`);
      return { expired: true, id: req.params.id };
    },
  );
};

/** `since` as ISO: an ISO time as given, or a duration ago (30m, 12h, 1d). */
function sinceTime(since: string): string {
  const ago = parseDuration(since);
  if (ago !== undefined) return new Date(Date.now() - ago).toISOString();
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new AppError('request/invalid', `since: expected an ISO 8601 time or a duration like 1d, got "${since.slice(0, 40)}"`);
  return new Date(t).toISOString();
}

function silenceView(s: SilenceRecord, now: number) {
  const state = s.expired_at !== null || Date.parse(s.ends_at) <= now ? 'expired' : Date.parse(s.starts_at) > now ? 'pending' : 'active';
  return { ...s, state } as const;
}
