/**
 * What `wheelhouse logs` asks the hub for: its flags checked and turned into the log API's
 * query parameters, and the newest entries fetched a page at a time (keyset paging on id).
 */
import { AppError } from '../../core/errors.js';
import type { LogEntry } from '../../logs/index.js';
import { levelNames, parseLevel } from '../../logs/levels.js';
import type { HubClient } from '../client.js';

/** Most entries --tail (or a catch-up after a reconnect) fetches. */
export const maxTail = 10_000;
/** The API's page size limit. */
const pageSize = 500;

/** The filter flags of `wheelhouse logs`, as commander hands them over. */
export interface LogFlags {
  tail?: string;
  level?: string;
  onlyLevel?: string;
  since?: string;
  until?: string;
  grep?: string;
  trace?: string;
  user?: string;
  follow?: boolean;
  utc?: boolean;
}

/** A checked request: the filter as query parameters, how many entries to show, and the time bounds. */
export interface LogRequest {
  params: Record<string, string>;
  tail: number;
  /** Start of the window (ms since the epoch), also applied to streamed entries. */
  since?: number;
}

/** Checks the flags and builds the request; throws a usage error (request/invalid) naming the flag at fault. */
export function buildRequest(service: string | undefined, flags: LogFlags, now: number): LogRequest {
  const params: Record<string, string> = {};
  if (service) params.service = service;
  if (flags.level) params.min_level = level('--level', flags.level);
  if (flags.onlyLevel) params.level = level('--only-level', flags.onlyLevel);
  const utc = flags.utc === true;
  const since = flags.since === undefined ? undefined : parseTime('--since', flags.since, now, utc);
  const until = flags.until === undefined ? undefined : parseTime('--until', flags.until, now, utc);
  if (since !== undefined && until !== undefined && since > until) throw usage(`--since (${flags.since}) is after --until (${flags.until})`);
  if (until !== undefined && flags.follow) throw usage('--until cannot be combined with --follow: new entries are always later');
  if (since !== undefined) params.start_time = new Date(since).toISOString();
  if (until !== undefined) params.end_time = new Date(until).toISOString();
  if (flags.grep !== undefined && flags.grep.trim()) params.q = flags.grep;
  if (flags.trace) params.trace_id = flags.trace;
  if (flags.user) params.user_id = flags.user;
  const request: LogRequest = { params, tail: parseTail(flags.tail ?? '50') };
  if (since !== undefined) request.since = since;
  return request;
}

function level(flag: string, value: string): string {
  const name = parseLevel(value);
  if (!name) throw usage(`${flag}: unknown level "${value.slice(0, 40)}"; use ${levelNames.join(', ')}`);
  return name;
}

function parseTail(value: string): number {
  const n = /^\d{1,6}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= 0 && n <= maxTail)) throw usage(`--tail: expected a number from 0 to ${maxTail}, got "${value.slice(0, 40)}"`);
  return n;
}

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const isoTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * A time flag to ms since the epoch: a duration ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an
 * ISO 8601 date or time (`2024-11-22`, `2024-11-22T10:30:00Z`, `2024-11-22 10:30`). A time
 * without an offset is read in the zone the times are printed in: local, or UTC with `utc`.
 */
export function parseTime(flag: string, value: string, now: number, utc: boolean): number {
  const text = value.trim();
  const duration = /^(\d{1,9})\s*([smhdw])$/i.exec(text);
  if (duration) return now - Number(duration[1]) * unitMs[duration[2]!.toLowerCase() as keyof typeof unitMs];
  const m = isoTime.exec(text);
  if (m) {
    const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const zone = m[8];
    let at: number;
    if (zone || utc) {
      at = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms);
      if (zone && zone.toUpperCase() !== 'Z') {
        const [, sign, oh, om = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
        at -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
      }
    } else {
      at = new Date(y!, mo! - 1, d!, h, mi, s, ms).getTime();
    }
    // Date.UTC and new Date roll 2024-02-31 over into March: refuse fields out of range instead.
    if (mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysIn(y!, mo!) && h <= 23 && mi <= 59 && s <= 59) return at;
  }
  throw usage(`${flag}: invalid time "${value.slice(0, 60)}"; use a duration ago (30s, 15m, 1h, 2d) or an ISO 8601 time (2024-11-22T10:30:00Z)`);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function usage(message: string): AppError {
  return new AppError('request/invalid', message);
}

/** One page of GET /api/logs. */
interface LogPage {
  logs: LogEntry[];
}

/**
 * The newest `count` entries matching `params` with an id above `afterId`, oldest first,
 * fetched newest first in pages of 500 (each page before the previous one's last id).
 * `more` is true when older matching entries above `afterId` were left out.
 */
export async function fetchNewest(client: HubClient, params: Record<string, string>, count: number, afterId = 0): Promise<{ entries: LogEntry[]; more: boolean }> {
  const newestFirst: LogEntry[] = [];
  let beforeId: number | undefined;
  while (true) {
    const limit = Math.min(pageSize, count - newestFirst.length);
    if (limit <= 0) break;
    const page = await client.get<LogPage>(`/api/logs?${pageQuery(params, limit, beforeId)}`);
    for (const e of page.logs) {
      if (e.id <= afterId) return { entries: newestFirst.reverse(), more: false };
      newestFirst.push(e);
    }
    if (page.logs.length < limit) return { entries: newestFirst.reverse(), more: false };
    beforeId = page.logs.at(-1)!.id;
  }
  // Full: one probe tells whether anything older (and still above afterId) was left out.
  const probe = beforeId === undefined ? [] : (await client.get<LogPage>(`/api/logs?${pageQuery(params, 1, beforeId)}`)).logs;
  return { entries: newestFirst.reverse(), more: probe.length > 0 && probe[0]!.id > afterId };
}

function pageQuery(params: Record<string, string>, limit: number, beforeId: number | undefined): string {
  const q = new URLSearchParams(params);
  q.set('limit', String(limit));
  if (beforeId !== undefined) q.set('before_id', String(beforeId));
  return q.toString();
}
