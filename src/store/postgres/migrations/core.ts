/** PostgreSQL schema of the core area (versions 1–99): services, events, tokens, logs. */
import type { Migration } from '../../migration.js';

export const coreMigrations: Migration[] = [
  {
    version: 1,
    name: 'services, events, tokens',
    sql: `
      CREATE TABLE service_state (
        name TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        desired TEXT NOT NULL,
        mode TEXT NOT NULL,
        pid INTEGER,
        proc_start BIGINT,
        started_at TIMESTAMPTZ,
        stopped_at TIMESTAMPTZ,
        exit_code INTEGER,
        exit_signal TEXT,
        restarts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        health TEXT NOT NULL,
        health_message TEXT,
        last_checked TIMESTAMPTZ,
        cpu_percent DOUBLE PRECISION,
        memory_mb DOUBLE PRECISION,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        topic TEXT NOT NULL,
        service TEXT,
        payload JSONB NOT NULL
      );
      CREATE INDEX idx_events_service_at ON events (service, at);
      CREATE INDEX idx_events_at ON events (at);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL UNIQUE,
        scopes JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ,
        last_used_at TIMESTAMPTZ,
        revoked_at TIMESTAMPTZ
      );
    `,
  },
  {
    version: 2,
    name: 'log entries, counts, cursors',
    sql: `
      CREATE TABLE logs (
        id BIGSERIAL PRIMARY KEY,
        ts BIGINT NOT NULL,
        service TEXT NOT NULL,
        level SMALLINT NOT NULL,
        message TEXT NOT NULL,
        context TEXT,
        trace_id TEXT,
        user_id TEXT,
        hostname TEXT,
        process_id INTEGER,
        source TEXT NOT NULL,
        search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', message || ' ' || coalesce(context, ''))) STORED
      );
      CREATE INDEX logs_service ON logs (service, id);
      CREATE INDEX logs_level ON logs (level, id);
      CREATE INDEX logs_ts ON logs (ts);
      CREATE INDEX logs_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
      CREATE INDEX logs_user ON logs (user_id, id) WHERE user_id IS NOT NULL;
      CREATE INDEX logs_search ON logs USING GIN (search);
      CREATE TABLE log_counts (
        minute BIGINT NOT NULL,
        service TEXT NOT NULL,
        level SMALLINT NOT NULL,
        n BIGINT NOT NULL,
        PRIMARY KEY (minute, service, level)
      );
      CREATE TABLE log_cursors (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 3,
    name: 'hourly log counts',
    sql: `
      CREATE TABLE log_counts_hourly (
        hour BIGINT NOT NULL,
        service TEXT NOT NULL,
        level SMALLINT NOT NULL,
        n BIGINT NOT NULL,
        PRIMARY KEY (hour, service, level)
      );
      INSERT INTO log_counts_hourly (hour, service, level, n)
        SELECT floor(minute / 60.0)::bigint, service, level, SUM(n) FROM log_counts GROUP BY 1, 2, 3;
    `,
  },
];
