/**
 * The Store: everything the hub keeps, behind one interface with two backends
 * (`sqlite/` embedded default, `postgres/` for teams that outgrow one machine). Dialect SQL
 * stays inside each backend; one contract suite (testing/contract.ts) runs against both.
 *
 * Contract for every method: it resolves only after the write is committed (a hub killed
 * right after loses nothing it was told is saved), and it never returns rows shared with
 * the store's internals (callers may mutate what they get).
 */
import type { ServiceRecord, StoredEvent } from '../core/types.js';
import type { StoreSettings } from '../core/config/index.js';
import type { LogSource, NewLogEntry } from '../logs/entry.js';
import type { ExportFormat } from '../logs/export-format.js';
import type { AlertRepo } from './alerts.js';
import type { AuditRepo, AuthRepo } from './auth.js';
import type { HostRepo } from './hosts.js';
import type { MetricRepo } from './metrics.js';

export type * from './alerts.js';
export type * from './auth.js';
export type * from './hosts.js';
export type * from './metrics.js';

/** Persisted service state (one row per service name). */
export interface ServiceStateRepo {
  get(name: string): Promise<ServiceRecord | undefined>;
  list(): Promise<ServiceRecord[]>;
  /** Inserts or replaces the row for `record.name`. */
  save(record: ServiceRecord): Promise<void>;
  /** Removes rows of services that are no longer configured. */
  removeExcept(names: readonly string[]): Promise<number>;
}

/** Filter for listing events; newest first. */
export interface EventQuery {
  service?: string;
  topic?: string;
  /** ISO time; only events at or after it. */
  since?: string;
  limit?: number;
}

/** The append-only event log. */
export interface EventRepo {
  /** Appends one event and returns its id. */
  append(event: Omit<StoredEvent, 'id'>): Promise<number>;
  list(query: EventQuery): Promise<StoredEvent[]>;
}

/** An API token as stored: only the SHA-256 of the secret is kept. */
export interface TokenRecord {
  id: string;
  name: string;
  hash: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** API tokens. */
export interface TokenRepo {
  create(token: TokenRecord): Promise<void>;
  /** The token whose secret hashes to `hash`, revoked or not; undefined if none. */
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  findByName(name: string): Promise<TokenRecord | undefined>;
  touch(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
}

/** Which log entries a query wants; every field narrows the result. */
export interface LogFilter {
  service?: string;
  /** Exact level code (1 DEBUG … 5 CRITICAL). */
  level?: number;
  /** At least this level code. */
  minLevel?: number;
  /** Entry timestamps in ms, inclusive. */
  since?: number;
  until?: number;
  traceId?: string;
  userId?: string;
  /** Words that must all occur in the message or context (full-text). */
  q?: string;
  /** Only entries with ids below (keyset pagination, newest first). */
  beforeId?: number;
}

/** One stored log entry. */
export interface LogRow {
  id: number;
  ts: number;
  service: string;
  level: number;
  message: string;
  context: string | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: LogSource;
}

/** A LogRow as a tuple in the table's column order: how bulk reads (exports) get rows without building objects. */
export type LogTuple = [
  id: number,
  ts: number,
  service: string,
  level: number,
  message: string,
  context: string | null,
  trace_id: string | null,
  user_id: string | null,
  hostname: string | null,
  process_id: number | null,
  source: LogSource,
];

/** A position of a log source (a spool or a tailed file), committed with the entries read up to it. */
export interface SourceCursor {
  key: string;
  value: string;
}

/** Entry counts per service and level in a time window. */
export interface LevelCount {
  service: string;
  level: number;
  count: number;
}

/** Retention limits. */
export interface LogRetention {
  maxAgeMs: number;
  maxBytes: number;
}

/**
 * The log store. `append` commits entries (and the source cursors given with them) in one
 * transaction and resolves after the commit. Full-text search may trail appends by a
 * moment (`searchableUpTo`); every other filter sees an entry as soon as it is committed.
 * Results are newest first (by id: the order entries were committed in).
 */
export interface LogRepo {
  append(entries: readonly NewLogEntry[], cursors?: readonly SourceCursor[]): Promise<{ firstId: number; lastId: number }>;
  query(filter: LogFilter, limit: number, offset: number): Promise<LogRow[]>;
  /** Number of matches, counted up to `cap` (exact when below it). */
  count(filter: LogFilter, cap: number): Promise<{ total: number; capped: boolean }>;
  /** Every match, newest first, in pages of `pageSize`. */
  scan(filter: LogFilter, pageSize: number): AsyncIterable<LogRow[]>;
  /** Every match, newest first, serialized in `format` (rows only: the caller writes the head and tail), in chunks. */
  export(filter: LogFilter, format: ExportFormat): AsyncIterable<Buffer>;
  levelCounts(since: number, until: number, service?: string): Promise<LevelCount[]>;
  cursor(key: string): Promise<string | undefined>;
  /** Deletes one small batch of entries beyond the limits; `more` when another batch is due. */
  retain(limits: LogRetention, now: number): Promise<{ deleted: number; more: boolean }>;
  /** The highest id that full-text search can find. */
  searchableUpTo(): Promise<number>;
  stats(): Promise<{ rows: number; bytes: number; lastId: number }>;
}

/** The records of what happened that the store keeps for a while (config `history`). */
export type HistoryKind = 'events' | 'audit' | 'alert_history' | 'deliveries';

/** Each kind's table and time column, the same in both backends. */
export const historyTables: Record<HistoryKind, { table: string; time: string }> = {
  events: { table: 'events', time: 'at' },
  audit: { table: 'audit_log', time: 'at' },
  alert_history: { table: 'alert_history', time: 'updated_at' },
  deliveries: { table: 'alert_deliveries', time: 'at' },
};

/** The whole store. */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /** Applies pending migrations in version order; safe to call on every start. */
  migrate(): Promise<void>;
  /** The applied schema version. */
  schemaVersion(): Promise<number>;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Releases the connection; calling it again does nothing. */
  close(): Promise<void>;
  /** Deletes up to `limit` of the oldest rows of `kind` stamped before `before` (ISO time); resolves to how many. */
  pruneHistory(kind: HistoryKind, before: string, limit: number): Promise<number>;
  services: ServiceStateRepo;
  events: EventRepo;
  tokens: TokenRepo;
  logs: LogRepo;
  hosts: HostRepo;
  metrics: MetricRepo;
  alerts: AlertRepo;
  auth: AuthRepo;
  audit: AuditRepo;
}

/** Opens (and migrates) the store the settings name. SQLite lives in `<dataDir>/wheelhouse.db`. */
export async function openStore(settings: StoreSettings, dataDir: string): Promise<Store> {
  let store: Store;
  if (settings.kind === 'postgres') {
    const { PostgresStore } = await import('./postgres/store.js');
    store = await PostgresStore.connect(settings.url);
  } else {
    const { SqliteStore } = await import('./sqlite/store.js');
    store = SqliteStore.open(`${dataDir}/wheelhouse.db`);
  }
  await store.migrate();
  return store;
}

/** A fresh state row for a service the store has not seen yet. */
export function newServiceRecord(name: string, at: string): ServiceRecord {
  return {
    name,
    status: 'stopped',
    desired: 'stopped',
    mode: 'dev',
    pid: null,
    proc_start: null,
    started_at: null,
    stopped_at: null,
    exit_code: null,
    exit_signal: null,
    restarts: 0,
    reason: null,
    health: 'unknown',
    health_message: null,
    last_checked: null,
    cpu_percent: null,
    memory_mb: null,
    updated_at: at,
  };
}
