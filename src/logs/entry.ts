/**
 * Log entries: the shape a source hands in (NewLogEntry), the shape the API answers with
 * (LogEntry, seed 000), and the validation between the wire and the store. Validation is
 * written out by hand: it runs for every line at 100k+ lines/s and must name the field at
 * fault for each rejected entry.
 */
import type { LogRow } from '../store/index.js';
import { levelCode, levelName, parseLevel, type LevelName } from './levels.js';

/** Where an entry came from. */
export type LogSource = 'http' | 'otlp' | 'stdout' | 'stderr' | 'file';

/** A validated entry on its way into the store. */
export interface NewLogEntry {
  /** Milliseconds since the epoch. */
  ts: number;
  service: string;
  /** Stored level code, 1 (DEBUG) … 5 (CRITICAL). */
  level: number;
  message: string;
  /** JSON text of the context object, or null. */
  context: string | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: LogSource;
}

/** An entry as the API returns it (seed 000 LogEntry, plus source). */
export interface LogEntry {
  id: number;
  timestamp: string;
  service_name: string;
  level: LevelName;
  message: string;
  context: Record<string, unknown> | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: LogSource;
}

/** Limits applied to every entry. */
export interface EntryLimits {
  maxMessageBytes: number;
  maxContextBytes: number;
  maxContextDepth: number;
  /** Entries older than this many ms are refused (they would be deleted at once by retention). */
  maxAgeMs: number;
  /** Entries further in the future than this are refused (a clock gone wrong). */
  maxFutureMs: number;
}

/** Defaults: 64 KB messages and contexts, 10 levels of nesting, a day of clock skew. */
export const defaultLimits: EntryLimits = {
  maxMessageBytes: 64 * 1024,
  maxContextBytes: 64 * 1024,
  maxContextDepth: 10,
  maxAgeMs: 7 * 86_400_000,
  maxFutureMs: 86_400_000,
};

const serviceName = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** A validated entry, or the reason it was refused. */
export type Validated = { ok: true; entry: NewLogEntry } | { ok: false; error: string };

/** The string with any lone surrogate replaced by U+FFFD: what UTF-8 storage can hold. */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

/** Validates one entry of seed 000's LogEntry shape received over HTTP. */
export function validateEntry(raw: unknown, limits: EntryLimits, now: number, source: LogSource = 'http'): Validated {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('an entry must be a JSON object');
  const r = raw as Record<string, unknown>;
  if (typeof r.service_name !== 'string') return fail(r.service_name === undefined ? 'service_name is required' : 'service_name must be a string');
  if (!serviceName.test(r.service_name)) return fail('service_name must be 1–100 letters, digits, "_", ".", ":" or "-"');
  if (typeof r.message !== 'string') return fail(r.message === undefined ? 'message is required' : 'message must be a string');
  const messageBytes = Buffer.byteLength(r.message);
  if (messageBytes > limits.maxMessageBytes) return fail(`message is ${messageBytes} bytes; the limit is ${limits.maxMessageBytes}`);
  let level: LevelName = 'INFO';
  if (r.level !== undefined && r.level !== null) {
    if (typeof r.level !== 'string') return fail('level must be a string: DEBUG, INFO, WARNING, ERROR or CRITICAL');
    const parsed = parseLevel(r.level);
    if (!parsed) return fail(`unknown level "${r.level.slice(0, 40)}": use DEBUG, INFO, WARNING, ERROR or CRITICAL`);
    level = parsed;
  }
  const ts = parseTimestamp(r.timestamp, now, limits);
  if (typeof ts === 'string') return fail(ts);
  let context: string | null = null;
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object' || Array.isArray(r.context)) return fail('context must be a JSON object');
    if (depthExceeds(r.context, limits.maxContextDepth)) return fail(`context nests deeper than ${limits.maxContextDepth} levels`);
    context = JSON.stringify(r.context);
    if (context.length > limits.maxContextBytes) return fail(`context is larger than ${limits.maxContextBytes} bytes`);
  }
  const trace = optionalString(r, 'trace_id', 200);
  if (trace.error) return fail(trace.error);
  const user = optionalString(r, 'user_id', 200);
  if (user.error) return fail(user.error);
  const host = optionalString(r, 'hostname', 255);
  if (host.error) return fail(host.error);
  let pid: number | null = null;
  if (r.process_id !== undefined && r.process_id !== null) {
    if (typeof r.process_id !== 'number' || !Number.isInteger(r.process_id) || r.process_id < 0 || r.process_id > 2 ** 31) {
      return fail('process_id must be a non-negative integer');
    }
    pid = r.process_id;
  }
  return {
    ok: true,
    entry: {
      ts,
      service: r.service_name,
      level: levelCode[level],
      message: wellFormed(r.message),
      context,
      trace_id: trace.value && wellFormed(trace.value),
      user_id: user.value && wellFormed(user.value),
      hostname: host.value && wellFormed(host.value),
      process_id: pid,
      source,
    },
  };
}

/** Checks a timestamp already converted to ms against the limits; returns an error text or undefined. */
export function timestampProblem(ts: number, now: number, limits: EntryLimits): string | undefined {
  if (!Number.isFinite(ts)) return 'timestamp is not a valid time';
  if (ts > now + limits.maxFutureMs) return `timestamp ${new Date(ts).toISOString()} is more than ${limits.maxFutureMs / 3_600_000}h in the future`;
  if (ts < now - limits.maxAgeMs) return `timestamp ${new Date(ts).toISOString()} is older than the retention period (${Math.round(limits.maxAgeMs / 86_400_000)}d)`;
  return undefined;
}

function parseTimestamp(value: unknown, now: number, limits: EntryLimits): number | string {
  if (value === undefined || value === null) return now;
  let ts: number;
  if (typeof value === 'string') {
    // ISO 8601 with a date part; Date.parse alone would accept "1" or "May".
    if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return 'timestamp must be ISO 8601 (e.g. 2024-11-22T10:30:00Z) or milliseconds since the epoch';
    ts = Date.parse(value);
  } else if (typeof value === 'number') {
    ts = value;
  } else {
    return 'timestamp must be an ISO 8601 string or a number of milliseconds';
  }
  return timestampProblem(ts, now, limits) ?? ts;
}

function optionalString(r: Record<string, unknown>, key: string, max: number): { value: string | null; error?: string } {
  const v = r[key];
  if (v === undefined || v === null || v === '') return { value: null };
  if (typeof v !== 'string') return { value: null, error: `${key} must be a string` };
  if (v.length > max) return { value: null, error: `${key} is longer than ${max} characters` };
  return { value: v };
}

/**
 * True when `value` nests objects/arrays deeper than `max`. Recursion stops one level past
 * `max`, so a hostile depth cannot blow the stack; nothing is allocated on the way (it runs for
 * every ingested entry that has a context).
 */
export function depthExceeds(value: unknown, max: number): boolean {
  return nestsBeyond(value, 1, max);
}

function nestsBeyond(v: unknown, depth: number, max: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (depth > max) return true;
  if (Array.isArray(v)) {
    for (const child of v) if (child !== null && typeof child === 'object' && nestsBeyond(child, depth + 1, max)) return true;
    return false;
  }
  for (const key in v) {
    const child = (v as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && nestsBeyond(child, depth + 1, max)) return true;
  }
  return false;
}

function fail(error: string): Validated {
  return { ok: false, error };
}

/** A stored row in the API's shape. */
export function toLogEntry(r: Omit<LogRow, 'id'> & { id: number }): LogEntry {
  let context: Record<string, unknown> | null = null;
  if (r.context !== null) {
    try {
      context = JSON.parse(r.context) as Record<string, unknown>;
    } catch {
      context = { raw: r.context };
    }
  }
  return {
    id: r.id,
    timestamp: new Date(r.ts).toISOString(),
    service_name: r.service,
    level: levelName(r.level),
    message: r.message,
    context,
    trace_id: r.trace_id,
    user_id: r.user_id,
    hostname: r.hostname,
    process_id: r.process_id,
    source: r.source,
  };
}
