/** PostgreSQL schema, one entry per version. Never edit an applied entry: add a new one. */
export const postgresMigrations: { version: number; name: string; sql: string }[] = [
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
        stdout_offset BIGINT NOT NULL DEFAULT 0,
        stderr_offset BIGINT NOT NULL DEFAULT 0,
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
];
