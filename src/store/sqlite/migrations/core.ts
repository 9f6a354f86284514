/** SQLite schema of the core area (versions 1–99): services, events, tokens. */
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
        proc_start INTEGER,
        started_at TEXT,
        stopped_at TEXT,
        exit_code INTEGER,
        exit_signal TEXT,
        restarts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        health TEXT NOT NULL,
        health_message TEXT,
        last_checked TEXT,
        cpu_percent REAL,
        memory_mb REAL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        topic TEXT NOT NULL,
        service TEXT,
        payload TEXT NOT NULL
      );
      CREATE INDEX idx_events_service_at ON events (service, at);
      CREATE INDEX idx_events_at ON events (at);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      );
    `,
  },
];
