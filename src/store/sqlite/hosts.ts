/** SQLite hosts repository (being written). */
import type Database from 'better-sqlite3';
import type { HostRepo } from '../index.js';

/** SQLite implementation of HostRepo. */
export function sqliteHosts(db: Database.Database): HostRepo {
  void db;
  return notYet<HostRepo>('hosts');
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
