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
  services: ServiceStateRepo;
  events: EventRepo;
  tokens: TokenRepo;
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
    stdout_offset: 0,
    stderr_offset: 0,
    updated_at: at,
  };
}
