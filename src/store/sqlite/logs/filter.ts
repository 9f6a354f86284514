/** Turns a LogFilter into SQL over logs.db, using the chunk index for time, trace and user filters. */
import type { LogFilter } from '../../index.js';
import type { Chunks } from './chunks.js';

/** An inclusive range of log ids. */
export interface IdRange {
  first: number;
  last: number;
}

/** A compiled filter: the id ranges that can hold matches and the conditions rows in them must meet. */
export interface CompiledFilter {
  /** Conditions besides the id range, ANDed; column names prefixed as asked; '' when none. */
  sql: string;
  args: unknown[];
  /** Where matches can be, newest first, disjoint (one range unless a trace or user id narrowed it to chunks). */
  ranges: IdRange[];
  minId: number;
  maxId: number;
}

/**
 * Compiles `filter` (without q) for the logs table, column names prefixed with `p`. Undefined
 * when the filter provably matches nothing (no chunk in the time range, no chunk whose Bloom
 * filter may hold the trace or user id).
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
  const conditions: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    conditions.push(sql);
    args.push(value);
  };
  if (filter.service !== undefined) add(`${p}service = ?`, filter.service);
  if (filter.level !== undefined) add(`${p}level = ?`, filter.level);
  if (filter.minLevel !== undefined && filter.minLevel > 1) add(`${p}level >= ?`, filter.minLevel);
  const tsSql: string[] = [];
  const tsArgs: number[] = [];
  if (filter.since !== undefined) tsSql.push(`${p}ts >= ?`), tsArgs.push(filter.since);
  if (filter.until !== undefined) tsSql.push(`${p}ts <= ?`), tsArgs.push(filter.until);
  if (tsSql.length > 0) {
    // Rows of chunks wholly inside the time range match it by their id alone: only the edge
    // chunks' rows are read for their timestamp (an index answers the rest of the filter).
    const inside = chunks.inside(filter.since, filter.until, minId, maxId);
    if (inside) {
      conditions.push(`(${p}id BETWEEN ? AND ? OR (${tsSql.join(' AND ')}))`);
      args.push(inside.first, inside.last, ...tsArgs);
    } else {
      conditions.push(...tsSql);
      args.push(...tsArgs);
    }
  }
  let ranges: IdRange[] = [{ first: minId, last: maxId }];
  for (const [kind, column, value] of [['trace', 'trace_id', filter.traceId], ['user', 'user_id', filter.userId]] as const) {
    if (value === undefined) continue;
    ranges = intersect(ranges, chunks.candidates(kind, value, minId, maxId));
    if (ranges.length === 0) return undefined;
    add(`${p}${column} = ?`, value);
  }
  return { sql: conditions.join(' AND '), args, ranges: ranges.reverse(), minId, maxId };
}

/** The parts of `a` also in `b` (both ascending and disjoint), adjacent ranges merged. */
function intersect(a: IdRange[], b: IdRange[]): IdRange[] {
  const out: IdRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const first = Math.max(a[i]!.first, b[j]!.first);
    const last = Math.min(a[i]!.last, b[j]!.last);
    if (first <= last) {
      const prev = out.at(-1);
      if (prev && prev.last + 1 >= first) prev.last = Math.max(prev.last, last);
      else out.push({ first, last });
    }
    if (a[i]!.last < b[j]!.last) i++;
    else j++;
  }
  return out;
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
