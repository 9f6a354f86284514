/**
 * Chunks: consecutive runs of `chunkEntries` log ids with their time range and Bloom filters
 * of trace and user ids. The metadata of every chunk is kept in memory (a few numbers per
 * 8k entries); the Bloom filters of closed chunks stay in log_chunks and are read only by
 * trace and user lookups.
 */
import type Database from 'better-sqlite3';
import { Bloom } from './bloom.js';
import { chunkEntries } from './schema.js';

/** Id and time range of one chunk. */
export interface ChunkRange {
  first: number;
  last: number;
  minTs: number;
  maxTs: number;
}

/** The chunk index of one log database. */
export class Chunks {
  private closed: ChunkRange[] = [];
  private open: (ChunkRange & { traces: Bloom; users: Bloom; n: number }) | undefined;
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO log_chunks (first_id, last_id, min_ts, max_ts, trace_bloom, user_bloom) VALUES (?, ?, ?, ?, ?, ?)');
    this.closed = (db.prepare('SELECT first_id AS first, last_id AS last, min_ts AS minTs, max_ts AS maxTs FROM log_chunks ORDER BY first_id').all() as ChunkRange[]);
    // The open chunk is not persisted: rebuild it from the entries after the last closed one.
    const after = this.closed.at(-1)?.last ?? 0;
    for (const r of db.prepare('SELECT id, ts, trace_id, user_id FROM logs WHERE id > ? ORDER BY id').iterate(after) as Iterable<{ id: number; ts: number; trace_id: string | null; user_id: string | null }>) {
      this.add(r.id, r.ts, r.trace_id, r.user_id);
    }
  }

  /** Records one appended entry; closes (persists) the open chunk when it is full. Call inside the append transaction. */
  add(id: number, ts: number, traceId: string | null, userId: string | null): void {
    let c = this.open;
    if (!c) {
      c = this.open = { first: id, last: id, minTs: ts, maxTs: ts, traces: new Bloom(chunkEntries), users: new Bloom(chunkEntries), n: 0 };
    }
    c.last = id;
    if (ts < c.minTs) c.minTs = ts;
    if (ts > c.maxTs) c.maxTs = ts;
    if (traceId) c.traces.add(traceId);
    if (userId) c.users.add(userId);
    c.n += 1;
    if (c.n >= chunkEntries) {
      this.insert.run(c.first, c.last, c.minTs, c.maxTs, Buffer.from(c.traces.bits), Buffer.from(c.users.bits));
      this.closed.push({ first: c.first, last: c.last, minTs: c.minTs, maxTs: c.maxTs });
      this.open = undefined;
    }
  }

  /** Every chunk, oldest first, the open one last. */
  all(): ChunkRange[] {
    return this.open ? [...this.closed, this.open] : this.closed;
  }

  /** The id range holding every entry with a timestamp in [since, until]; undefined when none can. */
  idRange(since: number | undefined, until: number | undefined): { min: number; max: number } | undefined {
    const chunks = this.all();
    let min: number | undefined;
    let max: number | undefined;
    for (const c of chunks) {
      if ((since === undefined || c.maxTs >= since) && (until === undefined || c.minTs <= until)) {
        min ??= c.first;
        max = c.last;
      }
    }
    return min === undefined ? undefined : { min, max: max! };
  }

  /** Id ranges of chunks whose Bloom filter may hold `value` (kind: trace or user), within [min, max]. */
  candidates(kind: 'trace' | 'user', value: string, min: number, max: number): { first: number; last: number }[] {
    const column = kind === 'trace' ? 'trace_bloom' : 'user_bloom';
    const out: { first: number; last: number }[] = [];
    const rows = this.db.prepare(`SELECT first_id, last_id, ${column} AS bloom FROM log_chunks WHERE last_id >= ? AND first_id <= ? ORDER BY first_id`).iterate(min, max) as Iterable<{ first_id: number; last_id: number; bloom: Buffer }>;
    for (const r of rows) {
      if (new Bloom(new Uint8Array(r.bloom.buffer, r.bloom.byteOffset, r.bloom.byteLength)).mayContain(value)) out.push({ first: r.first_id, last: r.last_id });
    }
    const o = this.open;
    if (o && o.last >= min && o.first <= max && (kind === 'trace' ? o.traces : o.users).mayContain(value)) out.push({ first: o.first, last: o.last });
    return out;
  }

  /** Forgets chunks entirely below `firstKeptId` (their entries were deleted). */
  dropBelow(firstKeptId: number): void {
    const gone = this.closed.filter((c) => c.last < firstKeptId);
    if (gone.length === 0) return;
    this.db.prepare('DELETE FROM log_chunks WHERE last_id < ?').run(firstKeptId);
    this.closed = this.closed.filter((c) => c.last >= firstKeptId);
  }

  /** The last id of the oldest run of chunks whose newest entry is older than `cutoff`; 0 when none. */
  expiredUpTo(cutoff: number): number {
    let upTo = 0;
    for (const c of this.closed) {
      if (c.maxTs >= cutoff) break;
      upTo = c.last;
    }
    return upTo;
  }

  /** The last id of the oldest closed chunk (what a size limit deletes next); 0 when none. */
  oldestClosedLast(): number {
    return this.closed[0]?.last ?? 0;
  }
}
