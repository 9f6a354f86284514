/**
 * Turns raw output lines (a service's stdout/stderr, a tailed file) into log entries:
 * JSON lines become structured entries (pino, bunyan, winston and seed 000's shape are
 * understood); plain lines get their level from a prefix like "ERROR", "[warn]" or "W:";
 * indented lines and "Caused by:" lines continue the entry before them, so a stack trace
 * stays one entry.
 */
import { levelCode, levelFromPino, parseLevel } from './levels.js';
import { defaultLimits, depthExceeds, wellFormed, type LogSource, type NewLogEntry } from './entry.js';

/** Who the lines belong to. */
export interface LineOrigin {
  service: string;
  source: LogSource;
  hostname: string | null;
  processId: number | null;
  maxMessageBytes: number;
  /** JSON text of the context given to plain (non-JSON) lines, e.g. the file they were read from; JSON lines keep their own. */
  plainContext?: string | null;
}

const continuation = /^(?:[ \t]+\S|Caused by[: ]|\.\.\. \d+ more|During handling of the above exception)/;
const levelPrefix = /^(?:\S+ ){0,3}?[[(<]?(TRACE|DEBUG|DBG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL|PANIC)[\])>]?(?:[:\s|-]|$)/i;
const knownJsonKeys = new Set(['level', 'levelname', 'severity', 'msg', 'message', 'time', 'timestamp', 'ts', '@timestamp', 'trace_id', 'traceId', 'user_id', 'userId', 'hostname', 'pid', 'v', 'context', 'service_name']);

/** Parses a stream of lines for one origin, holding the last entry open for continuation lines. */
export class LineParser {
  private pending: NewLogEntry | undefined;
  private pendingBytes = 0;
  private pendingStart = 0;

  constructor(private readonly origin: LineOrigin) {}

  /** Where the entry held open for continuation lines began (a byte offset), if one is held. */
  get heldFrom(): number | undefined {
    return this.pending === undefined ? undefined : this.pendingStart;
  }

  /** The pid to stamp on plain lines (the service's current process). */
  setProcessId(pid: number | null): void {
    this.origin.processId = pid;
  }

  /**
   * Parses complete lines (without their newlines) read at time `now`; `starts[i]` is the
   * byte offset where line i begins. Returns the entries that are finished; with `flush`,
   * the held entry too.
   */
  push(lines: readonly string[], now: number, flush: boolean, starts?: readonly number[]): NewLogEntry[] {
    const out: NewLogEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.length === 0) continue;
      if (this.pending && continuation.test(line) && this.pendingBytes + line.length < this.origin.maxMessageBytes) {
        this.pending.message += `\n${line}`;
        this.pendingBytes += line.length + 1;
        continue;
      }
      if (this.pending) out.push(this.pending);
      this.pending = undefined;
      const { entry, structured } = this.parse(line, now);
      // Structured lines never continue: out at once. Plain ones wait for continuation lines.
      if (structured) out.push(entry);
      else {
        this.pending = entry;
        this.pendingBytes = entry.message.length;
        this.pendingStart = starts?.[i] ?? 0;
      }
    }
    if (flush && this.pending) {
      out.push(this.pending);
      this.pending = undefined;
    }
    return out;
  }

  /** Forgets the held entry (after a failed commit the lines are read again). */
  reset(): void {
    this.pending = undefined;
  }

  private parse(line: string, now: number): { entry: NewLogEntry; structured: boolean } {
    const o = this.origin;
    const base: NewLogEntry = {
      ts: now,
      service: o.service,
      level: levelCode.INFO,
      message: truncate(line, o.maxMessageBytes),
      context: o.plainContext ?? null,
      trace_id: null,
      user_id: null,
      hostname: o.hostname,
      process_id: o.processId,
      source: o.source,
    };
    if (line.charCodeAt(0) === 123 && line.charCodeAt(line.length - 1) === 125) {
      const json = parseObject(line);
      if (json) return { entry: fromJson(json, base, o.maxMessageBytes), structured: true };
    }
    const m = levelPrefix.exec(line.slice(0, 80));
    if (m) {
      const level = parseLevel(m[1]!);
      if (level) base.level = levelCode[level];
    }
    return { entry: base, structured: false };
  }
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(j: Record<string, unknown>, base: NewLogEntry, maxBytes: number): NewLogEntry {
  const level = j.level ?? j.levelname ?? j.severity;
  if (typeof level === 'number') base.level = levelCode[levelFromPino(level)];
  else if (typeof level === 'string') base.level = levelCode[parseLevel(level) ?? 'INFO'];
  const message = j.msg ?? j.message;
  if (typeof message === 'string') base.message = truncate(wellFormed(message), maxBytes);
  const time = j.time ?? j.timestamp ?? j.ts ?? j['@timestamp'];
  const ts = typeof time === 'number' ? (time < 1e11 ? time * 1000 : time) : typeof time === 'string' ? Date.parse(time) : NaN;
  if (Number.isFinite(ts)) base.ts = ts;
  const trace = j.trace_id ?? j.traceId;
  if (typeof trace === 'string' && trace.length <= 200) base.trace_id = wellFormed(trace);
  const user = j.user_id ?? j.userId;
  if (typeof user === 'string' && user.length <= 200) base.user_id = wellFormed(user);
  if (typeof j.hostname === 'string') base.hostname = wellFormed(j.hostname);
  if (typeof j.pid === 'number') base.process_id = j.pid;
  let context: Record<string, unknown> | undefined;
  if (j.context !== null && typeof j.context === 'object' && !Array.isArray(j.context)) context = j.context as Record<string, unknown>;
  for (const [k, v] of Object.entries(j)) {
    if (knownJsonKeys.has(k)) continue;
    (context ??= {})[k] = v;
  }
  if (context) {
    const text = JSON.stringify(context);
    // Output lines get the limits HTTP ingest applies; an oversized context is replaced, not stored whole.
    base.context =
      text.length > maxBytes || depthExceeds(context, defaultLimits.maxContextDepth)
        ? JSON.stringify({ context_dropped: `${text.length} characters or deeper than ${defaultLimits.maxContextDepth} levels` })
        : text;
  } else {
    base.context = null;
  }
  return base;
}

function truncate(s: string, maxBytes: number): string {
  return s.length * 3 <= maxBytes || Buffer.byteLength(s) <= maxBytes ? s : `${Buffer.from(s).subarray(0, maxBytes - 20).toString('utf8')} …[truncated]`;
}
