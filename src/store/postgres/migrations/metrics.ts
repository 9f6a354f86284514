/**
 * PostgreSQL schema of the metrics area (versions 200–299). Never edit an applied entry: add a
 * new one. One row per source and instant with the values as a jsonb object (key → number);
 * rollups as jsonb objects (key → [min, max, sum, count, last]); the series catalog.
 */
import type { Migration } from '../../migration.js';

export const metricsMigrations: Migration[] = [
  {
    version: 200,
    name: 'metric points, rollups, series catalog',
    sql: `
      CREATE TABLE metric_points (
        source TEXT NOT NULL,
        ts BIGINT NOT NULL,
        v JSONB NOT NULL,
        PRIMARY KEY (source, ts)
      );
      CREATE INDEX metric_points_ts ON metric_points (ts);
      CREATE TABLE metric_rollups_1m (
        source TEXT NOT NULL,
        bucket BIGINT NOT NULL,
        v JSONB NOT NULL,
        PRIMARY KEY (source, bucket)
      );
      CREATE INDEX metric_rollups_1m_bucket ON metric_rollups_1m (bucket);
      CREATE TABLE metric_rollups_1h (
        source TEXT NOT NULL,
        bucket BIGINT NOT NULL,
        v JSONB NOT NULL,
        PRIMARY KEY (source, bucket)
      );
      CREATE INDEX metric_rollups_1h_bucket ON metric_rollups_1h (bucket);
      CREATE TABLE metric_series (
        source TEXT NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        labels JSONB NOT NULL,
        last_seen BIGINT NOT NULL,
        PRIMARY KEY (source, key)
      );
      CREATE INDEX metric_series_name ON metric_series (name);
      CREATE INDEX metric_series_last_seen ON metric_series (last_seen);
    `,
  },
];
