/**
 * The series catalog as the ingest path sees it: which (source, key) pairs the store already
 * knows, so only new series are written, and each source's last_seen is refreshed at most
 * every `refreshMs`. Also how a query's label matchers apply to a catalog entry.
 */
import type { MetricPoint, SeriesInfo } from '../store/index.js';
import { parseSeriesKey } from './series.js';

/** Known series per source. */
export class SeriesCatalog {
  private readonly sources = new Map<string, { keys: Set<string>; refreshedAt: number; lastSeen: number }>();

  constructor(private readonly refreshMs = 5 * 60_000) {}

  /** Loads what the store knows (at start). */
  load(series: readonly SeriesInfo[], now: number): void {
    for (const s of series) {
      const entry = this.entry(s.source, now);
      entry.keys.add(s.key);
      entry.lastSeen = Math.max(entry.lastSeen, s.last_seen);
    }
  }

  /** The series of `points` the store must be told of: new ones, and all of a source whose refresh is due. */
  collect(points: readonly MetricPoint[], now: number): SeriesInfo[] {
    const out = new Map<string, SeriesInfo>();
    for (const p of points) {
      const entry = this.entry(p.source, now - this.refreshMs);
      const refresh = now - entry.refreshedAt >= this.refreshMs;
      for (const key in p.values) {
        if (!refresh && entry.keys.has(key)) continue;
        const id = `${p.source}\u0000${key}`;
        const prev = out.get(id);
        if (prev) prev.last_seen = Math.max(prev.last_seen, p.ts);
        else {
          const { name, labels } = parseSeriesKey(key);
          out.set(id, { key, name, labels, source: p.source, last_seen: p.ts });
        }
      }
    }
    return [...out.values()];
  }

  /** Records series the store now holds. */
  noted(series: readonly SeriesInfo[], now: number): void {
    const refreshed = new Set<string>();
    for (const s of series) {
      const entry = this.entry(s.source, now);
      entry.keys.add(s.key);
      entry.lastSeen = Math.max(entry.lastSeen, s.last_seen);
      refreshed.add(s.source);
    }
    for (const source of refreshed) this.sources.get(source)!.refreshedAt = now;
  }

  /** True when the store has series of this source (so it may hold its points and rollups). */
  has(source: string): boolean {
    return (this.sources.get(source)?.keys.size ?? 0) > 0;
  }

  /** Sources with the newest last_seen known of each. */
  sourcesSeen(): Map<string, number> {
    return new Map([...this.sources].map(([source, e]) => [source, e.lastSeen]));
  }

  /** Number of known series. */
  get size(): number {
    let n = 0;
    for (const e of this.sources.values()) n += e.keys.size;
    return n;
  }

  private entry(source: string, refreshedAt: number) {
    let e = this.sources.get(source);
    if (!e) this.sources.set(source, (e = { keys: new Set(), refreshedAt, lastSeen: -Infinity }));
    return e;
  }
}

/** Labels a source implies: `host:web-1` → host=web-1, `service:api` → service=api, `scrape:node` → job=node. */
export function sourceLabels(source: string): Record<string, string> {
  const colon = source.indexOf(':');
  if (colon < 0) return {};
  const kind = source.slice(0, colon);
  const id = source.slice(colon + 1);
  const label = kind === 'host' ? 'host' : kind === 'service' ? 'service' : kind === 'scrape' ? 'job' : undefined;
  return label ? { [label]: id } : {};
}

/** A series' labels with those its source implies (the series' own win). */
export function labelsWithSource(s: Pick<SeriesInfo, 'labels' | 'source'>): Record<string, string> {
  return { ...sourceLabels(s.source), ...s.labels };
}

/** True when every matcher equals the series' label (or the label its source implies); an absent label equals "". */
export function matchesLabels(s: Pick<SeriesInfo, 'labels' | 'source'>, match: Record<string, string> | undefined): boolean {
  if (!match) return true;
  const labels = labelsWithSource(s);
  for (const [k, v] of Object.entries(match)) if ((labels[k] ?? '') !== v) return false;
  return true;
}
