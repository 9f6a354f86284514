/**
 * The agent's disk buffer: reports the hub could not take, kept in order until it can.
 * Append-only segment files (<n>.seg, one JSON report per line, fsync'd on every append) in
 * one directory, plus state.json (atomically replaced) saying how many records of the
 * oldest segment are already gone and how many were dropped in all. Bounded by a record
 * count and a byte size: beyond either, the oldest records are dropped, one by one, and
 * counted. A torn last line (the agent killed mid-write) is cut off when the buffer opens.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.js';

/** Bounds of the buffer. */
export interface BufferLimits {
  maxRecords: number;
  maxBytes: number;
  /** Records per segment file (and so the largest replay batch). */
  segmentRecords?: number;
}

interface Segment {
  no: number;
  /** Byte length of each record, newline included. */
  lens: number[];
  fd?: number;
}

interface State {
  head: number;
  skip: number;
  dropped: number;
}

const segName = (no: number): string => `${String(no).padStart(12, '0')}.seg`;

/** A bounded, ordered, crash-safe queue of report lines on disk. */
export class DiskBuffer {
  private readonly segs: Segment[] = [];
  private skip = 0;
  private droppedTotal = 0;
  private liveBytes = 0;
  private readonly segmentRecords: number;

  private constructor(
    readonly dir: string,
    private readonly limits: BufferLimits,
  ) {
    this.segmentRecords = limits.segmentRecords ?? 50;
  }

  /** Opens (creating) the buffer in `dir`, recovering what a previous run left there. */
  static open(dir: string, limits: BufferLimits): DiskBuffer {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const b = new DiskBuffer(dir, limits);
    b.recover();
    return b;
  }

  /** Records waiting. */
  get count(): number {
    return this.segs.reduce((n, s) => n + s.lens.length, 0) - this.skip;
  }

  /** Bytes of the records waiting. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Records dropped (oldest first) because of the bounds, over the buffer's whole life. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends records (one JSON text each, no newlines) in order; durable when this returns. Drops the oldest beyond the bounds. */
  append(records: readonly string[]): void {
    const touched = new Set<Segment>();
    for (const r of records) {
      let tail = this.segs.at(-1);
      if (!tail || tail.lens.length >= this.segmentRecords) tail = this.newSegment();
      const line = Buffer.from(`${r}\n`, 'utf8');
      tail.fd ??= openSync(join(this.dir, segName(tail.no)), 'a', 0o600);
      let off = 0;
      while (off < line.length) off += writeSync(tail.fd, line, off);
      tail.lens.push(line.length);
      this.liveBytes += line.length;
      touched.add(tail);
    }
    for (const s of touched) if (s.fd !== undefined) fsyncSync(s.fd);
    let dropped = 0;
    while (this.count > 0 && (this.count > this.limits.maxRecords || this.liveBytes > this.limits.maxBytes)) {
      this.consume(1);
      dropped++;
    }
    if (dropped > 0) {
      this.droppedTotal += dropped;
      this.saveState();
    }
  }

  /** Up to `max` of the oldest records (never more than one segment's worth), oldest first. */
  peek(max: number): string[] {
    const head = this.segs[0];
    if (!head) return [];
    const text = readFileSync(join(this.dir, segName(head.no)), 'utf8');
    return text.split('\n').slice(this.skip, Math.min(head.lens.length, this.skip + max));
  }

  /** Forgets the `n` oldest records (the hub took them). */
  ack(n: number): void {
    this.consume(n);
    this.saveState();
  }

  /** Closes the open segment. */
  close(): void {
    for (const s of this.segs) {
      if (s.fd !== undefined) closeSync(s.fd);
      s.fd = undefined;
    }
  }

  private consume(n: number): void {
    while (this.segs.length > 0) {
      const head = this.segs[0]!;
      const take = Math.min(n, head.lens.length - this.skip);
      for (let i = this.skip; i < this.skip + take; i++) this.liveBytes -= head.lens[i]!;
      this.skip += take;
      n -= take;
      if (this.skip >= head.lens.length) {
        if (head.fd !== undefined) closeSync(head.fd);
        rmSync(join(this.dir, segName(head.no)), { force: true });
        this.segs.shift();
        this.skip = 0;
      } else if (n === 0) {
        return;
      }
    }
  }

  private newSegment(): Segment {
    const no = (this.segs.at(-1)?.no ?? this.lastNo) + 1;
    this.lastNo = no;
    const s: Segment = { no, lens: [] };
    s.fd = openSync(join(this.dir, segName(no)), 'a', 0o600);
    // The new file's directory entry must survive a crash too.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.segs.push(s);
    return s;
  }

  private lastNo = 0;

  private saveState(): void {
    const state: State = { head: this.segs[0]?.no ?? this.lastNo + 1, skip: this.skip, dropped: this.droppedTotal };
    writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(state), 0o600);
  }

  private recover(): void {
    let state: State = { head: 0, skip: 0, dropped: 0 };
    try {
      state = { ...state, ...(JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8')) as Partial<State>) };
    } catch {
      /* a new buffer */
    }
    this.droppedTotal = state.dropped;
    const nos = readdirSync(this.dir)
      .filter((f) => /^\d{12}\.seg$/.test(f))
      .map((f) => Number(f.slice(0, 12)))
      .sort((a, b) => a - b);
    for (const no of nos) {
      const path = join(this.dir, segName(no));
      this.lastNo = Math.max(this.lastNo, no);
      if (no < state.head) {
        rmSync(path, { force: true }); // consumed before a crash, not yet deleted
        continue;
      }
      const data = readFileSync(path);
      const end = data.lastIndexOf(0x0a) + 1;
      if (end < data.length) truncateSync(path, end); // a torn last line
      const lens: number[] = [];
      let start = 0;
      for (let i = 0; i < end; i++) {
        if (data[i] === 0x0a) {
          lens.push(i + 1 - start);
          start = i + 1;
        }
      }
      if (lens.length === 0) {
        rmSync(path, { force: true });
        continue;
      }
      this.segs.push({ no, lens });
    }
    this.lastNo = Math.max(this.lastNo, state.head - 1);
    this.skip = this.segs[0]?.no === state.head ? Math.min(state.skip, this.segs[0].lens.length) : 0;
    this.liveBytes = this.segs.reduce((n, s) => n + s.lens.reduce((a, b) => a + b, 0), 0);
    for (let i = 0; i < this.skip; i++) this.liveBytes -= this.segs[0]!.lens[i]!;
    // A head segment consumed to its end before a crash: gone now.
    if (this.segs[0] && this.skip >= this.segs[0].lens.length) this.consume(0);
  }
}
