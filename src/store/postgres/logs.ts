/**
 * The PostgreSQL log store: one table with a generated tsvector (GIN) for full-text search
 * and B-tree indexes for the rest. Same contract as the SQLite store; bulk COPY and time
 * partitions are the scale-out work (C13).
 */
import type pg from 'pg';
import type { LevelCount, LogFilter, LogRepo, LogRetention, LogRow, SourceCursor } from '../index.js';
import type { NewLogEntry } from '../../logs/entry.js';
import { formatPages, type ExportFormat } from '../../logs/export-format.js';
import { batchCounts, countSpans } from '../log-counts.js';

const retentionBatch = 5000;

/** PostgreSQL implementation of LogRepo. */
export class PostgresLogRepo implements LogRepo {
  constructor(private readonly pool: pg.Pool) {}

  async append(entries: readonly NewLogEntry[], cursors: readonly SourceCursor[] = []): Promise<{ firstId: number; lastId: number }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const cols = { ts: [] as number[], service: [] as string[], level: [] as number[], message: [] as string[], context: [] as (string | null)[], trace: [] as (string | null)[], user: [] as (string | null)[], host: [] as (string | null)[], pid: [] as (number | null)[], source: [] as string[] };
      for (const e of entries) {
        cols.ts.push(e.ts);
        cols.service.push(e.service);
        cols.level.push(e.level);
        // PostgreSQL text cannot hold NUL; SQLite can. Keep both stores answering the same text.
        cols.message.push(e.message.replaceAll('\u0000', '\uFFFD'));
        cols.context.push(e.context === null ? null : e.context.replaceAll('\\u0000', '\\uFFFD'));
        cols.trace.push(e.trace_id);
        cols.user.push(e.user_id);
        cols.host.push(e.hostname);
        cols.pid.push(e.process_id);
        cols.source.push(e.source);
      }
      let firstId = 0;
      let lastId = 0;
      if (entries.length > 0) {
        const { rows } = await client.query<{ first: string; last: string }>(
          `WITH ins AS (
             INSERT INTO logs (ts, service, level, message, context, trace_id, user_id, hostname, process_id, source)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])
             RETURNING id)
           SELECT MIN(id) AS first, MAX(id) AS last FROM ins`,
          [cols.ts, cols.service, cols.level, cols.message, cols.context, cols.trace, cols.user, cols.host, cols.pid, cols.source],
        );
        firstId = Number(rows[0]!.first);
        lastId = Number(rows[0]!.last);
        const counts = batchCounts(entries);
        for (const [table, column, rows] of [['log_counts', 'minute', counts.minutes], ['log_counts_hourly', 'hour', counts.hours]] as const) {
          await client.query(
            `INSERT INTO ${table} (${column}, service, level, n) SELECT * FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::bigint[])
             ON CONFLICT (${column}, service, level) DO UPDATE SET n = ${table}.n + excluded.n`,
            [rows.map((r) => r.at), rows.map((r) => r.service), rows.map((r) => r.level), rows.map((r) => r.n)],
          );
        }
      }
      for (const c of cursors) {
        await client.query('INSERT INTO log_cursors (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [c.key, c.value]);
      }
      await client.query('COMMIT');
      return { firstId, lastId };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async query(filter: LogFilter, limit: number, offset: number): Promise<LogRow[]> {
    if (limit <= 0) return [];
    const where = compile(filter);
    const { rows } = await this.pool.query(
      `SELECT id, ts, service, level, message, context, trace_id, user_id, hostname, process_id, source FROM logs WHERE ${where.sql} ORDER BY id DESC LIMIT $${where.args.length + 1} OFFSET $${where.args.length + 2}`,
      [...where.args, limit, offset],
    );
    return rows.map(toRow);
  }

  async count(filter: LogFilter, cap: number): Promise<{ total: number; capped: boolean }> {
    const where = compile(filter);
    const { rows } = await this.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM logs WHERE ${where.sql} LIMIT $${where.args.length + 1}) x`, [...where.args, cap + 1]);
    const n = Number(rows[0]!.n);
    return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
  }

  async *scan(filter: LogFilter, pageSize: number): AsyncIterable<LogRow[]> {
    let beforeId = filter.beforeId;
    while (true) {
      const page = await this.query({ ...filter, beforeId }, pageSize, 0);
      if (page.length === 0) return;
      yield page;
      beforeId = page[page.length - 1]!.id;
      if (page.length < pageSize) return;
    }
  }

  export(filter: LogFilter, format: ExportFormat): AsyncIterable<Buffer> {
    return formatPages(format, this.scan(filter, 5000));
  }

  async levelCounts(since: number, until: number, service?: string): Promise<LevelCount[]> {
    const spans = countSpans(since, until);
    const parts: string[] = [];
    const args: unknown[] = [];
    const add = (table: string, column: string, [from, to]: [number, number]): void => {
      args.push(from, to);
      let sql = `SELECT service, level, n FROM ${table} WHERE ${column} BETWEEN $${args.length - 1} AND $${args.length}`;
      if (service !== undefined) (args.push(service), (sql += ` AND service = $${args.length}`));
      parts.push(sql);
    };
    for (const m of spans.minutes) add('log_counts', 'minute', m);
    if (spans.hours) add('log_counts_hourly', 'hour', spans.hours);
    if (parts.length === 0) return [];
    const { rows } = await this.pool.query<{ service: string; level: number; count: string }>(
      `SELECT service, level, SUM(n)::bigint AS count FROM (${parts.join(' UNION ALL ')}) c GROUP BY service, level ORDER BY service, level`,
      args,
    );
    return rows.map((r) => ({ service: r.service, level: Number(r.level), count: Number(r.count) }));
  }

  async cursor(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM log_cursors WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async retain(limits: LogRetention, now: number): Promise<{ deleted: number; more: boolean }> {
    const cutoff = now - limits.maxAgeMs;
    let { rowCount } = await this.pool.query('DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < $1 ORDER BY id LIMIT $2)', [cutoff, retentionBatch]);
    let deleted = rowCount ?? 0;
    if (deleted < retentionBatch) {
      const excess = await this.rowsOverSize(limits.maxBytes);
      if (excess > 0) {
        ({ rowCount } = await this.pool.query('DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY id LIMIT $1)', [Math.min(excess, retentionBatch - deleted)]));
        deleted += rowCount ?? 0;
      }
    }
    await this.pool.query('DELETE FROM log_counts WHERE minute < $1', [Math.floor(cutoff / 60_000)]);
    await this.pool.query('DELETE FROM log_counts_hourly WHERE hour < $1', [Math.floor(cutoff / 3_600_000)]);
    return { deleted, more: deleted >= retentionBatch };
  }

  /**
   * How many of the oldest entries must go for the rest to fit in `maxBytes`. PostgreSQL does
   * not shrink a table when rows are deleted (the space is reused), so its size cannot say
   * when to stop: the rows that fit are estimated from the newest rows' average size, scaled
   * by the table's total (with indexes) to heap ratio.
   */
  private async rowsOverSize(maxBytes: number): Promise<number> {
    const { rows } = await this.pool.query<{ total: string; heap: string; first: string | null; last: string | null }>(
      "SELECT pg_total_relation_size('logs') AS total, pg_relation_size('logs') AS heap, MIN(id) AS first, MAX(id) AS last FROM logs",
    );
    const { total, heap, first, last } = rows[0]!;
    if (Number(total) <= maxBytes || first === null || last === null) return 0;
    const sample = await this.pool.query<{ avg: string | null }>('SELECT AVG(pg_column_size(l.*)) AS avg FROM (SELECT * FROM logs ORDER BY id DESC LIMIT 1000) l');
    // A heap tuple's header and line pointer (~28 bytes) come on top of its data.
    const bytesPerRow = (Number(sample.rows[0]!.avg ?? 0) + 28) * (Number(total) / Math.max(1, Number(heap)));
    const fit = Math.floor(maxBytes / bytesPerRow);
    // Ids count rows from above: gaps (rolled-back inserts) only make this delete a little early.
    return Number(last) - Number(first) + 1 - fit;
  }

  async searchableUpTo(): Promise<number> {
    const { rows } = await this.pool.query<{ id: string | null }>('SELECT MAX(id) AS id FROM logs');
    return Number(rows[0]!.id ?? 0);
  }

  async stats(): Promise<{ rows: number; bytes: number; lastId: number }> {
    const { rows } = await this.pool.query<{ n: string; bytes: string; last: string | null }>("SELECT COUNT(*) AS n, pg_total_relation_size('logs') AS bytes, MAX(id) AS last FROM logs");
    return { rows: Number(rows[0]!.n), bytes: Number(rows[0]!.bytes), lastId: Number(rows[0]!.last ?? 0) };
  }
}

function compile(filter: LogFilter): { sql: string; args: unknown[] } {
  const conditions: string[] = ['TRUE'];
  const args: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown): void => {
    args.push(value);
    conditions.push(sql(`$${args.length}`));
  };
  if (filter.service !== undefined) add((n) => `service = ${n}`, filter.service);
  if (filter.level !== undefined) add((n) => `level = ${n}`, filter.level);
  if (filter.minLevel !== undefined && filter.minLevel > 1) add((n) => `level >= ${n}`, filter.minLevel);
  if (filter.since !== undefined) add((n) => `ts >= ${n}`, filter.since);
  if (filter.until !== undefined) add((n) => `ts <= ${n}`, filter.until);
  if (filter.traceId !== undefined) add((n) => `trace_id = ${n}`, filter.traceId);
  if (filter.userId !== undefined) add((n) => `user_id = ${n}`, filter.userId);
  if (filter.beforeId !== undefined) add((n) => `id < ${n}`, filter.beforeId);
  if (filter.q !== undefined) {
    const words = filter.q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) conditions.push('FALSE');
    else add((n) => `search @@ to_tsquery('simple', ${n})`, words.map((w) => `'${w}'`).join(' & '));
    const trimmed = filter.q.trim();
    if (trimmed.length > 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
      add((n) => `(strpos(lower(message), ${n}) > 0 OR strpos(lower(coalesce(context, '')), ${n}) > 0)`, trimmed.slice(1, -1).toLowerCase());
    }
  }
  return { sql: conditions.join(' AND '), args };
}

function toRow(r: Record<string, unknown>): LogRow {
  return { ...(r as unknown as LogRow), id: Number(r.id), ts: Number(r.ts), level: Number(r.level) };
}
