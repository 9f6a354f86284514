/**
 * Chunks: consecutive runs of `chunkEntries` log ids with their time range and Bloom filters
 * of trace and user ids. The metadata of every chunk is kept in memory (a few numbers per
 * 8k entries); the filters of closed chunks are in log_bloom_blocks, one row per block, so a
 * lookup reads the one block per chunk its value hashes to.
 */
import type Database from 'better-sqlite3';
import { blockBytes, blockMayContain, blocksFor, Bloom, probe } from './bloom.js';
import { chunkEntries } from './schema.js';

/** Id and time range of one chunk. */
export interface ChunkRange {
  first: number;
  last: number;
  minTs: number;
  maxTs: number;
}

/** What a Bloom filter holds; the number is the `kind` column of log_bloom_blocks. */
const kinds = { trace: 0, user: 1 } as const;
const blocks = blocksFor(chunkEntries);

type OpenChunk = ChunkRange & { traces: Bloom; users: Bloom; n: number };

/** The chunk index of one log database. */
export class Chunks {
  private closed: ChunkRange[] = [];
  private open: OpenChunk | undefined;
  private readonly insertChunk: Database.Statement;
  private readonly insertBlock: Database.Statement;
  private readonly selectBlocks: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertChunk = db.prepare("INSERT INTO log_chunks (first_id, last_id, min_ts, max_ts, trace_bloom, user_bloom) VALUES (?, ?, ?, ?, X'', X'')");
    this.insertBlock = db.prepare('INSERT INTO log_bloom_blocks (kind, block, first_id, last_id, bits) VALUES (?, ?, ?, ?, ?)');
    this.selectBlocks = db.prepare('SELECT first_id, last_id, bits FROM log_bloom_blocks WHERE kind = ? AND block = ? AND first_id BETWEEN ? AND ? ORDER BY first_id');
    this.closed = db.prepare('SELECT first_id AS first, last_id AS last, min_ts AS minTs, max_ts AS maxTs FROM log_chunks ORDER BY first_id').all() as ChunkRange[];
    this.convertWholeFilters();
    // The open chunk is not persisted: rebuild it from the entries after the last closed one.
    const after = this.closed.at(-1)?.last ?? 0;
    // Read whole before adding: adding may close (insert) a chunk, which cannot happen mid-read.
    for (const r of [...this.entries(after + 1, Number.MAX_SAFE_INTEGER)]) this.add(r.id, r.ts, r.trace_id, r.user_id);
  }

  /** Records one appended entry; closes (persists) the open chunk when it is full. Call inside the append transaction. */
  add(id: number, ts: number, traceId: string | null, userId: string | null): void {
    let c = this.open;
    if (!c) {
      c = this.open = { first: id, last: id, minTs: ts, maxTs: ts, traces: new Bloom(blocks), users: new Bloom(blocks), n: 0 };
    }
    c.last = id;
    if (ts < c.minTs) c.minTs = ts;
    if (ts > c.maxTs) c.maxTs = ts;
    if (traceId) c.traces.add(traceId);
    if (userId) c.users.add(userId);
    c.n += 1;
    if (c.n >= chunkEntries) {
      this.insertChunk.run(c.first, c.last, c.minTs, c.maxTs);
      this.writeBlocks(c);
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

  /** The longest run of consecutive chunks within [min, max] whose every entry lies in [since, until]; undefined when none. */
  inside(since: number | undefined, until: number | undefined, min: number, max: number): { first: number; last: number } | undefined {
    let best: { first: number; last: number } | undefined;
    let run: { first: number; last: number } | undefined;
    for (const c of this.all()) {
      const within = c.first >= min && c.last <= max && (since === undefined || c.minTs >= since) && (until === undefined || c.maxTs <= until);
      if (!within) {
        run = undefined;
        continue;
      }
      if (run) run.last = c.last;
      else run = { first: c.first, last: c.last };
      if (!best || run.last - run.first > best.last - best.first) best = { ...run };
    }
    return best;
  }

  /** Id ranges of chunks whose Bloom filter may hold `value` (kind: trace or user), within [min, max]. */
  candidates(kind: keyof typeof kinds, value: string, min: number, max: number): { first: number; last: number }[] {
    const p = probe(value, blocks);
    const out: { first: number; last: number }[] = [];
    const rows = this.selectBlocks.iterate(kinds[kind], p.block, this.firstReaching(min), max) as Iterable<{ first_id: number; last_id: number; bits: Buffer }>;
    for (const r of rows) {
      if (r.last_id >= min && blockMayContain(r.bits, p)) out.push({ first: r.first_id, last: r.last_id });
    }
    const o = this.open;
    if (o && o.last >= min && o.first <= max && (kind === 'trace' ? o.traces : o.users).mayContain(value)) out.push({ first: o.first, last: o.last });
    return out;
  }

  /** The first id of the oldest closed chunk that reaches `id` or beyond (binary search). */
  private firstReaching(id: number): number {
    let lo = 0;
    let hi = this.closed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.closed[mid]!.last < id) lo = mid + 1;
      else hi = mid;
    }
    return this.closed[lo]?.first ?? id;
  }

  /** Forgets chunks entirely below `firstKeptId` (their entries were deleted). */
  dropBelow(firstKeptId: number): void {
    const gone = this.closed.filter((c) => c.last < firstKeptId);
    if (gone.length === 0) return;
    this.db.prepare('DELETE FROM log_chunks WHERE last_id < ?').run(firstKeptId);
    const dropBlocks = this.db.prepare('DELETE FROM log_bloom_blocks WHERE kind = ? AND block = ? AND first_id < ? AND last_id < ?');
    for (const kind of Object.values(kinds)) for (let b = 0; b < blocks; b++) dropBlocks.run(kind, b, firstKeptId, firstKeptId);
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

  private writeBlocks(c: { first: number; last: number; traces: Bloom; users: Bloom }): void {
    for (const [kind, bloom] of [[kinds.trace, c.traces], [kinds.user, c.users]] as const) {
      for (let b = 0; b < blocks; b++) this.insertBlock.run(kind, b, c.first, c.last, Buffer.from(bloom.bits.buffer, bloom.bits.byteOffset + b * blockBytes, blockBytes));
    }
  }

  /** Stores made before version 3 kept each chunk's filters whole, with another hash layout: rebuild them by block from the entries. */
  private convertWholeFilters(): void {
    const old = this.db.prepare('SELECT first_id AS first, last_id AS last FROM log_chunks WHERE length(trace_bloom) > 0 OR length(user_bloom) > 0 ORDER BY first_id').all() as { first: number; last: number }[];
    if (old.length === 0) return;
    const clear = this.db.prepare("UPDATE log_chunks SET trace_bloom = X'', user_bloom = X'' WHERE first_id = ?");
    this.db.transaction(() => {
      for (const c of old) {
        const rebuilt = { first: c.first, last: c.last, traces: new Bloom(blocks), users: new Bloom(blocks) };
        for (const r of this.entries(c.first, c.last)) {
          if (r.trace_id) rebuilt.traces.add(r.trace_id);
          if (r.user_id) rebuilt.users.add(r.user_id);
        }
        this.writeBlocks(rebuilt);
        clear.run(c.first);
      }
    })();
  }

  private entries(from: number, to: number): Iterable<{ id: number; ts: number; trace_id: string | null; user_id: string | null }> {
    return this.db.prepare('SELECT id, ts, trace_id, user_id FROM logs WHERE id BETWEEN ? AND ? ORDER BY id').iterate(from, to) as Iterable<{ id: number; ts: number; trace_id: string | null; user_id: string | null }>;
  }
}
