/** PostgreSQL hosts repository (being written). */
import type pg from 'pg';
import type { HostRepo } from '../index.js';

/** PostgreSQL implementation of HostRepo. */
export function postgresHosts(pool: pg.Pool): HostRepo {
  void pool;
  return notYet<HostRepo>('hosts');
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
