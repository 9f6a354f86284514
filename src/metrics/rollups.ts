/**
 * Keeps the 1-minute and 1-hour rollups in the store right: flushes closed buckets, repairs
 * buckets that late or replayed points changed (recomputed from the store), rebuilds the open
 * buckets after a restart, and answers rollup reads with the buckets not yet flushed.
 * All store work runs in `tick`, one at a time.
 */
import type { Logger } from 'pino';
import type { MetricPoint, MetricRepo, RollupPoint } from '../store/index.js';
import { floorTo, hourMs, mergeOf, minuteMs, rollupOf, RollupBook } from './rollup.js';

/** Minutes repaired per tick at most, so one tick stays short. */
const repairsPerTick = 2000;
const dayMs = 86_400_000;

/** Rollup maintenance over a metric store. */
export class RollupKeeper {
  readonly book = new RollupBook();
  private running: Promise<void> | undefined;
  /** Counters for /metrics. */
  readonly counts = { flushed: 0, repaired: 0, failures: 0 };

  constructor(
    private readonly repo: MetricRepo,
    private readonly rawMs: () => number,
    private readonly logger: Logger,
  ) {}

  /** Takes committed points (any order); `stored` tells whether the store may already hold rollups of a source. */
  add(points: readonly MetricPoint[], now: number, stored: (source: string) => boolean): void {
    for (const p of points) this.book.add(p, now, stored(p.source));
  }

  /** Closes due buckets, flushes them and repairs dirty ones; concurrent calls share one run. */
  tick(now: number): Promise<void> {
    this.running ??= this.run(now).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Rollups of one source in [since, until]: the stored ones, with the unflushed (and open)
   * buckets on top, and buckets awaiting repair recomputed now (minutes from raw points,
   * hours from minutes), so a read never waits for the next tick to be right.
   */
  async read(resolution: '1m' | '1h', source: string, since: number, until: number): Promise<RollupPoint[]> {
    const stored = await this.repo.rollups(resolution, source, since, until);
    const extra = this.book.unflushed(source, resolution).filter((r) => r.bucket >= since && r.bucket <= until);
    const stale = [...this.book.staleBuckets(source, resolution)].filter((b) => b >= floorTo(since, resolution === '1m' ? minuteMs : hourMs) && b <= until);
    if (extra.length === 0 && stale.length === 0) return stored;
    const byBucket = new Map(stored.map((r) => [r.bucket, r]));
    for (const r of extra) byBucket.set(r.bucket, r);
    for (const b of stale) {
      if (resolution === '1m') {
        const points = await this.repo.points(source, b, b + minuteMs - 1);
        if (points.length > 0) byBucket.set(b, rollupOf(source, b, points));
      } else {
        const minutes = await this.read('1m', source, b, b + hourMs - 1);
        if (minutes.length > 0) byBucket.set(b, mergeOf(source, b, minutes));
      }
    }
    return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
  }

  /**
   * Rebuilds the state of recently active sources after a restart: stored minutes of the
   * open hour, raw points after the last stored minute replayed, and hours that closed while
   * the hub was down written from their minutes. Returns each source's newest raw point.
   */
  async restore(sources: ReadonlyMap<string, number>, now: number): Promise<MetricPoint[]> {
    const latest: MetricPoint[] = [];
    for (const [source, lastSeen] of sources) {
      const since = Math.max(floorTo(now - this.rawMs(), minuteMs), floorTo(Math.min(lastSeen, now), hourMs) - hourMs);
      const minutes = await this.repo.rollups('1m', source, since, now + dayMs);
      const hours = new Set((await this.repo.rollups('1h', source, since, now + dayMs)).map((h) => h.bucket));
      const lastMinute = minutes.at(-1)?.bucket;
      const replayFrom = lastMinute !== undefined ? lastMinute + minuteMs : since;
      // From the last stored minute: its points give the source's latest; only later ones are replayed.
      const recent = await this.repo.points(source, lastMinute ?? since, now + dayMs);
      const raw = recent.filter((p) => p.ts >= replayFrom);
      const startHour = raw.length > 0 ? floorTo(raw[0]!.ts, hourMs) : lastMinute !== undefined ? floorTo(lastMinute, hourMs) : undefined;
      if (startHour === undefined) continue;
      const byHour = new Map<number, RollupPoint[]>();
      for (const m of minutes) {
        const h = floorTo(m.bucket, hourMs);
        byHour.set(h, [...(byHour.get(h) ?? []), m]);
      }
      if (recent.length > 0) latest.push(recent.at(-1)!);
      const idle = raw.length === 0 && startHour < floorTo(now, hourMs);
      for (const [h, ms] of byHour) if ((h < startHour || (idle && h === startHour)) && !hours.has(h)) this.book.pending['1h'].push(mergeOf(source, h, ms));
      if (idle) continue;
      this.book.restore(source, startHour, byHour.get(startHour) ?? [], replayFrom);
      // Replayed at their own time, so the source does not look late.
      for (const p of raw) this.book.add(p, p.ts);
    }
    await this.tick(now);
    return latest;
  }

  private async run(now: number): Promise<void> {
    this.book.closeDue(now);
    await this.flush('1m');
    await this.flush('1h');
    try {
      await this.repair(now);
    } catch (err) {
      this.counts.failures++;
      this.logger.error({ err }, 'metric rollup repair failed; retrying on the next tick');
    }
  }

  private async flush(resolution: '1m' | '1h'): Promise<void> {
    const batch = this.book.take(resolution);
    if (batch.length === 0) return;
    try {
      await this.repo.appendRollups(resolution, batch);
      this.counts.flushed += batch.length;
    } catch (err) {
      this.book.putBack(resolution, batch);
      this.counts.failures++;
      this.logger.error({ err, resolution, buckets: batch.length }, 'writing metric rollups failed; retrying on the next tick');
    }
  }

  /** Recomputes dirty closed minutes from raw points, then their hours from the minutes. */
  private async repair(now: number): Promise<void> {
    if (this.book.dirtyMinutes.size === 0 && this.book.dirtyHours.size === 0) return;
    const rawFrom = now - this.rawMs() + minuteMs;
    const minutes: RollupPoint[] = [];
    const hours = new Map<string, { source: string; hour: number }>();
    let budget = repairsPerTick;
    for (const [source, set] of this.book.dirtyMinutes) {
      for (const minute of set) {
        if (budget <= 0) break;
        if (this.book.isOpen(source, minute)) continue;
        set.delete(minute);
        // Its raw points are (partly) gone: recomputing would lose the rest of the minute.
        if (minute < rawFrom) continue;
        budget--;
        const points = await this.repo.points(source, minute, minute + minuteMs - 1);
        if (points.length > 0) minutes.push(rollupOf(source, minute, points));
        const hour = floorTo(minute, hourMs);
        hours.set(`${source}\u0000${hour}`, { source, hour });
      }
      if (set.size === 0) this.book.dirtyMinutes.delete(source);
    }
    if (minutes.length > 0) {
      const replaced = new Set(minutes.map((m) => `${m.source}\u0000${m.bucket}`));
      this.book.pending['1m'] = this.book.pending['1m'].filter((m) => !replaced.has(`${m.source}\u0000${m.bucket}`));
      await this.repo.appendRollups('1m', minutes);
      this.counts.repaired += minutes.length;
    }
    for (const [source, set] of this.book.dirtyHours) {
      for (const hour of set) hours.set(`${source}\u0000${hour}`, { source, hour });
      this.book.dirtyHours.delete(source);
    }
    const closedHours: RollupPoint[] = [];
    for (const { source, hour } of hours.values()) {
      const stored = await this.repo.rollups('1m', source, hour, hour + hourMs - 1);
      if (this.book.openHour(source) === hour) {
        // The open hour: its accumulator is rebuilt from the stored minutes and the closed ones not yet flushed.
        const byBucket = new Map(stored.map((m) => [m.bucket, m]));
        for (const m of this.book.pending['1m']) if (m.source === source && floorTo(m.bucket, hourMs) === hour) byBucket.set(m.bucket, m);
        this.book.resetHour(source, hour, [...byBucket.values()]);
      } else if (stored.length > 0) {
        this.book.pending['1h'] = this.book.pending['1h'].filter((h) => !(h.source === source && h.bucket === hour));
        closedHours.push(mergeOf(source, hour, stored));
      }
    }
    if (closedHours.length > 0) {
      await this.repo.appendRollups('1h', closedHours);
      this.counts.repaired += closedHours.length;
    }
  }
}
