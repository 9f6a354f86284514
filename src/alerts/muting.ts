/**
 * What keeps alerts from being notified: silences (label matchers with a start and an end,
 * made through the API) and maintenance windows (from the config). A muted alert still
 * changes state; it is only left out of notifications. When a silence or window starts or
 * ends, `onChange` is called so held-back alerts go out.
 */
import type { MaintenanceSpec } from '../core/config/index.js';
import type { SilenceRecord } from '../store/index.js';
import { compileMatchers, matchesAll, matchesMap, type CompiledMatcher } from './matchers.js';

interface ActiveSilence {
  id: string;
  startsAt: number;
  endsAt: number;
  matchers: CompiledMatcher[];
}

/** Silences and maintenance windows in force, with a timer at each boundary. */
export class Muting {
  private silences = new Map<string, ActiveSilence>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly maintenance: readonly MaintenanceSpec[],
    private readonly onChange: () => void,
  ) {}

  /** Replaces the known silences (at start); expired ones are ignored. */
  load(silences: readonly SilenceRecord[]): void {
    this.silences.clear();
    for (const s of silences) this.put(s);
    this.arm();
  }

  /** Adds a silence (just created). */
  add(s: SilenceRecord): void {
    this.put(s);
    this.arm();
    this.onChange();
  }

  /** Forgets a silence (expired by hand); held-back alerts it covered go out. */
  remove(id: string): void {
    if (this.silences.delete(id)) {
      this.arm();
      this.onChange();
    }
  }

  /** Ids of the silences, and names (as `maintenance:<name>`) of the windows, that mute `labels` now. */
  mutedBy(labels: Record<string, string>, now = Date.now()): string[] {
    const out: string[] = [];
    for (const s of this.silences.values()) if (s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels)) out.push(s.id);
    for (const m of this.maintenance) if (m.startsAt <= now && now < m.endsAt && matchesMap(m.match, labels)) out.push(`maintenance:${m.name}`);
    return out;
  }

  /** True when a silence or a maintenance window mutes `labels` now. */
  muted(labels: Record<string, string>, now = Date.now()): boolean {
    for (const s of this.silences.values()) if (s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels)) return true;
    for (const m of this.maintenance) if (m.startsAt <= now && now < m.endsAt && matchesMap(m.match, labels)) return true;
    return false;
  }

  /** Starts the boundary timer. */
  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops the boundary timer. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private put(s: SilenceRecord): void {
    const endsAt = Date.parse(s.ends_at);
    if (s.expired_at !== null || endsAt <= Date.now()) return;
    let matchers: CompiledMatcher[];
    try {
      matchers = compileMatchers(s.matchers);
    } catch {
      return; // checked when it was made; a row edited by hand is ignored rather than fatal
    }
    this.silences.set(s.id, { id: s.id, startsAt: Date.parse(s.starts_at), endsAt, matchers });
  }

  /** Sets the timer for the next start or end of a silence or window. */
  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const now = Date.now();
    for (const [id, s] of this.silences) if (s.endsAt <= now) this.silences.delete(id);
    let next = Infinity;
    const consider = (start: number, end: number): void => {
      if (start > now) next = Math.min(next, start);
      else if (end > now) next = Math.min(next, end);
    };
    for (const s of this.silences.values()) consider(s.startsAt, s.endsAt);
    for (const m of this.maintenance) consider(m.startsAt, m.endsAt);
    if (next === Infinity) return;
    // Long delays are re-armed in steps: timers cannot wait longer than ~24.8 days.
    const delay = Math.min(next - now, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.arm();
      // Checked after re-arming: a timer may fire a millisecond early, and if the clock reaches
      // the boundary between the two readings, arm() no longer waits for it and this call is its only notice.
      if (Date.now() >= next) this.onChange();
    }, delay);
    this.timer.unref();
  }
}
