/** Turns a LogFilter into SQL over logs.db, using the chunk index for time, trace and user filters. */
import type { LogFilter } from '../../index.js';
import type { Chunks } from './chunks.js';

/** A compiled WHERE clause and the id range it is bounded by. */
export interface CompiledFilter {
  sql: string;
  args: unknown[];
  minId: number;
  maxId: number;
}

/** Candidate ranges past this many are not worth listing: the plain equality test is as fast. */
const maxRanges = 64;

/**
 * Compiles `filter` (without q) into a WHERE clause on the logs table, column names prefixed
 * with `p`. Undefined when the filter provably matches nothing (no chunk in the time range,
 * no chunk whose Bloom filter may hold the trace or user id).
 */
export function compileFilter(filter: LogFilter, chunks: Chunks, lastId: number, p = ''): CompiledFilter | undefined {
  let minId = 1;
  let maxId = lastId;
  if (filter.since !== undefined || filter.until !== undefined) {
    const range = chunks.idRange(filter.since, filter.until);
    if (!range) return undefined;
    minId = Math.max(minId, range.min);
    maxId = Math.min(maxId, range.max);
  }
  if (filter.beforeId !== undefined) maxId = Math.min(maxId, filter.beforeId - 1);
  if (maxId < minId) return undefined;
  const conditions = [`${p}id BETWEEN ? AND ?`];
  const args: unknown[] = [minId, maxId];
  const add = (sql: string, value: unknown): void => {
    conditions.push(sql);
    args.push(value);
  };
  if (filter.service !== undefined) add(`${p}service = ?`, filter.service);
  if (filter.level !== undefined) add(`${p}level = ?`, filter.level);
  if (filter.minLevel !== undefined && filter.minLevel > 1) add(`${p}level >= ?`, filter.minLevel);
  if (filter.since !== undefined) add(`${p}ts >= ?`, filter.since);
  if (filter.until !== undefined) add(`${p}ts <= ?`, filter.until);
  for (const [kind, column, value] of [['trace', 'trace_id', filter.traceId], ['user', 'user_id', filter.userId]] as const) {
    if (value === undefined) continue;
    const ranges = chunks.candidates(kind, value, minId, maxId);
    if (ranges.length === 0) return undefined;
    if (ranges.length <= maxRanges) {
      conditions.push(`(${ranges.map(() => `${p}id BETWEEN ? AND ?`).join(' OR ')})`);
      for (const r of ranges) args.push(r.first, r.last);
    }
    add(`${p}${column} = ?`, value);
  }
  return { sql: conditions.join(' AND '), args, minId, maxId };
}

/** An FTS5 query for user words: every word must occur. A query in double quotes must also occur as written. */
export function ftsMatch(q: string): { expression: string; phrase: string | undefined } | undefined {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return undefined;
  const trimmed = q.trim();
  const phrase = trimmed.length > 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).toLowerCase() : undefined;
  // Each word quoted: user text can never be read as FTS5 syntax (AND, NEAR, column filters).
  return { expression: [...new Set(words)].map((w) => `"${w}"`).join(' AND '), phrase };
}
