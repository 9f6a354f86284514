/**
 * The log store under test, loaded from the build (dist/), i.e. the very code the hub runs:
 * SqliteLogRepo for the floor and the direct queries, and the schema for the bare insert.
 * The bench only depends on the few methods below (the store's LogRepo contract), so it never
 * compiles src/ into its own program.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A filter as the store takes it (src/store/index.ts LogFilter). */
export interface StoreFilter {
  service?: string;
  level?: number;
  minLevel?: number;
  since?: number;
  until?: number;
  traceId?: string;
  userId?: string;
  q?: string;
  beforeId?: number;
}

/** A validated entry as the store appends it (src/logs/entry.ts NewLogEntry). */
export interface StoreEntry {
  ts: number;
  service: string;
  level: number;
  message: string;
  context: string | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: string;
}

/** The part of SqliteLogRepo the benchmark uses. */
export interface LogStore {
  append(entries: readonly StoreEntry[]): Promise<{ firstId: number; lastId: number }>;
  query(filter: StoreFilter, limit: number, offset: number): Promise<{ id: number }[]>;
  count(filter: StoreFilter, cap: number): Promise<{ total: number; capped: boolean }>;
  scan(filter: StoreFilter, pageSize: number): AsyncIterable<{ id: number }[]>;
  levelCounts(since: number, until: number, service?: string): Promise<{ service: string; level: number; count: number }[]>;
  searchableUpTo(): Promise<number>;
  waitSearchable(timeoutMs?: number): Promise<void>;
  stats(): Promise<{ rows: number; bytes: number; lastId: number }>;
  close(): Promise<void>;
}

/** Opens (creating) the SQLite log store in `dir` with the build in `app` (a directory holding dist/). */
export async function openLogStore(app: string, dir: string): Promise<LogStore> {
  const mod = (await import(distUrl(app, 'store/sqlite/logs/repo.js'))) as { SqliteLogRepo: { open(dir: string): LogStore } };
  return mod.SqliteLogRepo.open(dir);
}

/** The log store's schema as the build defines it (src/store/sqlite/logs/schema.ts). */
export interface LogSchema {
  /** The SQL of logs.db's migrations (tables and indexes exactly as the store creates them). */
  migrations: string[];
  /** DDL of the full-text slice table `table` (in logs-fts.db). */
  ftsSliceDdl(table: string): string;
  /** The full-text slice table an id belongs to. */
  ftsTableFor(id: number): string;
}

/** Loads the log store's schema from the build in `app`. */
export async function logSchema(app: string): Promise<LogSchema> {
  const mod = (await import(distUrl(app, 'store/sqlite/logs/schema.js'))) as { logMigrations: { sql: string }[] } & Omit<LogSchema, 'migrations'>;
  return { migrations: mod.logMigrations.map((m) => m.sql), ftsSliceDdl: mod.ftsSliceDdl, ftsTableFor: mod.ftsTableFor };
}

function distUrl(app: string, path: string): string {
  const file = join(app, 'dist', path);
  if (!existsSync(file)) throw new Error(`${file} not found: run npm run build first`);
  return pathToFileURL(file).href;
}
