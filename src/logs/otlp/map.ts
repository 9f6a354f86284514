/**
 * OTLP log records to log entries: service, host and pid from the resource; level from the
 * severity; message from the body; context from the attributes. Each record is checked
 * against the same limits as HTTP ingest and refused on its own, so one bad record does not
 * sink a batch (the sender learns of it through partial_success).
 */
import { depthExceeds, timestampProblem, wellFormed, type EntryLimits, type NewLogEntry } from '../entry.js';
import { levelCode, levelFromSeverity, parseLevel } from '../levels.js';
import type { AnyValue, KeyValue, LogRecord, LogsRequest } from './model.js';

/** Entries made from a request, and how many records were refused and why (the first few reasons). */
export interface Mapped {
  entries: NewLogEntry[];
  rejected: number;
  errors: string[];
}

/** Reasons kept for the response; a batch of 10,000 bad records needs only a sample. */
const maxErrors = 5;

/** Turns every record of `req` into an entry, or counts it as rejected. */
export function mapLogs(req: LogsRequest, limits: EntryLimits, now: number): Mapped {
  const out: Mapped = { entries: [], rejected: 0, errors: [] };
  req.resourceLogs.forEach((rl, i) => {
    const resource = resourceFields(rl.resourceAttributes);
    rl.scopeLogs.forEach((sl, j) => {
      sl.logRecords.forEach((record, k) => {
        const entry = toEntry(record, sl.scopeName, resource, limits, now);
        if (typeof entry !== 'string') {
          out.entries.push(entry);
          return;
        }
        out.rejected++;
        if (out.errors.length < maxErrors) out.errors.push(`resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]: ${entry}`);
      });
    });
  });
  return out;
}

interface ResourceFields {
  service: string;
  hostname: string | null;
  processId: number | null;
}

function resourceFields(attrs: KeyValue[]): ResourceFields {
  const name = attribute(attrs, 'service.name');
  const host = attribute(attrs, 'host.name');
  const pid = attribute(attrs, 'process.pid');
  const pidNumber = typeof pid === 'bigint' || typeof pid === 'number' ? Number(pid) : typeof pid === 'string' && /^\d{1,10}$/.test(pid) ? Number(pid) : NaN;
  return {
    service: serviceName(typeof name === 'string' ? name : ''),
    hostname: typeof host === 'string' && host !== '' ? wellFormed(host.slice(0, 255)) : null,
    processId: Number.isInteger(pidNumber) && pidNumber >= 0 && pidNumber <= 2 ** 31 ? pidNumber : null,
  };
}

/**
 * Service names in the store are 1–100 of [A-Za-z0-9_.:-], starting with a letter or digit.
 * OpenTelemetry allows any string; refusing every record of a service named "my app" would
 * lose its logs, so other characters become "_" instead.
 */
function serviceName(raw: string): string {
  const clean = raw.replace(/[^A-Za-z0-9_.:-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100);
  return clean === '' ? 'unknown_service' : clean;
}

/** The entry for one record, or why it is refused. */
function toEntry(r: LogRecord, scope: string, resource: ResourceFields, limits: EntryLimits, now: number): NewLogEntry | string {
  // The data model: use the event time when present, else the time the event was observed.
  const nanos = r.timeUnixNano > 0n ? r.timeUnixNano : r.observedTimeUnixNano;
  const ts = nanos > 0n ? Number(nanos / 1_000_000n) : now;
  const tsProblem = timestampProblem(ts, now, limits);
  if (tsProblem) return tsProblem;

  // Lone surrogates (legal in JSON escapes) become U+FFFD: UTF-8 storage cannot hold them.
  const message = wellFormed(r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(jsonValue(r.body)));
  const messageBytes = Buffer.byteLength(message);
  if (messageBytes > limits.maxMessageBytes) return `body is ${messageBytes} bytes; the limit is ${limits.maxMessageBytes}`;

  const traceId = hexId(r.traceId, 16);
  if (traceId === undefined) return 'trace_id must be 16 bytes (32 hex digits)';
  const spanId = hexId(r.spanId, 8);
  if (spanId === undefined) return 'span_id must be 8 bytes (16 hex digits)';

  const user = attribute(r.attributes, 'enduser.id') ?? attribute(r.attributes, 'user.id');
  const userId = typeof user === 'string' ? wellFormed(user) : typeof user === 'bigint' || typeof user === 'number' ? String(user) : null;
  if (userId !== null && userId.length > 200) return 'the user id (attribute enduser.id or user.id) is longer than 200 characters';

  const context: Record<string, unknown> = {};
  for (const { key, value } of r.attributes) put(context, key, jsonValue(value));
  // The record's own attributes win over these derived keys: they are the sender's data.
  if (scope !== '' && !Object.hasOwn(context, 'scope')) context.scope = scope;
  if (spanId !== null && !Object.hasOwn(context, 'span_id')) context.span_id = spanId;
  if (r.eventName !== '' && !Object.hasOwn(context, 'event_name')) context.event_name = r.eventName;
  let contextJson: string | null = null;
  if (r.attributes.length > 0 || scope !== '' || spanId !== null || r.eventName !== '') {
    if (depthExceeds(context, limits.maxContextDepth)) return `attributes nest deeper than ${limits.maxContextDepth} levels`;
    contextJson = JSON.stringify(context);
    if (Buffer.byteLength(contextJson) > limits.maxContextBytes) return `attributes are larger than ${limits.maxContextBytes} bytes as JSON`;
  }

  return {
    ts,
    service: resource.service,
    level: levelCode[level(r)],
    message,
    context: contextJson,
    trace_id: traceId,
    user_id: userId === '' ? null : userId,
    hostname: resource.hostname,
    process_id: resource.processId,
    source: 'otlp',
  };
}

/** The level: the severity number when it is one of 1–24, else the severity text, else INFO. */
function level(r: LogRecord) {
  if (r.severityNumber >= 1 && r.severityNumber <= 24) return levelFromSeverity(r.severityNumber);
  return (r.severityText !== '' ? parseLevel(r.severityText) : undefined) ?? 'INFO';
}

/** Lowercase hex of an id of `bytes` bytes; null when absent or all zeros (invalid per W3C); undefined when malformed. */
function hexId(hex: string, bytes: number): string | null | undefined {
  if (hex === '' || /^0+$/.test(hex)) return null;
  return hex.length === bytes * 2 && /^[0-9a-f]+$/.test(hex) ? hex : undefined;
}

/** The value of the last attribute named `key`, or undefined. */
function attribute(attrs: KeyValue[], key: string): AnyValue | undefined {
  for (let i = attrs.length - 1; i >= 0; i--) if (attrs[i]!.key === key) return attrs[i]!.value;
  return undefined;
}

/**
 * An AnyValue as JSON: int64 as a number when it fits exactly, else as a string; bytes as
 * base64 (as in OTLP JSON); non-finite doubles as strings ("NaN"), which JSON cannot hold.
 * Key/value lists become plain objects; a key "__proto__" is plain data there too (see put).
 */
export function jsonValue(v: AnyValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map(jsonValue);
  const obj: Record<string, unknown> = {};
  for (const { key, value } of v.kvlist) put(obj, key, jsonValue(value));
  return obj;
}

/**
 * obj[key] = value as an own, enumerable property, also for "__proto__" (an assignment would
 * replace the prototype instead). Plain objects rather than prototype-less ones: V8 serializes
 * them much faster, and every record's attributes are serialized.
 */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
