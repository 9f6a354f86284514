/**
 * Log API (seed 000 "Log Query API" and ingest): ingest one entry or a batch, query with
 * filters, export (CSV or JSON, streamed), counts per service and level, and a live tail
 * over WebSocket with the same filters.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { AppError } from '../../core/errors.js';
import { levelCode, parseLevel, type LogEntry, type LogService } from '../../logs/index.js';
import type { LogFilter } from '../../store/index.js';
import { usePlainJsonParser } from '../json.js';
import { errors } from '../schemas.js';

const LevelName = Type.String({ description: 'DEBUG, INFO, WARNING, ERROR or CRITICAL (case-insensitive)' });
const filterProps = {
    service: Type.Optional(Type.String({ maxLength: 100 })),
    level: Type.Optional(LevelName),
    min_level: Type.Optional(Type.String({ description: 'at least this level' })),
    start_time: Type.Optional(Type.String({ format: 'date-time' })),
    end_time: Type.Optional(Type.String({ format: 'date-time' })),
    trace_id: Type.Optional(Type.String({ maxLength: 200 })),
    user_id: Type.Optional(Type.String({ maxLength: 200 })),
    q: Type.Optional(Type.String({ maxLength: 500, description: 'words that must all occur in message or context; "in quotes" for an exact phrase' })),
    before_id: Type.Optional(Type.Integer({ minimum: 1, description: 'only entries older than this id (keyset paging)' })),
};
const Filters = Type.Object(filterProps, { additionalProperties: false });
type FilterQuery = Static<typeof Filters>;

const Entry = Type.Object({
  id: Type.Integer(),
  timestamp: Type.String(),
  service_name: Type.String(),
  level: Type.String(),
  message: Type.String(),
  context: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  trace_id: Type.Union([Type.String(), Type.Null()]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  hostname: Type.Union([Type.String(), Type.Null()]),
  process_id: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.String(),
});

const IngestEntry = Type.Object(
  {
    timestamp: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    service_name: Type.String(),
    level: Type.Optional(Type.String()),
    message: Type.String(),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    trace_id: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    hostname: Type.Optional(Type.String()),
    process_id: Type.Optional(Type.Integer()),
  },
  { description: 'seed 000 LogEntry; each entry is checked on its own' },
);

/** The log routes. */
export const logRoutes: FastifyPluginAsyncTypebox<{ logs: LogService; ingestBodyLimit: number }> = async (app, { logs, ingestBodyLimit }) => {
  usePlainJsonParser(app, ingestBodyLimit);

  app.get(
    '/api/logs/stats',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['logs'],
        summary: 'Size of the log store, how far full-text search has caught up, the write queue',
        response: {
          200: Type.Object({ rows: Type.Integer(), bytes: Type.Integer(), last_id: Type.Integer(), searchable_up_to: Type.Integer(), queue_depth: Type.Integer() }),
          ...errors(401, 403),
        },
      },
    },
    async () => logs.stats(),
  );
  app.post(
    '/api/logs/ingest',
    {
      config: { permission: 'ingest' },
      bodyLimit: ingestBodyLimit,
      // Entries are checked one by one in the handler, so one bad entry does not sink a batch.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['logs'],
        summary: 'Store one entry or a batch; answers after the entries are committed',
        body: Type.Union([IngestEntry, Type.Array(IngestEntry)]),
        response: {
          200: Type.Object({
            success: Type.Boolean(),
            log_id: Type.Optional(Type.Integer()),
            ingested: Type.Optional(Type.Integer()),
            rejected: Type.Optional(Type.Array(Type.Object({ index: Type.Integer(), error: Type.String() }))),
          }),
          ...errors(400, 401, 403, 413, 415, 429),
        },
      },
    },
    async (req) => {
      const body = req.body as unknown;
      if (Array.isArray(body)) {
        const result = await logs.ingest(body, 'http');
        return { success: result.ids.length > 0 || body.length === 0, ingested: result.ids.length, rejected: result.rejected };
      }
      if (body === null || typeof body !== 'object') throw new AppError('logs/invalid_entry', 'the body must be a log entry (a JSON object) or an array of them');
      const result = await logs.ingest([body], 'http');
      if (result.rejected.length > 0) throw new AppError('logs/invalid_entry', `invalid log entry: ${result.rejected[0]!.error}`);
      return { success: true, log_id: result.ids[0]! };
    },
  );

  app.get(
    '/api/logs',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['logs'],
        summary: 'Query entries, newest first',
        querystring: Type.Object(
          {
            ...filterProps,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            logs: Type.Array(Entry),
            total: Type.Integer(),
            total_capped: Type.Boolean({ description: 'true when there are more matches than total (counting stops at 10,000)' }),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { limit = 100, offset = 0, ...rest } = req.query;
      const result = await logs.query(toFilter(rest), limit, offset);
      return { logs: result.logs, total: result.total, total_capped: result.capped, limit, offset };
    },
  );

  app.get(
    '/api/logs/export',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['logs'],
        summary: 'Every matching entry as CSV or JSON, streamed',
        querystring: Type.Object({ ...filterProps, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])) }, { additionalProperties: false }),
        response: { ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const { format = 'json', ...rest } = req.query;
      const filter = toFilter(rest);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('content-disposition', `attachment; filename="logs-${stamp}.${format}"`);
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      // Byte mode: the stream holds ~16 KB ahead of the socket, so a slow client holds back the export, not memory.
      return reply.send(Readable.from(logs.export(filter, format), { objectMode: false }));
    },
  );

  app.get(
    '/api/logs/counts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['logs'],
        summary: 'Entries per service and level in a time window (for the dashboard cards)',
        querystring: Type.Object(
          {
            window: Type.Optional(Type.String({ pattern: '^\\d+(m|h|d)$', description: 'e.g. 1h, 24h, 7d (default 1h)' })),
            service: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ since: Type.String(), until: Type.String(), services: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const window = req.query.window ?? '1h';
      const ms = Number(window.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[window.slice(-1) as 'm' | 'h' | 'd'];
      const until = Date.now();
      const since = until - ms;
      return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), services: await logs.counts(since, until, req.query.service) };
    },
  );

  app.get(
    '/api/logs/stream',
    {
      websocket: true,
      config: { permission: 'read' },
      schema: {
        tags: ['logs'],
        summary: 'Live tail over WebSocket: messages {"type":"entries","entries":[…]}',
        querystring: Type.Object({ ...filterProps, access_token: Type.Optional(Type.String()) }, { additionalProperties: false }),
      },
    },
    (socket, req) => {
      const { access_token: _token, ...rest } = req.query as FilterQuery & { access_token?: string };
      const filter = toFilter(rest);
      const unsubscribe = logs.onAppended((entries) => {
        const matching = entries.filter((e) => matches(filter, e));
        if (matching.length === 0 || socket.readyState !== socket.OPEN) return;
        // A client that cannot keep up loses entries rather than growing the hub's memory.
        if (socket.bufferedAmount > 8 * 1024 * 1024) return;
        socket.send(JSON.stringify({ type: 'entries', entries: matching }));
      });
      socket.send(JSON.stringify({ type: 'ready' }));
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
};

/** Query parameters to a store filter; names the parameter at fault. */
export function toFilter(q: FilterQuery): LogFilter {
  const f: LogFilter = {};
  if (q.service) f.service = q.service;
  if (q.level) f.level = levelCode[levelOf('level', q.level)];
  if (q.min_level) f.minLevel = levelCode[levelOf('min_level', q.min_level)];
  if (q.start_time) f.since = Date.parse(q.start_time);
  if (q.end_time) f.until = Date.parse(q.end_time);
  if (f.since !== undefined && f.until !== undefined && f.since > f.until) throw new AppError('request/invalid', 'start_time is after end_time');
  if (q.trace_id) f.traceId = q.trace_id;
  if (q.user_id) f.userId = q.user_id;
  if (q.q && q.q.trim()) f.q = q.q;
  if (q.before_id) f.beforeId = q.before_id;
  return f;
}

function levelOf(param: string, value: string) {
  const level = parseLevel(value);
  if (!level) throw new AppError('request/invalid', `${param}: unknown level "${value.slice(0, 40)}"; use DEBUG, INFO, WARNING, ERROR or CRITICAL`);
  return level;
}

/** The same filter applied to one entry in memory (live tail). */
export function matches(f: LogFilter, e: LogEntry): boolean {
  if (f.service !== undefined && e.service_name !== f.service) return false;
  const code = levelCode[e.level];
  if (f.level !== undefined && code !== f.level) return false;
  if (f.minLevel !== undefined && code < f.minLevel) return false;
  if (f.traceId !== undefined && e.trace_id !== f.traceId) return false;
  if (f.userId !== undefined && e.user_id !== f.userId) return false;
  if (f.since !== undefined || f.until !== undefined) {
    const ts = Date.parse(e.timestamp);
    if ((f.since !== undefined && ts < f.since) || (f.until !== undefined && ts > f.until)) return false;
  }
  if (f.q !== undefined) {
    const haystack = `${e.message} ${e.context ? JSON.stringify(e.context) : ''}`.toLowerCase();
    const words = f.q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    if (!words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

