/**
 * PostgreSQL audit trail: the append-only audit_log table. Rows are only ever inserted (a
 * trigger refuses updates); "newest first" is by id, and paging is keyset on id. actor and
 * action use the "C" collation so prefix ranges compare bytes and use their indexes.
 * There is no delete path; a retention job, if one is added, will delete the oldest rows by id.
 */
import type pg from 'pg';
import type { AuditQuery, AuditRecord, AuditRepo } from '../index.js';

const insertSql = `INSERT INTO audit_log (at, actor, action, target, result, status, address, details)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING id`;

/** Most rows one list returns. */
const maxLimit = 1000;

type Row = Record<string, unknown>;

/** PostgreSQL implementation of AuditRepo. */
export function postgresAuditRepo(pool: pg.Pool): AuditRepo {
  return {
    append: async (r) => {
      const { rows } = await pool.query<{ id: string }>(insertSql, [
        new Date(r.at).toISOString(), r.actor, r.action, r.target, r.result, r.status, r.address, r.details === null ? null : JSON.stringify(r.details),
      ]);
      return Number(rows[0]!.id);
    },
    list: async (q) => {
      const { where, args } = filter(q);
      args.push(limit(q));
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.length}`;
      return (await pool.query(sql, args)).rows.map((r: Row) => fromRow(r));
    },
  };
}

function filter(q: AuditQuery): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown): void => {
    args.push(value);
    where.push(clause(args.length));
  };
  if (q.since !== undefined) add((n) => `at >= $${n}`, new Date(q.since).toISOString());
  if (q.until !== undefined) add((n) => `at <= $${n}`, new Date(q.until).toISOString());
  if (q.actor !== undefined) add((n) => `actor = $${n}`, q.actor);
  if (q.action) {
    add((n) => `action >= $${n}`, q.action);
    add((n) => `action < $${n}`, `${q.action}\u{10FFFF}`);
  }
  if (q.result !== undefined) add((n) => `result = $${n}`, q.result);
  if (q.beforeId !== undefined) add((n) => `id < $${n}`, q.beforeId);
  return { where, args };
}

function limit(q: AuditQuery): number {
  return Math.min(Math.max(1, Math.floor(q.limit ?? 100)), maxLimit);
}

function fromRow(r: Row): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at instanceof Date ? r.at.toISOString() : new Date(String(r.at)).toISOString(),
    actor: r.actor as string,
    action: r.action as string,
    target: (r.target as string | null) ?? null,
    result: r.result as AuditRecord['result'],
    status: r.status === null || r.status === undefined ? null : Number(r.status),
    address: (r.address as string | null) ?? null,
    details: (r.details as Record<string, unknown> | null) ?? null,
  };
}
