/** SQLite schema of the alerts area (versions 300–399). Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const alertsMigrations: Migration[] = [
  {
    version: 300,
    name: 'alert state and history, silences, deliveries, API rules',
    sql: `
      CREATE TABLE alerts (
        fingerprint TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        labels TEXT NOT NULL,
        annotations TEXT NOT NULL,
        value REAL,
        started_at TEXT NOT NULL,
        fired_at TEXT,
        resolved_at TEXT,
        last_notified_at TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_alerts_state ON alerts (state);
      CREATE TABLE alert_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL,
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        labels TEXT NOT NULL,
        annotations TEXT NOT NULL,
        value REAL,
        started_at TEXT NOT NULL,
        fired_at TEXT,
        resolved_at TEXT,
        last_notified_at TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_alert_history_fingerprint ON alert_history (fingerprint, id);
      CREATE INDEX idx_alert_history_rule ON alert_history (rule, id);
      CREATE INDEX idx_alert_history_updated ON alert_history (updated_at);
      CREATE TABLE silences (
        id TEXT PRIMARY KEY,
        matchers TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        comment TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL,
        expired_at TEXT
      );
      CREATE INDEX idx_silences_ends ON silences (ends_at);
      CREATE TABLE alert_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        alerts TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        error TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX idx_alert_deliveries_channel ON alert_deliveries (channel, id);
      CREATE TABLE alert_rules (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT
      );
    `,
  },
  {
    // The history retention deletes deliveries by age (Store.pruneHistory).
    version: 301,
    name: 'alert deliveries by time',
    sql: `CREATE INDEX idx_alert_deliveries_at ON alert_deliveries (at);`,
  },
];
