/** PostgreSQL schema of the hosts area (versions 100–199). Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const hostsMigrations: Migration[] = [
  {
    version: 100,
    name: 'hosts and their client certificates',
    sql: `
      CREATE TABLE hosts (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        api_key_hash TEXT UNIQUE,
        interval_s DOUBLE PRECISION NOT NULL,
        labels JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        last_seen TIMESTAMPTZ,
        last_address TEXT,
        meta JSONB,
        last_ts BIGINT,
        last_run BIGINT,
        last_seq BIGINT
      );
      CREATE TABLE host_certificates (
        serial TEXT PRIMARY KEY,
        host_id TEXT NOT NULL,
        fingerprint_sha256 TEXT NOT NULL,
        not_before TIMESTAMPTZ NOT NULL,
        not_after TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX idx_host_certificates_host ON host_certificates (host_id, created_at);
    `,
  },
];
