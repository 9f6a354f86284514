/**
 * Metrics API: series queries for charts (`/api/metrics/query`), series discovery
 * (`/api/metrics/series`) and the Prometheus exposition of the hub (`/metrics`, which
 * Prometheus scrapes with a bearer token of read scope).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import { aggregations, labelNamePattern, type Aggregation, type MetricsService } from '../../metrics/index.js';
import { errors } from '../schemas.js';

const Labels = Type.Record(Type.String(), Type.String());

const SeriesInfo = Type.Object({
  key: Type.String({ description: 'canonical series key, e.g. cpu_percent or disk_used_percent{mount="/"}' }),
  name: Type.String(),
  labels: Labels,
  source: Type.String({ description: 'host:<id>, service:<name> or scrape:<target>' }),
  last_seen: Type.Integer({ description: 'ms since the epoch (refreshed every few minutes)' }),
});

const matchPattern = '^match\\[[^\\]]*\\]$';

/** The metrics routes. */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: MetricsService }> = async (app, { metrics }) => {
  app.get(
    '/api/metrics/query',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['metrics'],
        summary: 'Series by name and labels over a time range, one value per step',
        querystring: Type.Object(
          {
            name: Type.String({ maxLength: 200, description: 'metric name, e.g. cpu_percent' }),
            match: Type.Optional(
              Type.Array(Type.String({ maxLength: 2000 }), {
                description: 'label values the series must have: `a:1,b:2` (repeatable); or give one label per parameter as match[a]=1. A host series also matches host:<id>.',
              }),
            ),
            source: Type.Optional(Type.String({ maxLength: 200, description: 'only this source, e.g. host:web-1' })),
            start: Type.Optional(Type.String({ description: 'ISO 8601 time or ms since the epoch (default: end - 1h)' })),
            end: Type.Optional(Type.String({ description: 'ISO 8601 time or ms since the epoch (default: now)' })),
            step: Type.Optional(Type.String({ description: 'a duration (10s, 5m, 1h) or a number of seconds; at least 1s (default: range / 250, at least 10s)' })),
            agg: Type.Optional(Type.String({ description: `how samples inside a step combine: ${aggregations.join(', ')} (default avg)` })),
          },
          { additionalProperties: false, patternProperties: { [matchPattern]: Type.String({ maxLength: 1000 }) } },
        ),
        response: {
          200: Type.Object({
            series: Type.Array(
              Type.Object({
                key: Type.String(),
                name: Type.String(),
                labels: Labels,
                source: Type.String(),
                // A type list, not anyOf: the serializer cannot match null inside a tuple's anyOf.
                // Pairs, not Type.Tuple: fast-json-stringify cannot serialize a tuple item that is number | null.
                points: Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()]), { minItems: 2, maxItems: 2 }), { description: '[ms at step start, value or null]' }),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, unknown> & { name: string; match?: string[]; source?: string; start?: string; end?: string; step?: string; agg?: string };
      const until = q.end === undefined ? Date.now() : parseTime('end', q.end);
      const since = q.start === undefined ? until - 3_600_000 : parseTime('start', q.start);
      const stepMs = q.step === undefined ? Math.max(10_000, Math.ceil((until - since) / 250 / 1000) * 1000) : parseStep(q.step);
      const match = parseMatch(q);
      const series = await metrics.query({ name: q.name, match, source: q.source, since, until, stepMs, agg: (q.agg ?? 'avg') as Aggregation });
      return { series };
    },
  );

  app.get(
    '/api/metrics/series',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['metrics'],
        summary: 'Known series, by name and source',
        querystring: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            source: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ series: Type.Array(SeriesInfo), truncated: Type.Boolean({ description: 'true when more series matched than limit' }) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { name, source, limit = 1000 } = req.query;
      const all = await metrics.series({ name, source });
      return { series: all.slice(0, limit), truncated: all.length > limit };
    },
  );

  app.get(
    '/metrics',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus text exposition (0.0.4): the hub process, its services, and the latest values of every host',
        response: { ...errors(401, 403) },
      },
    },
    async (_req, reply) => {
      const text = await metrics.exposition();
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    },
  );
};

/** ISO 8601 or milliseconds since the epoch. */
function parseTime(param: string, value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new AppError('request/invalid', `${param}: "${value.slice(0, 40)}" is not a time (ISO 8601 or ms since the epoch)`);
  return ms;
}

/** A duration, or seconds as Prometheus writes a step. */
function parseStep(value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms)) throw new AppError('request/invalid', `step: "${value.slice(0, 40)}" is not a duration (e.g. 10s, 5m, 1h) or a number of seconds`);
  if (ms < 1000) throw new AppError('request/invalid', 'step must be at least 1s');
  return ms;
}

/** Label matchers from `match=a:1,b:2` (repeatable) and `match[a]=1`. */
function parseMatch(q: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const set = (label: string, value: string, given: string): void => {
    if (!labelNamePattern.test(label)) throw new AppError('request/invalid', `match: "${given.slice(0, 80)}": "${label.slice(0, 40)}" is not a label name`);
    if (Object.hasOwn(out, label) && out[label] !== value) throw new AppError('request/invalid', `match: label ${label} is given twice with different values`);
    out[label] = value;
  };
  for (const item of (q.match as string[] | undefined) ?? []) {
    for (const pair of item.split(',')) {
      const colon = pair.indexOf(':');
      if (colon < 0) throw new AppError('request/invalid', `match: "${pair.slice(0, 80)}" must be label:value (e.g. match=host:web-1,mount:/)`);
      set(pair.slice(0, colon).trim(), pair.slice(colon + 1), pair);
    }
  }
  for (const [param, value] of Object.entries(q)) {
    const m = /^match\[([^\]]*)\]$/.exec(param);
    if (m) set(m[1]!, String(value), param);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
