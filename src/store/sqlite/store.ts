/** The embedded store: one SQLite file in WAL mode, driven synchronously by better-sqlite3. */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServiceRecord, StoredEvent } from '../../core/types.js';
import { historyTables, type EventQuery, type HistoryKind, type Store, type TokenRecord } from '../index.js';
import type { AlertRepo, AuditRepo, AuthRepo, HostRepo, MetricRepo } from '../index.js';
import { sqliteAudit, sqliteAuth } from './auth.js';
import { sqliteAlerts } from './alerts.js';
import { sqliteHosts } from './hosts.js';
import { SqliteLogRepo } from './logs/repo.js';
import { SqliteMetricRepo } from './metrics/repo.js';
import { sqliteMigrations } from './migrations.js';

const serviceColumns = [
  'name', 'status', 'desired', 'mode', 'pid', 'proc_start', 'started_at', 'stopped_at', 'exit_code', 'exit_signal',
  'restarts', 'reason', 'health', 'health_message', 'last_checked', 'cpu_percent', 'memory_mb', 'updated_at',
] as const satisfies readonly (keyof ServiceRecord)[];

const saveServiceSql = `INSERT INTO service_state (${serviceColumns.join(', ')}) VALUES (${serviceColumns.map((c) => '@' + c).join(', ')})
  ON CONFLICT(name) DO UPDATE SET ${serviceColumns.filter((c) => c !== 'name').map((c) => `${c} = excluded.${c}`).join(', ')}`;

const createTokenSql = `INSERT INTO api_tokens (id, name, hash, scopes, created_at, expires_at, last_used_at, revoked_at)
  VALUES (@id, @name, @hash, @scopes, @created_at, @expires_at, @last_used_at, @revoked_at)`;

type Row = Record<string, unknown>;

/** SQLite implementation of Store. */
export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;

  readonly hosts: HostRepo;
  readonly alerts: AlertRepo;
  readonly auth: AuthRepo;
  readonly audit: AuditRepo;

  private constructor(
    private readonly db: Database.Database,
    readonly logs: SqliteLogRepo,
    readonly metrics: MetricRepo & { close(): Promise<void> },
  ) {
    this.hosts = sqliteHosts(db);
    this.alerts = sqliteAlerts(db);
    this.auth = sqliteAuth(db);
    this.audit = sqliteAudit(db);
  }

  /** Opens (creating if needed, mode 0600) the database file. */
  static open(file: string): SqliteStore {
    const isNew = !existsSync(file);
    const db = new Database(file);
    if (isNew) chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    // NORMAL keeps every commit across a process crash (SIGKILL); only power loss can drop the last few.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return new SqliteStore(db, SqliteLogRepo.open(dirname(file)), SqliteMetricRepo.open(dirname(file)));
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    const record = this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of sqliteMigrations) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
      })();
    }
  }

  async schemaVersion(): Promise<number> {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return row.v ?? 0;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async pruneHistory(kind: HistoryKind, before: string, limit: number): Promise<number> {
    const { table, time } = historyTables[kind];
    return this.sql(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${time} < ? ORDER BY id LIMIT ?)`).run(before, limit).changes;
  }

  async close(): Promise<void> {
    await this.logs.close();
    await this.metrics.close();
    if (this.db.open) this.db.close();
  }

  // Statements are prepared on first use (tables exist only after migrate) and reused.
  private readonly statements = new Map<string, Database.Statement>();
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  readonly services = {
    get: async (name: string): Promise<ServiceRecord | undefined> => {
      const row = this.sql('SELECT * FROM service_state WHERE name = ?').get(name) as Row | undefined;
      return row ? (row as unknown as ServiceRecord) : undefined;
    },
    list: async (): Promise<ServiceRecord[]> => this.sql('SELECT * FROM service_state ORDER BY name').all() as ServiceRecord[],
    save: async (record: ServiceRecord): Promise<void> => {
      this.sql(saveServiceSql).run(record);
    },
    removeExcept: async (names: readonly string[]): Promise<number> => {
      const placeholders = names.map(() => '?').join(', ');
      const sql = names.length ? `DELETE FROM service_state WHERE name NOT IN (${placeholders})` : 'DELETE FROM service_state';
      return this.db.prepare(sql).run(...names).changes;
    },
  };

  readonly events = {
    append: async (e: Omit<StoredEvent, 'id'>): Promise<number> =>
      Number(this.sql('INSERT INTO events (at, topic, service, payload) VALUES (?, ?, ?, ?)').run(e.at, e.topic, e.service, JSON.stringify(e.payload)).lastInsertRowid),
    list: async (q: EventQuery): Promise<StoredEvent[]> => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.service !== undefined) (where.push('service = ?'), args.push(q.service));
      if (q.topic !== undefined) (where.push('topic = ?'), args.push(q.topic));
      if (q.since !== undefined) (where.push('at >= ?'), args.push(q.since));
      const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      const rows = this.db.prepare(sql).all(...args, q.limit ?? 100) as Row[];
      return rows.map((r) => ({ ...(r as unknown as StoredEvent), payload: JSON.parse(r.payload as string) }));
    },
  };

  readonly tokens = {
    create: async (t: TokenRecord): Promise<void> => {
      this.sql(createTokenSql).run({ ...t, scopes: JSON.stringify(t.scopes) });
    },
    findByHash: async (hash: string): Promise<TokenRecord | undefined> => toToken(this.sql('SELECT * FROM api_tokens WHERE hash = ?').get(hash) as Row | undefined),
    findByName: async (name: string): Promise<TokenRecord | undefined> => toToken(this.sql('SELECT * FROM api_tokens WHERE name = ?').get(name) as Row | undefined),
    touch: async (id: string, at: string): Promise<void> => {
      this.sql('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
    },
    revoke: async (id: string, at: string): Promise<void> => {
      this.sql('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
    },
  };
}

function toToken(row: Row | undefined): TokenRecord | undefined {
  return row ? { ...(row as unknown as TokenRecord), scopes: JSON.parse(row.scopes as string) as string[] } : undefined;
}
