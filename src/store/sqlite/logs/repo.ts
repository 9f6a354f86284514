/**
 * The SQLite log store: entries in logs.db (written on the calling thread, one transaction
 * per append), the full-text index in logs-fts.db (written by a worker thread), queries on a
 * separate read connection that sees both.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LevelCount, LogFilter, LogRepo, LogRetention, LogRow, SourceCursor } from '../../index.js';
import type { NewLogEntry } from '../../../logs/entry.js';
import type { ExportFormat } from '../../../logs/export-format.js';
import { batchCounts, countSpans } from '../../log-counts.js';
import { Chunks } from './chunks.js';
import type { ExportWindow } from './export-worker.js';
import { exportInWorkers } from './exporter.js';
import { FtsIndexer } from './fts-indexer.js';
import { compileFilter, ftsMatch, type CompiledFilter } from './filter.js';
import { ftsSliceIds, logMigrations } from './schema.js';

/** Candidate chunks past this many are not worth listing in a full-text query: the equality test is as fast. */
const maxRanges = 64;
/** Ids per export window: small enough that a thread finishes its next one while another's is sent. */
const exportWindowIds = 65_536;
/** Entries deleted per retention batch: small, so appends are never held up for long. */
const retentionBatch = 5000;

/** SQLite implementation of LogRepo. */
export class SqliteLogRepo implements LogRepo {
  private readonly db: Database.Database;
  private readonly reader: Database.Database;
  private chunks: Chunks;
  private readonly fts: FtsIndexer;
  private lastId: number;
  private readonly insertRow: Database.Statement;
  private readonly upsertCount: Database.Statement;
  private readonly upsertHourCount: Database.Statement;
  private readonly upsertCursor: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();
  private lastCompiled: { key: string; where: CompiledFilter | undefined } | undefined;
  private readonly rowsFile: string;
  private readonly ftsFile: string;

  private constructor(dir: string) {
    this.rowsFile = join(dir, 'logs.db');
    this.ftsFile = join(dir, 'logs-fts.db');
    this.db = openDb(this.rowsFile);
    migrate(this.db);
    this.lastId = (this.db.prepare('SELECT MAX(id) AS id FROM logs').get() as { id: number | null }).id ?? 0;
    this.chunks = new Chunks(this.db);
    this.insertRow = this.db.prepare(
      'INSERT INTO logs (id, ts, service, level, message, context, trace_id, user_id, hostname, process_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertCount = this.db.prepare('INSERT INTO log_counts (minute, service, level, n) VALUES (?, ?, ?, ?) ON CONFLICT(minute, service, level) DO UPDATE SET n = n + excluded.n');
    this.upsertHourCount = this.db.prepare('INSERT INTO log_counts_hourly (hour, service, level, n) VALUES (?, ?, ?, ?) ON CONFLICT(hour, service, level) DO UPDATE SET n = n + excluded.n');
    this.upsertCursor = this.db.prepare('INSERT INTO log_cursors (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    FtsIndexer.prepareFile(this.ftsFile);
    this.fts = new FtsIndexer(this.rowsFile, this.ftsFile);
    this.fts.appended(this.lastId);
    this.reader = new Database(this.rowsFile, { readonly: true });
    this.reader.pragma('cache_size = -65536');
    this.reader.prepare('ATTACH DATABASE ? AS fts').run(this.ftsFile);
  }

  /** Opens (creating and migrating) the log databases in `dir` and starts the indexer. */
  static open(dir: string): SqliteLogRepo {
    return new SqliteLogRepo(dir);
  }

  private readonly appendTx = (entries: readonly NewLogEntry[], cursors: readonly SourceCursor[]): void => {
    let id = this.lastId;
    for (const e of entries) {
      id += 1;
      this.insertRow.run(id, e.ts, e.service, e.level, e.message, e.context, e.trace_id, e.user_id, e.hostname, e.process_id, e.source);
      this.chunks.add(id, e.ts, e.trace_id, e.user_id);
    }
    const counts = batchCounts(entries);
    for (const c of counts.minutes) this.upsertCount.run(c.at, c.service, c.level, c.n);
    for (const c of counts.hours) this.upsertHourCount.run(c.at, c.service, c.level, c.n);
    for (const c of cursors) this.upsertCursor.run(c.key, c.value);
    this.lastId = id;
  };

  async append(entries: readonly NewLogEntry[], cursors: readonly SourceCursor[] = []): Promise<{ firstId: number; lastId: number }> {
    const before = this.lastId;
    try {
      this.db.transaction(this.appendTx)(entries, cursors);
    } catch (err) {
      this.lastId = before;
      // The chunk index saw the rolled-back entries: read it again from what was committed.
      this.chunks = new Chunks(this.db);
      this.lastCompiled = undefined;
      throw err;
    }
    if (this.lastId > before) this.fts.appended(this.lastId);
    return { firstId: before + 1, lastId: this.lastId };
  }

  async query(filter: LogFilter, limit: number, offset: number): Promise<LogRow[]> {
    if (limit <= 0) return [];
    if (!filter.q) {
      const where = this.compile(filter);
      if (!where) return [];
      const select = this.sql(`SELECT * FROM logs WHERE id BETWEEN ? AND ?${where.sql ? ` AND ${where.sql}` : ''} ORDER BY id DESC LIMIT ? OFFSET ?`);
      if (where.ranges.length === 1) return select.all(where.ranges[0]!.first, where.ranges[0]!.last, ...where.args, limit, offset) as LogRow[];
      // Several chunks (a trace or user id): newest first, range by range, until the page is full.
      const wanted = limit + offset;
      const out: LogRow[] = [];
      for (const r of where.ranges) {
        out.push(...(select.all(r.first, r.last, ...where.args, wanted - out.length, 0) as LogRow[]));
        if (out.length >= wanted) break;
      }
      return out.slice(offset, offset + limit);
    }
    // Full-text: walk the slices newest first until enough matches are found.
    const wanted = limit + offset;
    const out: LogRow[] = [];
    for (const slice of this.searchSlices(filter)) {
      out.push(...(this.sql(slice.sql + ' LIMIT ?').all(...slice.args, wanted - out.length) as LogRow[]));
      if (out.length >= wanted) break;
    }
    return out.slice(offset, offset + limit);
  }

  async count(filter: LogFilter, cap: number): Promise<{ total: number; capped: boolean }> {
    let total = 0;
    if (!filter.q) {
      const where = this.compile(filter);
      const counter = where && this.sql(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM logs WHERE id BETWEEN ? AND ?${where.sql ? ` AND ${where.sql}` : ''} LIMIT ?)`);
      for (const r of where?.ranges ?? []) {
        total += (counter!.get(r.first, r.last, ...where!.args, cap + 1 - total) as { n: number }).n;
        if (total > cap) break;
      }
    } else {
      for (const slice of this.searchSlices(filter)) {
        total += (this.sql(`SELECT COUNT(*) AS n FROM (${slice.sql} LIMIT ?)`).get(...slice.args, cap + 1 - total) as { n: number }).n;
        if (total > cap) break;
      }
    }
    return total > cap ? { total: cap, capped: true } : { total, capped: false };
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
    let windows: ExportWindow[];
    if (filter.q) windows = [...this.searchSlices(filter)];
    else {
      // Windows of exportWindowIds ids, newest first, for the export's threads to take in turn.
      const where = this.compile(filter);
      const sql = `SELECT * FROM logs WHERE id BETWEEN ? AND ?${where?.sql ? ` AND ${where.sql}` : ''} ORDER BY id DESC`;
      windows = [];
      for (const r of where?.ranges ?? []) {
        for (let hi = r.last; hi >= r.first; hi -= exportWindowIds) windows.push({ sql, args: [Math.max(r.first, hi - exportWindowIds + 1), hi, ...where!.args] });
      }
    }
    return exportInWorkers(this.rowsFile, filter.q ? this.ftsFile : undefined, format, windows);
  }

  async levelCounts(since: number, until: number, service?: string): Promise<LevelCount[]> {
    const spans = countSpans(since, until);
    const parts: string[] = [];
    const args: unknown[] = [];
    const only = service === undefined ? '' : ' AND service = ?';
    const add = (table: string, column: string, [from, to]: [number, number]): void => {
      parts.push(`SELECT service, level, n FROM ${table} WHERE ${column} BETWEEN ? AND ?${only}`);
      args.push(from, to, ...(service === undefined ? [] : [service]));
    };
    for (const m of spans.minutes) add('log_counts', 'minute', m);
    if (spans.hours) add('log_counts_hourly', 'hour', spans.hours);
    if (parts.length === 0) return [];
    return this.sql(`SELECT service, level, SUM(n) AS count FROM (${parts.join(' UNION ALL ')}) GROUP BY service, level ORDER BY service, level`).all(...args) as LevelCount[];
  }

  async cursor(key: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT value FROM log_cursors WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async retain(limits: LogRetention, now: number): Promise<{ deleted: number; more: boolean }> {
    let upTo = this.chunks.expiredUpTo(now - limits.maxAgeMs);
    const overSize = this.bytes() > limits.maxBytes;
    if (overSize) upTo = Math.max(upTo, this.chunks.oldestClosedLast());
    const first = (this.db.prepare('SELECT MIN(id) AS id FROM logs').get() as { id: number | null }).id;
    let deleted = 0;
    if (first !== null && upTo >= first) {
      const end = Math.min(upTo, first + retentionBatch - 1);
      deleted = this.db.prepare('DELETE FROM logs WHERE id <= ?').run(end).changes;
      this.chunks.dropBelow(end + 1);
      this.fts.dropBelow(end + 1);
      this.lastCompiled = undefined;
    }
    const cutoffMinute = Math.floor((now - limits.maxAgeMs) / 60_000);
    this.db.prepare('DELETE FROM log_counts WHERE minute < ?').run(cutoffMinute);
    this.db.prepare('DELETE FROM log_counts_hourly WHERE hour < ?').run(Math.floor(cutoffMinute / 60));
    const nextFirst = (this.db.prepare('SELECT MIN(id) AS id FROM logs').get() as { id: number | null }).id;
    // Over the size limit a call targets only the oldest chunk: another is due while the store is still too big.
    const more = (nextFirst !== null && nextFirst <= upTo) || (overSize && deleted > 0 && this.bytes() > limits.maxBytes);
    return { deleted, more };
  }

  async searchableUpTo(): Promise<number> {
    return this.fts.indexedUpTo;
  }

  /** Resolves once full-text search covers every committed entry (tests, benchmarks). */
  async waitSearchable(timeoutMs = 30_000): Promise<void> {
    await this.fts.waitFor(this.lastId, timeoutMs);
  }

  async stats(): Promise<{ rows: number; bytes: number; lastId: number }> {
    // Ids are contiguous and retention deletes from the oldest end: the count is a subtraction.
    const first = (this.db.prepare('SELECT MIN(id) AS id FROM logs').get() as { id: number | null }).id;
    const rows = first === null ? 0 : this.lastId - first + 1;
    return { rows, bytes: this.bytes(), lastId: this.lastId };
  }

  async close(): Promise<void> {
    await this.fts.close();
    if (this.reader.open) this.reader.close();
    if (this.db.open) this.db.close();
  }

  /** Bytes in use: pages holding data in logs.db, plus the full-text file. */
  private bytes(): number {
    const pages = (this.db.pragma('page_count', { simple: true }) as number) - (this.db.pragma('freelist_count', { simple: true }) as number);
    let ftsBytes = 0;
    try {
      ftsBytes = statSync(this.ftsFile).size;
    } catch {
      /* not created yet */
    }
    return pages * (this.db.pragma('page_size', { simple: true }) as number) + ftsBytes;
  }

  /** One full-text query per slice that can hold matches, newest slice first. */
  private *searchSlices(filter: LogFilter): Iterable<{ sql: string; args: unknown[] }> {
    const match = ftsMatch(filter.q!);
    if (!match) return;
    const where = this.compile({ ...filter, q: undefined }, 'l.');
    if (!where) return;
    const top = Math.min(this.fts.indexedUpTo, where.maxId);
    // Few candidate chunks (a trace or user id): rows outside them are skipped before the equality test.
    const ranges = where.ranges.length <= maxRanges ? where.ranges : [{ first: where.minId, last: where.maxId }];
    const idSql = `(${ranges.map(() => 'l.id BETWEEN ? AND ?').join(' OR ')})`;
    const idArgs = ranges.flatMap((r) => [r.first, r.last]);
    for (let slice = Math.floor(top / ftsSliceIds); slice >= Math.floor(where.minId / ftsSliceIds) && slice >= 0; slice--) {
      const table = `fts_${slice}`;
      if (!this.fts.hasSlice(this.reader, table)) continue;
      yield {
        sql: `SELECT l.* FROM fts.${table} f JOIN logs l ON l.id = f.rowid WHERE f.${table} MATCH ? AND ${idSql}${where.sql ? ` AND ${where.sql}` : ''}${match.phrase ? ' AND (instr(lower(l.message), ?) > 0 OR instr(lower(l.context), ?) > 0)' : ''} ORDER BY f.rowid DESC`,
        args: [match.expression, ...idArgs, ...where.args, ...(match.phrase ? [match.phrase, match.phrase] : [])],
      };
    }
  }

  /** compileFilter, remembered for the last trace or user filter: the API's page and count then read the Bloom filters once. */
  private compile(filter: LogFilter, prefix = ''): CompiledFilter | undefined {
    if (filter.traceId === undefined && filter.userId === undefined) return compileFilter(filter, this.chunks, this.lastId, prefix);
    // Equal keys give equal answers: same filter, same entries, same full-text reach.
    const key = `${prefix}\u0000${this.lastId}\u0000${this.fts.indexedUpTo}\u0000${JSON.stringify(filter)}`;
    if (this.lastCompiled?.key !== key) this.lastCompiled = { key, where: compileFilter(filter, this.chunks, this.lastId, prefix) };
    return this.lastCompiled.where;
  }


  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.reader.prepare(text);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(text, s);
    }
    return s;
  }
}

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The writer appends: it touches the right edge of the table and of each index, and the
  // oldest pages when retention deletes. A larger cache bought no ingest speed (1M rows over
  // HTTP and as service stdout, same within noise at 8 and 64 MB) but stayed resident after
  // a burst: 45 s after 1M captured lines the hub held ~180 MB with 64 MB, ~110 MB with 8 MB.
  // Queries go through the reader connection, which keeps the large cache.
  db.pragma('cache_size = -8192');
  // The full-text worker checkpoints after each batch it indexes; this only bounds the log if it cannot.
  db.pragma('wal_autocheckpoint = 16384');
  db.pragma('busy_timeout = 5000');
  return db;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of logMigrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
}
