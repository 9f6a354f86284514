/**
 * Log entries on the client side: what a caller hands to LogShipper.push (LogInput), how a
 * pino record becomes one (fromPino), and how one becomes the JSON the hub's ingest API
 * takes (encodeEntry). Entries are clamped to the hub's default limits here, so one
 * oversized or over-nested field does not get the whole entry refused.
 */
// Leaf modules with no dependencies: the client must not load the hub's log pipeline.
import { defaultLimits } from '../logs/entry.js';
import { levelFromPino, parseLevel, type LevelName } from '../logs/levels.js';

/** One entry as POST /api/logs/ingest takes it (seed 000 LogEntry). */
export interface WireEntry {
  timestamp: string;
  service_name: string;
  level: LevelName;
  message: string;
  context?: Record<string, unknown>;
  trace_id?: string;
  user_id?: string;
  hostname?: string;
  process_id?: number;
}

/** What LogShipper.push takes: only `message` is required. */
export interface LogInput {
  message: string;
  /** A level name (any case, common aliases such as "warn" or "fatal") or a pino level number; INFO when absent or unknown. */
  level?: string | number;
  /** ISO 8601 text, a Date, or milliseconds since the epoch (seconds are recognised too); now when absent. */
  timestamp?: string | number | Date;
  /** Overrides the shipper's service for this entry. */
  service_name?: string;
  /** Any values; Error instances keep their type, message and stack. */
  context?: Record<string, unknown>;
  trace_id?: string;
  user_id?: string;
  hostname?: string;
  process_id?: number;
}

const limits = defaultLimits;
const serviceChars = /[^A-Za-z0-9_.:-]/g;

/** A service name the hub accepts: 1–100 of [A-Za-z0-9_.:-], starting with a letter or digit; undefined when nothing is left. */
export function cleanServiceName(name: string | undefined): string | undefined {
  const cleaned = name?.replace(serviceChars, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100);
  return cleaned ? cleaned : undefined;
}

/** The keys pino writes that become entry fields rather than context. */
export interface PinoKeys {
  messageKey: string;
  errorKey: string;
}

/** Maps one pino record (already JSON-parsed) to a LogInput: known keys become fields, the rest becomes context. */
export function fromPino(record: Record<string, unknown>, keys: PinoKeys = { messageKey: 'msg', errorKey: 'err' }): LogInput {
  const { level, time, pid, hostname: host, trace_id, traceId, user_id, userId, [keys.messageKey]: msg, ...context } = record;
  const input: LogInput = { message: messageOf(msg, context[keys.errorKey]) };
  if (typeof level === 'number' || typeof level === 'string') input.level = level;
  if (typeof time === 'number' || typeof time === 'string') input.timestamp = time;
  if (typeof pid === 'number') input.process_id = pid;
  if (typeof host === 'string') input.hostname = host;
  const trace = idText(trace_id ?? traceId);
  if (trace !== undefined) input.trace_id = trace;
  const user = idText(user_id ?? userId);
  if (user !== undefined) input.user_id = user;
  if (Object.keys(context).length > 0) input.context = context;
  return input;
}

/** Fields an entry gets when it has none of its own. */
export interface EntryDefaults {
  service: string;
  hostname?: string;
  process_id?: number;
}

/** The hub's JSON for one entry; `defaults` fill in what the input leaves out. */
export function encodeEntry(input: LogInput, defaults: EntryDefaults): string {
  const entry: WireEntry = {
    timestamp: isoTime(input.timestamp),
    service_name: cleanServiceName(input.service_name) ?? defaults.service,
    level: levelOf(input.level),
    message: clampText(typeof input.message === 'string' ? input.message : String(input.message)),
  };
  for (const [key, max] of [['trace_id', 200], ['user_id', 200], ['hostname', 255]] as const) {
    const v = key === 'hostname' ? (input.hostname ?? defaults.hostname) : input[key];
    if (typeof v === 'string' && v !== '') entry[key] = v.slice(0, max);
  }
  const pid = input.process_id ?? defaults.process_id;
  if (pid !== undefined && Number.isInteger(pid) && pid >= 0 && pid <= 2 ** 31) entry.process_id = pid;
  const json = JSON.stringify(entry);
  const context = input.context && contextJson(input.context);
  // The context is serialized once, to measure it, and spliced in rather than stringified twice.
  return context ? `${json.slice(0, -1)},"context":${context}}` : json;
}

/** The timestamp of an entry made by encodeEntry, read without parsing it (for drop notices). */
export function timestampOf(json: string): string {
  // encodeEntry always writes {"timestamp":"<24-character ISO time>", first.
  return json.slice(14, 38);
}

/** The warning entry that tells the log store how many entries the client lost. */
export function dropNotice(count: number, first: string, last: string, maxBuffered: number): LogInput {
  return {
    level: 'WARNING',
    message: `wheelhouse/pino dropped ${count} log entries while the hub was unreachable`,
    context: { dropped: count, first_dropped_timestamp: first, last_dropped_timestamp: last, max_buffered: maxBuffered },
  };
}

function levelOf(level: string | number | undefined): LevelName {
  if (typeof level === 'number') return levelFromPino(level);
  return (typeof level === 'string' && parseLevel(level)) || 'INFO';
}

function isoTime(t: string | number | Date | undefined): string {
  let ms: number;
  if (t instanceof Date) ms = t.getTime();
  // pino.stdTimeFunctions.unixTime writes seconds; 1e11 ms is 1973, 1e11 s is year 5138.
  else if (typeof t === 'number') ms = t < 1e11 ? t * 1000 : t;
  else if (typeof t === 'string') ms = Date.parse(t);
  else ms = Date.now();
  return new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString();
}

function messageOf(msg: unknown, err: unknown): string {
  if (typeof msg === 'string') return msg;
  if (msg === undefined || msg === null) {
    const errMessage = err !== null && typeof err === 'object' ? (err as { message?: unknown }).message : undefined;
    return typeof errMessage === 'string' ? errMessage : '';
  }
  return typeof msg === 'object' ? JSON.stringify(msg) : String(msg);
}

function idText(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

function clampText(s: string): string {
  if (s.length * 3 <= limits.maxMessageBytes || Buffer.byteLength(s) <= limits.maxMessageBytes) return s;
  // Cutting bytes may split a character; toString turns the remnant into U+FFFD.
  return `${Buffer.from(s).subarray(0, limits.maxMessageBytes - 64).toString()}… [truncated by wheelhouse/pino]`;
}

function contextJson(context: Record<string, unknown>): string | undefined {
  const value = plain(context, 1, new Set());
  if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) return undefined;
  const json = JSON.stringify(value);
  if (json.length <= limits.maxContextBytes) return json;
  return JSON.stringify({ truncated_by_wheelhouse: `${json.slice(0, 4096)}…`, original_length: json.length });
}

/**
 * A JSON-safe copy: Errors keep type, message and stack; bigints become text; cycles and
 * objects nested deeper than the hub allows become markers.
 */
function plain(v: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
  if (ancestors.has(v)) return '[Circular]';
  if (depth > limits.maxContextDepth) return '[nested too deep]';
  if (!(v instanceof Error) && typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON(): unknown }).toJSON(), depth, ancestors);
  ancestors.add(v);
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((item) => plain(item, depth + 1, ancestors) ?? null);
  } else {
    const o: Record<string, unknown> = {};
    if (v instanceof Error) {
      o.type = v.name;
      o.message = v.message;
      o.stack = v.stack;
      if (v.cause !== undefined) o.cause = plain(v.cause, depth + 1, ancestors);
    }
    for (const [k, item] of Object.entries(v)) {
      const p = plain(item, depth + 1, ancestors);
      if (p !== undefined) o[k] = p;
    }
    out = o;
  }
  ancestors.delete(v);
  return out;
}
