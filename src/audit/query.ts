/** The audit API's query parameters, checked and turned into a store query. */
import { AppError } from '../core/errors.js';
import { parseDuration } from '../core/units.js';
import type { AuditQuery, AuditRecord } from '../store/index.js';

/** Most entries one page holds. */
export const maxAuditPage = 1000;
/** Entries on a page when no limit is given. */
export const defaultAuditPage = 100;

/** The query string of GET /api/audit. */
export interface AuditParams {
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
  result?: AuditRecord['result'];
  limit?: number;
  before_id?: number;
}

/** The store query for `params` at time `now`; throws request/invalid naming the parameter at fault. */
export function toAuditQuery(params: AuditParams, now: number): AuditQuery {
  const q: AuditQuery = { limit: Math.min(Math.max(1, params.limit ?? defaultAuditPage), maxAuditPage) };
  if (params.since !== undefined) q.since = timeParam('since', params.since, now);
  if (params.until !== undefined) q.until = timeParam('until', params.until, now);
  if (q.since !== undefined && q.until !== undefined && q.since > q.until) {
    throw new AppError('request/invalid', `since (${params.since}) is after until (${params.until})`);
  }
  if (params.actor) q.actor = params.actor;
  if (params.action) q.action = params.action;
  if (params.result) q.result = params.result;
  if (params.before_id !== undefined) q.beforeId = params.before_id;
  return q;
}

/** A time parameter as ISO: an ISO 8601 time, or a duration ago (30s, 15m, 12h, 1d). */
export function timeParam(name: string, value: string, now: number): string {
  const ago = parseDuration(value);
  if (ago !== undefined) return new Date(now - ago).toISOString();
  const t = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (Number.isNaN(t)) throw new AppError('request/invalid', `${name}: expected an ISO 8601 time or a duration like 1d, got "${value.slice(0, 40)}"`);
  return new Date(t).toISOString();
}
