/**
 * SQLite audit trail: the append-only audit_log table of wheelhouse.db. Rows are only ever
 * inserted (a trigger refuses updates) and, past `history.audit_retention`, deleted oldest
 * first (Store.pruneHistory); ids grow with every append (AUTOINCREMENT: never reused), so
 * "newest first" is a walk down the primary key and paging is keyset on id.
 */
import type Database from 'better-sqlite3';
import type { AuditQuery, AuditRecord, AuditRepo } from '../index.js';

const insertSql = `INSERT INTO audit_log (at, actor, action, target, result, status, address, details)
  VALUES (@at, @actor, @action, @target, @result, @status, @address, @details)`;

/** Most rows one list returns. */
const maxLimit = 1000;

type Row = Record<string, unknown>;

/** SQLite implementation of AuditRepo. Statements are prepared on first use (the table exists only after migrate). */
export function sqliteAuditRepo(db: Database.Database): AuditRepo {
  let insert: Database.Statement | undefined;
  return {
    append: async (r) => {
      insert ??= db.prepare(insertSql);
      const row = { ...r, at: new Date(r.at).toISOString(), details: r.details === null ? null : JSON.stringify(r.details) };
      return Number(insert.run(row).lastInsertRowid);
    },
    list: async (q) => {
      const { where, args } = filter(q);
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return (db.prepare(sql).all(...args, limit(q)) as Row[]).map(fromRow);
    },
  };
}

function filter(q: AuditQuery): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.since !== undefined) (where.push('at >= ?'), args.push(new Date(q.since).toISOString()));
  if (q.until !== undefined) (where.push('at <= ?'), args.push(new Date(q.until).toISOString()));
  if (q.actor !== undefined) (where.push('actor = ?'), args.push(q.actor));
  if (q.action) {
    // A prefix as a range (BINARY collation, index-friendly, no LIKE metacharacters to escape).
    where.push('action >= ? AND action < ?');
    args.push(q.action, `${q.action}\u{10FFFF}`);
  }
  if (q.result !== undefined) (where.push('result = ?'), args.push(q.result));
  if (q.beforeId !== undefined) (where.push('id < ?'), args.push(q.beforeId));
  return { where, args };
}

function limit(q: AuditQuery): number {
  return Math.min(Math.max(1, Math.floor(q.limit ?? 100)), maxLimit);
}

function fromRow(r: Row): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at as string,
    actor: r.actor as string,
    action: r.action as string,
    target: (r.target as string | null) ?? null,
    result: r.result as AuditRecord['result'],
    status: (r.status as number | null) ?? null,
    address: (r.address as string | null) ?? null,
    details: r.details === null || r.details === undefined ? null : (JSON.parse(r.details as string) as Record<string, unknown>),
  };
}
