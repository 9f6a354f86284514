/** SQLite schema of the hosts area (versions 100–199). Never edit an applied entry: add a new one. */
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
        interval_s REAL NOT NULL,
        labels TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen TEXT,
        last_address TEXT,
        meta TEXT,
        last_ts INTEGER,
        last_run INTEGER,
        last_seq INTEGER
      );
      CREATE TABLE host_certificates (
        serial TEXT PRIMARY KEY,
        host_id TEXT NOT NULL,
        fingerprint_sha256 TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        revoked_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX idx_host_certificates_host ON host_certificates (host_id, created_at);
    `,
  },
];
