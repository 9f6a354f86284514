/**
 * Central logging: every source (HTTP ingest, OTLP, supervised services' output, tailed
 * files) hands entries to one bounded, group-committing writer in front of the store; the
 * API queries, counts, exports and tails them; retention trims them in small batches.
 */
import type { Logger } from 'pino';
import type { LogFilter, LogRepo, LogRow, SourceCursor } from '../store/index.js';
import type { OutputSink } from '../supervisor/index.js';
import { ServiceOutputCapture } from './capture.js';
import { toLogEntry, validateEntry, type EntryLimits, type LogEntry, type LogSource, type NewLogEntry } from './entry.js';
import { framed, type ExportFormat } from './export-format.js';
import { levelName } from './levels.js';
import { RetentionLoop } from './retention.js';
import { LogWriter } from './writer.js';

export type { LogEntry, NewLogEntry, LogSource, EntryLimits } from './entry.js';
export { levelCode, levelNames, parseLevel, type LevelName } from './levels.js';
export { createFileTailer, type FileTailer, type FileTailerDeps } from './tail/index.js';

/** Settings of the log pipeline. */
export interface LogSettings {
  limits: EntryLimits;
  retention: { maxAgeMs: number; maxBytes: number };
  maxQueued: number;
  hostname: string;
}

/** Outcome of an ingest call: an id per accepted entry, a reason per refused one. */
export interface IngestResult {
  ids: number[];
  rejected: { index: number; error: string }[];
}

/** Live entries for tail subscribers. */
export type TailListener = (entries: LogEntry[]) => void;

/** The logging module's interface. */
export interface LogService {
  /** Where supervised services' output goes. */
  readonly capture: OutputSink;
  readonly limits: EntryLimits;
  /** Validates raw entries (seed 000 shape) and stores the valid ones; resolves after the commit. */
  ingest(raw: readonly unknown[], source: LogSource): Promise<IngestResult>;
  /** Stores entries that are already valid (OTLP, tailed files), with source cursors. */
  write(entries: readonly NewLogEntry[], cursors?: readonly SourceCursor[]): Promise<{ firstId: number; lastId: number }>;
  query(filter: LogFilter, limit: number, offset: number): Promise<{ logs: LogEntry[]; total: number; capped: boolean }>;
  /** Every match, newest first, serialized whole (head, rows, tail) in `format`, chunk by chunk. */
  export(filter: LogFilter, format: ExportFormat): AsyncIterable<Buffer>;
  counts(since: number, until: number, service?: string): Promise<Record<string, Record<string, number>>>;
  /** Calls `listener` with every batch of committed entries; returns the unsubscribe function. */
  onAppended(listener: TailListener): () => void;
  /** The value of a source cursor committed with earlier writes (file tail offsets). */
  cursor(key: string): Promise<string | undefined>;
  /** Entries waiting for a commit. */
  readonly queueDepth: number;
  /** Size and progress figures of the store. */
  stats(): Promise<{ rows: number; bytes: number; last_id: number; searchable_up_to: number; queue_depth: number }>;
  start(): void;
  stop(): Promise<void>;
}

/** Totals of GET /api/logs are counted up to this many matches. */
const totalCap = 10_000;

function capCount(n: number): { total: number; capped: boolean } {
  return n > totalCap ? { total: totalCap, capped: true } : { total: n, capped: false };
}

/** Builds the log service over a store. */
export function createLogService(repo: LogRepo, settings: LogSettings, logger: Logger): LogService {
  const listeners = new Set<TailListener>();
  const writer = new LogWriter(repo, { maxQueued: settings.maxQueued, maxBatch: 20_000 }, (entries, firstId) => {
    if (listeners.size === 0) return;
    const rows = entries.map((e, i) => toLogEntry({ ...e, id: firstId + i }));
    for (const l of listeners) l(rows);
  });
  const capture = new ServiceOutputCapture(repo, writer, { hostname: settings.hostname, maxMessageBytes: settings.limits.maxMessageBytes });
  const retention = new RetentionLoop(repo, settings.retention, logger);

  return {
    capture,
    limits: settings.limits,
    get queueDepth() {
      return writer.depth;
    },
    async ingest(raw, source) {
      const now = Date.now();
      const accepted: NewLogEntry[] = [];
      const rejected: { index: number; error: string }[] = [];
      raw.forEach((item, index) => {
        const v = validateEntry(item, settings.limits, now, source);
        if (v.ok) accepted.push(v.entry);
        else rejected.push({ index, error: v.error });
      });
      if (accepted.length === 0) return { ids: [], rejected };
      const { firstId } = await writer.write(accepted);
      return { ids: accepted.map((_, i) => firstId + i), rejected };
    },
    write: (entries, cursors) => writer.write(entries, cursors),
    async stats() {
      const [s, searchable] = await Promise.all([repo.stats(), repo.searchableUpTo()]);
      return { rows: s.rows, bytes: s.bytes, last_id: s.lastId, searchable_up_to: searchable, queue_depth: writer.depth };
    },
    cursor: (key) => repo.cursor(key),
    async query(filter, limit, offset) {
      const rows = await repo.query(filter, limit, offset);
      // A short page that holds something (or starts at the top) is the end of the matches: its own count.
      const ended = rows.length < limit && (rows.length > 0 || offset === 0);
      const count = ended ? capCount(offset + rows.length) : await repo.count(filter, totalCap);
      return { logs: rows.map(toLogEntry), total: count.total, capped: count.capped };
    },
    export: (filter, format) => framed(format, repo.export(filter, format)),
    async counts(since, until, service) {
      const out: Record<string, Record<string, number>> = {};
      for (const c of await repo.levelCounts(since, until, service)) {
        const row = (out[c.service] ??= { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0, CRITICAL: 0, total: 0 });
        row[levelName(c.level)]! += c.count;
        row.total! += c.count;
      }
      return out;
    },
    onAppended(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      retention.start();
    },
    async stop() {
      await retention.stop();
      await writer.drained();
    },
  };
}

