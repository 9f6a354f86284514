/** PostgreSQL alerts repository (being written). */
import type pg from 'pg';
import type { AlertRepo } from '../index.js';

/** PostgreSQL implementation of AlertRepo. */
export function postgresAlerts(pool: pg.Pool): AlertRepo {
  void pool;
  return notYet<AlertRepo>('alerts');
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
