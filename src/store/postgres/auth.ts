/** postgres users, sessions, links and audit trail (being written). */
import type pg from 'pg';
import type { AuditRepo, AuthRepo } from '../index.js';
import { postgresAuditRepo } from './audit.js';
import { postgresAuthRepo } from './auth-users.js';

/** postgres implementation of AuthRepo. */
export function postgresAuth(pool: pg.Pool): AuthRepo {
  return postgresAuthRepo(pool);
}

/** postgres implementation of AuditRepo. */
export function postgresAudit(pool: pg.Pool): AuditRepo {
  return postgresAuditRepo(pool);
}

function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, { get: (_t, prop) => () => Promise.reject(new Error(`${area}.${String(prop)}: not implemented yet`)) });
}
