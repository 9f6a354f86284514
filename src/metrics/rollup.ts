/**
 * Rollups in memory: per source, the open minute (from points as they arrive) and the open
 * hour (from the minutes as they close). Closed buckets wait in `pending` until the service
 * flushes them to the store.
 *
 * Only points that arrive in order (newer than the source's newest, inside the open or a
 * later minute) are added here. Anything else (a late point, a replay, a duplicate) marks
 * its minute dirty, and the minute is recomputed from the raw points in the store once it is
 * closed: the store, not this book, is the truth, so replays and duplicates cannot be
 * counted twice. A repaired minute marks its hour dirty, which is recomputed from the stored
 * minutes (or, for the open hour, its accumulator rebuilt from them).
 */
import type { MetricPoint, Rollup, RollupPoint } from '../store/index.js';

/** Bucket sizes of the two rollup resolutions. */
export const minuteMs = 60_000;
export const hourMs = 3_600_000;

/** Aggregates of one bucket: series key → [min, max, sum, count, last] (mutable while open). */
export type Acc = Map<string, Rollup>;

/** Adds one point's values to an accumulator (the point is newer than everything in it). */
export function addValues(acc: Acc, values: Record<string, number>): void {
  for (const k in values) {
    const v = values[k]!;
    const r = acc.get(k);
    if (!r) acc.set(k, [v, v, v, 1, v]);
    else {
      if (v < r[0]) r[0] = v;
      if (v > r[1]) r[1] = v;
      r[2] += v;
      r[3] += 1;
      r[4] = v;
    }
  }
}

/** Merges a later bucket's aggregates into an accumulator. */
export function mergeRollups(acc: Acc, values: Record<string, Rollup>): void {
  for (const k in values) {
    const b = values[k]!;
    const r = acc.get(k);
    if (!r) acc.set(k, [b[0], b[1], b[2], b[3], b[4]]);
    else {
      if (b[0] < r[0]) r[0] = b[0];
      if (b[1] > r[1]) r[1] = b[1];
      r[2] += b[2];
      r[3] += b[3];
      r[4] = b[4];
    }
  }
}

/** A frozen copy of an accumulator as a stored rollup. */
export function toRollupPoint(source: string, bucket: number, acc: Acc): RollupPoint {
  const values: Record<string, Rollup> = {};
  for (const [k, r] of acc) values[k] = [r[0], r[1], r[2], r[3], r[4]];
  return { source, bucket, values };
}

/** The rollup of points (oldest first) over one bucket. */
export function rollupOf(source: string, bucket: number, points: readonly MetricPoint[]): RollupPoint {
  const acc: Acc = new Map();
  for (const p of points) addValues(acc, p.values);
  return toRollupPoint(source, bucket, acc);
}

/** The merge of bucket rollups (in bucket order) into one bucket. */
export function mergeOf(source: string, bucket: number, parts: readonly RollupPoint[]): RollupPoint {
  const acc: Acc = new Map();
  for (const p of [...parts].sort((a, b) => a.bucket - b.bucket)) mergeRollups(acc, p.values);
  return toRollupPoint(source, bucket, acc);
}

/** Start of the bucket of `size` that holds `ts`. */
export const floorTo = (ts: number, size: number): number => Math.floor(ts / size) * size;

/** What the book keeps per source. */
interface SourceState {
  /** Newest point added. */
  lastTs: number;
  /** Points before this can no longer be added (their minute is closed). */
  openFrom: number;
  /** Start of the open minute, or -1. */
  minute: number;
  minuteAcc: Acc;
  /** Hours before this were closed here already (end of the last closed hour). */
  hourFrom: number;
  /** Start of the open hour, or -1. */
  hour: number;
  /** The hour's closed minutes, merged. */
  hourAcc: Acc;
  /** The open hour was closed once already (points arrived after the clock closed it): recompute it from the stored minutes when it closes again. */
  reopened: boolean;
  /** How far behind the hub's clock this source's points arrive (closing waits for it). */
  lagMs: number;
}

/** The in-memory rollup state of every source. */
export class RollupBook {
  private readonly sources = new Map<string, SourceState>();
  /** Closed buckets not yet in the store. */
  readonly pending: { '1m': RollupPoint[]; '1h': RollupPoint[] } = { '1m': [], '1h': [] };
  /** Minutes (by source) that must be recomputed from raw points. */
  readonly dirtyMinutes = new Map<string, Set<number>>();
  /** Hours (by source) that must be recomputed from their stored minutes. */
  readonly dirtyHours = new Map<string, Set<number>>();

  /** @param graceMs how long after a minute ends (plus the source's lag) it stays open for stragglers */
  constructor(private readonly graceMs = 5000) {}

  /**
   * Takes a committed point: adds it when in order, marks its minute dirty otherwise.
   * `stored` says whether the store may already hold rollups of this source (it is in the
   * series catalog): then a point older than the current minute cannot open a bucket for a
   * source without state here (idle for hours, or not restored), since that bucket may be
   * stored already; it is repaired from the store instead.
   */
  add(p: MetricPoint, now: number, stored = true): void {
    let s = this.sources.get(p.source);
    if (!s) {
      if (stored && p.ts < floorTo(now, minuteMs) - minuteMs) {
        this.markDirty(p.source, floorTo(p.ts, minuteMs));
        return;
      }
      s = { lastTs: -Infinity, openFrom: -Infinity, hourFrom: -Infinity, minute: -1, minuteAcc: new Map(), hour: -1, hourAcc: new Map(), reopened: false, lagMs: 0 };
      this.sources.set(p.source, s);
    }
    if (p.ts <= s.lastTs || p.ts < s.openFrom) {
      this.markDirty(p.source, floorTo(p.ts, minuteMs));
      return;
    }
    const m = floorTo(p.ts, minuteMs);
    if (m !== s.minute) {
      this.closeMinute(p.source, s);
      const h = floorTo(m, hourMs);
      if (s.hour !== h) this.closeHour(p.source, s, h);
      s.minute = m;
    }
    addValues(s.minuteAcc, p.values);
    s.lastTs = p.ts;
    s.lagMs = Math.max(0, now - p.ts);
  }

  /** Marks a minute of a source for recomputation from raw points. */
  markDirty(source: string, minute: number): void {
    let set = this.dirtyMinutes.get(source);
    if (!set) this.dirtyMinutes.set(source, (set = new Set()));
    set.add(minute);
  }

  /** Marks an hour of a source for recomputation from its stored minutes. */
  markHourDirty(source: string, hour: number): void {
    let set = this.dirtyHours.get(source);
    if (!set) this.dirtyHours.set(source, (set = new Set()));
    set.add(hour);
  }

  /** Closes every minute and hour whose end (plus grace and the source's lag) has passed. */
  closeDue(now: number): void {
    for (const [source, s] of this.sources) {
      const clock = now - s.lagMs - this.graceMs;
      if (s.minute >= 0 && s.minute + minuteMs <= clock) this.closeMinute(source, s);
      if (s.minute < 0 && s.hour >= 0 && s.hour + hourMs <= clock) this.closeHour(source, s, -1);
      if (s.minute < 0 && s.hour < 0 && s.lastTs + hourMs * 2 < now) this.sources.delete(source);
    }
  }

  /** True while `minute` is the open minute of `source` (a repair must wait for it to close). */
  isOpen(source: string, minute: number): boolean {
    return this.sources.get(source)?.minute === minute;
  }

  /** Buckets of a source whose stored or accumulated aggregates are not to be trusted until repaired. */
  staleBuckets(source: string, resolution: '1m' | '1h'): Set<number> {
    const minutes = this.dirtyMinutes.get(source) ?? new Set<number>();
    if (resolution === '1m') return minutes;
    const hours = new Set(this.dirtyHours.get(source));
    for (const m of minutes) hours.add(floorTo(m, hourMs));
    const s = this.sources.get(source);
    if (s?.reopened && s.hour >= 0) hours.add(s.hour);
    return hours;
  }

  /** The open hour of a source, or -1. */
  openHour(source: string): number {
    return this.sources.get(source)?.hour ?? -1;
  }

  /** Replaces the open hour's accumulator (after one of its minutes was repaired). */
  resetHour(source: string, hour: number, minutes: readonly RollupPoint[]): void {
    const s = this.sources.get(source);
    if (!s || s.hour !== hour) return;
    s.hourAcc = new Map();
    for (const m of [...minutes].sort((a, b) => a.bucket - b.bucket)) if (m.bucket !== s.minute) mergeRollups(s.hourAcc, m.values);
    // Rebuilt from every closed minute of the hour: complete again, even if it had been closed before.
    s.reopened = false;
  }

  /**
   * Sets a source's state after a restart: the open hour from its stored minutes, accepting
   * points from `openFrom` on (replayed from the store through `add`).
   */
  restore(source: string, hour: number, minutes: readonly RollupPoint[], openFrom: number): void {
    const s: SourceState = { lastTs: openFrom - 1, openFrom, hourFrom: hour, minute: -1, minuteAcc: new Map(), hour, hourAcc: new Map(), reopened: false, lagMs: 0 };
    for (const m of [...minutes].sort((a, b) => a.bucket - b.bucket)) mergeRollups(s.hourAcc, m.values);
    this.sources.set(source, s);
  }

  /** Buckets of a source that are not in the store yet (closed and waiting, or open), for queries. */
  unflushed(source: string, resolution: '1m' | '1h'): RollupPoint[] {
    const out = this.pending[resolution].filter((r) => r.source === source);
    const s = this.sources.get(source);
    if (!s) return out;
    if (resolution === '1m' && s.minute >= 0 && s.minuteAcc.size > 0) out.push(toRollupPoint(source, s.minute, s.minuteAcc));
    if (resolution === '1h' && s.hour >= 0) {
      const acc: Acc = new Map();
      mergeRollups(acc, toRollupPoint(source, s.hour, s.hourAcc).values);
      if (s.minute >= 0 && floorTo(s.minute, hourMs) === s.hour) mergeRollups(acc, toRollupPoint(source, s.minute, s.minuteAcc).values);
      if (acc.size > 0) out.push(toRollupPoint(source, s.hour, acc));
    }
    return out;
  }

  /** Takes the pending buckets of one resolution (to flush); `putBack` returns them after a failed write. */
  take(resolution: '1m' | '1h'): RollupPoint[] {
    return this.pending[resolution].splice(0);
  }

  /** Returns buckets taken for a write that failed, to be written on the next tick. */
  putBack(resolution: '1m' | '1h', rollups: RollupPoint[]): void {
    this.pending[resolution].unshift(...rollups);
  }

  /** Sources with state. */
  get size(): number {
    return this.sources.size;
  }

  private closeMinute(source: string, s: SourceState): void {
    if (s.minute < 0) return;
    if (s.minuteAcc.size > 0) {
      const closed = toRollupPoint(source, s.minute, s.minuteAcc);
      this.pending['1m'].push(closed);
      const h = floorTo(s.minute, hourMs);
      if (s.hour !== h) this.closeHour(source, s, h);
      mergeRollups(s.hourAcc, closed.values);
    }
    s.openFrom = s.minute + minuteMs;
    s.minute = -1;
    s.minuteAcc = new Map();
  }

  /** Closes the open hour (if any) and opens `next` (or none with -1). */
  private closeHour(source: string, s: SourceState, next: number): void {
    if (s.hour >= 0) {
      // A reopened hour's accumulator lacks what came before it was first closed.
      if (s.reopened) this.markHourDirty(source, s.hour);
      else if (s.hourAcc.size > 0) this.pending['1h'].push(toRollupPoint(source, s.hour, s.hourAcc));
      s.hourFrom = Math.max(s.hourFrom, s.hour + hourMs);
    }
    s.hour = next;
    s.hourAcc = new Map();
    s.reopened = next >= 0 && next < s.hourFrom;
  }
}
