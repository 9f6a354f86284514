/** SQLite alerts repository (being written). */
import type Database from 'better-sqlite3';
import type { AlertRepo } from '../index.js';

/** SQLite implementation of AlertRepo. */
export function sqliteAlerts(db: Database.Database): AlertRepo {
  void db;
  return notYet<AlertRepo>('alerts');
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
