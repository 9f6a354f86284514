/** PostgreSQL metric repository (being written). */
import type pg from 'pg';
import type { MetricRepo } from '../index.js';

/** PostgreSQL implementation of MetricRepo. */
export function postgresMetrics(pool: pg.Pool): MetricRepo {
  void pool;
  return new Proxy({} as MetricRepo, { get: (_t, prop) => () => Promise.reject(new Error(`metrics.${String(prop)}: not implemented yet`)) });
}
