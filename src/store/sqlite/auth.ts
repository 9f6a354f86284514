/** sqlite users, sessions, links and audit trail (being written). */
import type Database from 'better-sqlite3';
import type { AuditRepo, AuthRepo } from '../index.js';
import { sqliteAuditRepo } from './audit.js';
import { sqliteAuthRepo } from './auth-users.js';

/** sqlite implementation of AuthRepo. */
export function sqliteAuth(db: Database.Database): AuthRepo {
  return sqliteAuthRepo(db);
}

/** sqlite implementation of AuditRepo. */
export function sqliteAudit(db: Database.Database): AuditRepo {
  return sqliteAuditRepo(db);
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
