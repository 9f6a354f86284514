/**
 * Schema of the log database (logs.db) and the full-text database (logs-fts.db).
 *
 * logs: one row per entry; the id is the commit order, so "newest first" is a walk down the
 * primary key. Two append-only indexes (service, id, level) and (level, id, service);
 * no index on the random trace and user ids: those go to per-chunk Bloom filters
 * (log_bloom_blocks, one row per 64-byte block); log_chunks maps time ranges to id ranges. log_counts keeps per-minute counts by service and level,
 * log_counts_hourly the same per hour (see store/log-counts.ts).
 * The full-text index lives in its own file, in slices of 2^20 ids, written by a worker
 * thread so indexing never holds up an acknowledgement.
 */

/** Ids per full-text slice; retention drops whole slices. */
export const ftsSliceIds = 1 << 20;
/** Entries per chunk (one Bloom filter pair and one time range each). */
export const chunkEntries = 8192;

/** logs.db, version by version. */
export const logMigrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'log entries, chunks, counts, cursors',
    sql: `
      CREATE TABLE logs (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        service TEXT NOT NULL,
        level INTEGER NOT NULL,
        message TEXT NOT NULL,
        context TEXT,
        trace_id TEXT,
        user_id TEXT,
        hostname TEXT,
        process_id INTEGER,
        source TEXT NOT NULL
      );
      CREATE INDEX logs_service ON logs (service, id);
      CREATE INDEX logs_level ON logs (level, id);
      CREATE TABLE log_chunks (
        first_id INTEGER PRIMARY KEY,
        last_id INTEGER NOT NULL,
        min_ts INTEGER NOT NULL,
        max_ts INTEGER NOT NULL,
        trace_bloom BLOB NOT NULL,
        user_bloom BLOB NOT NULL
      );
      CREATE TABLE log_counts (
        minute INTEGER NOT NULL,
        service TEXT NOT NULL,
        level INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (minute, service, level)
      ) WITHOUT ROWID;
      CREATE TABLE log_cursors (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'hourly log counts',
    sql: `
      CREATE TABLE log_counts_hourly (
        hour INTEGER NOT NULL,
        service TEXT NOT NULL,
        level INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hour, service, level)
      ) WITHOUT ROWID;
      INSERT INTO log_counts_hourly (hour, service, level, n)
        SELECT minute / 60 - (minute < 0 AND minute % 60 != 0), service, level, SUM(n) FROM log_counts GROUP BY 1, 2, 3;
    `,
  },
  {
    version: 3,
    name: 'covering filter indexes, Bloom filters by block',
    // Each index carries the other column after the id: a service+level filter is tested on
    // the index alone (with time, only the rows of the range's edge chunks are read for ts). Bloom filters move to one row per 64-byte block (Chunks
    // converts the whole-filter blobs of older stores when it opens them).
    sql: `
      DROP INDEX logs_service;
      DROP INDEX logs_level;
      CREATE INDEX logs_service ON logs (service, id, level);
      CREATE INDEX logs_level ON logs (level, id, service);
      CREATE TABLE log_bloom_blocks (
        kind INTEGER NOT NULL,
        block INTEGER NOT NULL,
        first_id INTEGER NOT NULL,
        last_id INTEGER NOT NULL,
        bits BLOB NOT NULL,
        PRIMARY KEY (kind, block, first_id)
      ) WITHOUT ROWID;
    `,
  },
];

/** The full-text slice table for an id. */
export function ftsTableFor(id: number): string {
  return `fts_${Math.floor(id / ftsSliceIds)}`;
}

/** DDL of one full-text slice: contentless (the text is in logs.db), token presence only. */
export function ftsSliceDdl(table: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(message, context, content='', detail=none, columnsize=0)`;
}
