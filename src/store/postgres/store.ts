/** The PostgreSQL store, for hubs that share one database. Same contract as the SQLite store. */
import pg from 'pg';
import type { ServiceRecord, StoredEvent } from '../../core/types.js';
import { historyTables, type EventQuery, type HistoryKind, type Store, type TokenRecord } from '../index.js';
import type { AlertRepo, AuditRepo, AuthRepo, HostRepo, MetricRepo } from '../index.js';
import { postgresAudit, postgresAuth } from './auth.js';
import { postgresAlerts } from './alerts.js';
import { postgresHosts } from './hosts.js';
import { PostgresLogRepo } from './logs.js';
import { postgresMetrics } from './metrics.js';
import { postgresMigrations } from './migrations.js';

const serviceColumns = [
  'name', 'status', 'desired', 'mode', 'pid', 'proc_start', 'started_at', 'stopped_at', 'exit_code', 'exit_signal',
  'restarts', 'reason', 'health', 'health_message', 'last_checked', 'cpu_percent', 'memory_mb', 'updated_at',
] as const satisfies readonly (keyof ServiceRecord)[];

const saveServiceSql = `INSERT INTO service_state (${serviceColumns.join(', ')})
  VALUES (${serviceColumns.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (name) DO UPDATE SET ${serviceColumns.filter((c) => c !== 'name').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;

// Migrations of concurrent replicas are serialized by this advisory lock key.
const migrationLock = 0x77686c01;

type Row = Record<string, unknown>;

/** PostgreSQL implementation of Store. */
export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;

  readonly logs: PostgresLogRepo;
  readonly hosts: HostRepo;
  readonly metrics: MetricRepo;
  readonly alerts: AlertRepo;
  readonly auth: AuthRepo;
  readonly audit: AuditRepo;

  private constructor(private readonly pool: pg.Pool) {
    this.logs = new PostgresLogRepo(pool);
    this.hosts = postgresHosts(pool);
    this.metrics = postgresMetrics(pool);
    this.alerts = postgresAlerts(pool);
    this.auth = postgresAuth(pool);
    this.audit = postgresAudit(pool);
  }

  /** Connects and checks the server answers; rejects with the server's reason otherwise. */
  static async connect(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client that errors (server restart) must not crash the hub; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.ping();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const m of postgresMigrations) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => {});
      client.release();
    }
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    return rows[0]?.v ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async pruneHistory(kind: HistoryKind, before: string, limit: number): Promise<number> {
    const { table, time } = historyTables[kind];
    const { rowCount } = await this.pool.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${time} < $1 ORDER BY id LIMIT $2)`, [before, limit]);
    return rowCount ?? 0;
  }

  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  readonly services = {
    get: async (name: string): Promise<ServiceRecord | undefined> => {
      const { rows } = await this.pool.query('SELECT * FROM service_state WHERE name = $1', [name]);
      return rows[0] ? toService(rows[0]) : undefined;
    },
    list: async (): Promise<ServiceRecord[]> => {
      const { rows } = await this.pool.query('SELECT * FROM service_state ORDER BY name');
      return rows.map(toService);
    },
    save: async (record: ServiceRecord): Promise<void> => {
      await this.pool.query(saveServiceSql, serviceColumns.map((c) => record[c]));
    },
    removeExcept: async (names: readonly string[]): Promise<number> => {
      const { rowCount } = await this.pool.query('DELETE FROM service_state WHERE NOT (name = ANY($1::text[]))', [names]);
      return rowCount ?? 0;
    },
  };

  readonly events = {
    append: async (e: Omit<StoredEvent, 'id'>): Promise<number> => {
      const { rows } = await this.pool.query<{ id: string }>(
        'INSERT INTO events (at, topic, service, payload) VALUES ($1, $2, $3, $4) RETURNING id',
        [e.at, e.topic, e.service, JSON.stringify(e.payload)],
      );
      return Number(rows[0]!.id);
    },
    list: async (q: EventQuery): Promise<StoredEvent[]> => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.service !== undefined) (args.push(q.service), where.push(`service = $${args.length}`));
      if (q.topic !== undefined) (args.push(q.topic), where.push(`topic = $${args.length}`));
      if (q.since !== undefined) (args.push(q.since), where.push(`at >= $${args.length}`));
      args.push(q.limit ?? 100);
      const { rows } = await this.pool.query(
        `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $${args.length}`,
        args,
      );
      return rows.map((r: Row) => ({ id: Number(r.id), at: iso(r.at)!, topic: r.topic as string, service: (r.service as string) ?? null, payload: r.payload }));
    },
  };

  readonly tokens = {
    create: async (t: TokenRecord): Promise<void> => {
      await this.pool.query(
        'INSERT INTO api_tokens (id, name, hash, scopes, created_at, expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [t.id, t.name, t.hash, JSON.stringify(t.scopes), t.created_at, t.expires_at, t.last_used_at, t.revoked_at],
      );
    },
    findByHash: async (hash: string): Promise<TokenRecord | undefined> => {
      const { rows } = await this.pool.query('SELECT * FROM api_tokens WHERE hash = $1', [hash]);
      return rows[0] ? toToken(rows[0]) : undefined;
    },
    findByName: async (name: string): Promise<TokenRecord | undefined> => {
      const { rows } = await this.pool.query('SELECT * FROM api_tokens WHERE name = $1', [name]);
      return rows[0] ? toToken(rows[0]) : undefined;
    },
    touch: async (id: string, at: string): Promise<void> => {
      await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
    },
    revoke: async (id: string, at: string): Promise<void> => {
      await this.pool.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    },
  };
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toService(r: Row): ServiceRecord {
  return {
    ...(r as unknown as ServiceRecord),
    proc_start: num(r.proc_start),
    started_at: iso(r.started_at),
    stopped_at: iso(r.stopped_at),
    last_checked: iso(r.last_checked),
    updated_at: iso(r.updated_at)!,
  };
}

function toToken(r: Row): TokenRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    hash: r.hash as string,
    scopes: r.scopes as string[],
    created_at: iso(r.created_at)!,
    expires_at: iso(r.expires_at),
    last_used_at: iso(r.last_used_at),
    revoked_at: iso(r.revoked_at),
  };
}
