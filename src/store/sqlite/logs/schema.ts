/**
 * Schema of the log database (logs.db) and the full-text database (logs-fts.db).
 *
 * logs: one row per entry; the id is the commit order, so "newest first" is a walk down the
 * primary key. Two append-only indexes (service, id) and (level, id); no index on the
 * random trace and user ids: those go to per-chunk Bloom filters (log_chunks), which also
 * map time ranges to id ranges. log_counts keeps per-minute counts by service and level.
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
];

/** The full-text slice table for an id. */
export function ftsTableFor(id: number): string {
  return `fts_${Math.floor(id / ftsSliceIds)}`;
}

/** DDL of one full-text slice: contentless (the text is in logs.db), token presence only. */
export function ftsSliceDdl(table: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(message, context, content='', detail=none, columnsize=0)`;
}
