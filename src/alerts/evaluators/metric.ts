/**
 * Metric rules, evaluated on every batch of points as it is published ('metrics.points'):
 * for each series of a point, only the rules naming its metric are looked at, so a point
 * costs O(series + rules × matching series) and no store read. A series that stops arriving
 * (a disk unmounted, a host gone) resolves its alerts after `staleMs`.
 */
import type { EventBus } from '../../core/events.js';
import { parseSeriesKey } from '../../metrics/series.js';
import type { MetricPoint } from '../../store/index.js';
import { sourceLabels } from '../labels.js';
import type { RuleEntry } from '../rules.js';
import type { AlertKey, AlertTracker } from '../tracker.js';
import { compare } from './compare.js';
import type { Evaluator } from './index.js';

/** A series not seen for this long no longer holds its alert. */
export const staleMs = 5 * 60_000;
/** Caches are cleared when they grow past this (they refill from the next points). */
const maxCached = 200_000;

interface Parsed {
  name: string;
  labels: Record<string, string>;
}

interface MetricRule {
  rule: RuleEntry;
  /** [label, value] pairs of `match`; value "*" means present with any value. */
  match: [string, string][];
}

/** Evaluates metric rules on published points. */
export class MetricEvaluator implements Evaluator {
  private byMetric = new Map<string, MetricRule[]>();
  private readonly parsed = new Map<string, Parsed | null>();
  private readonly sources = new Map<string, Record<string, string>>();
  private readonly keys = new Map<string, AlertKey>();
  private unsubscribe: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly tracker: AlertTracker,
    private readonly bus: EventBus,
  ) {}

  setRules(rules: readonly RuleEntry[]): void {
    const byMetric = new Map<string, MetricRule[]>();
    for (const rule of rules) {
      if (rule.kind !== 'metric' || !rule.metric) continue;
      let list = byMetric.get(rule.metric);
      if (!list) byMetric.set(rule.metric, (list = []));
      list.push({ rule, match: Object.entries(rule.match) });
    }
    this.byMetric = byMetric;
    this.keys.clear();
  }

  start(): void {
    this.unsubscribe = this.bus.subscribe('metrics.points', ({ points }) => this.onPoints(points));
    this.sweeper = setInterval(() => this.sweep(), Math.min(staleMs / 5, 60_000));
    this.sweeper.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.sweeper);
  }

  /** Evaluates the rules on a batch of points (synchronously; the tracker defers its writes). */
  onPoints(points: readonly MetricPoint[], now = Date.now()): void {
    if (this.byMetric.size === 0) return;
    for (const p of points) {
      // Old samples (an agent replaying its buffer) are history, not the current state.
      if (p.ts < now - staleMs) continue;
      for (const key in p.values) {
        const series = this.parse(key);
        if (!series) continue;
        const rules = this.byMetric.get(series.name);
        if (!rules) continue;
        const value = p.values[key]!;
        const source = this.sourceOf(p.source);
        for (const mr of rules) {
          if (!matches(mr.match, series.labels, source)) continue;
          const holds = compare(value, mr.rule.op, mr.rule.threshold);
          // The common case (below threshold, nothing active) costs no hashing at all.
          if (!holds && this.tracker.activeCount(mr.rule.name) === 0) continue;
          const k = this.keyOf(mr.rule.name, p.source, key, source, series.labels);
          if (holds) this.tracker.raise(mr.rule, k, value, now);
          else this.tracker.clear(k, now);
        }
      }
    }
  }

  /** Resolves alerts of series that stopped arriving. */
  sweep(now = Date.now()): void {
    for (const list of this.byMetric.values()) {
      for (const { rule } of list) {
        for (const a of this.tracker.ofRule(rule.name)) if (now - a.lastSeen > staleMs) this.tracker.resolve(a, now);
      }
    }
  }

  private parse(key: string): Parsed | null {
    let p = this.parsed.get(key);
    if (p === undefined) {
      if (this.parsed.size >= maxCached) this.parsed.clear();
      try {
        p = parseSeriesKey(key);
      } catch {
        p = null;
      }
      this.parsed.set(key, p);
    }
    return p;
  }

  private sourceOf(source: string): Record<string, string> {
    let s = this.sources.get(source);
    if (!s) {
      if (this.sources.size >= maxCached) this.sources.clear();
      this.sources.set(source, (s = sourceLabels(source)));
    }
    return s;
  }

  private keyOf(rule: string, source: string, key: string, sourceLabels: Record<string, string>, seriesLabels: Record<string, string>): AlertKey {
    const id = `${rule}\u0000${source}\u0000${key}`;
    let k = this.keys.get(id);
    if (!k) {
      if (this.keys.size >= maxCached) this.keys.clear();
      // Series labels win over the source's (a scraped series may carry its own host).
      k = this.tracker.key(rule, { ...sourceLabels, ...seriesLabels });
      this.keys.set(id, k);
    }
    return k;
  }
}

function matches(match: [string, string][], series: Record<string, string>, source: Record<string, string>): boolean {
  for (const [k, want] of match) {
    const have = series[k] ?? source[k];
    if (have === undefined || (want !== '*' && have !== want)) return false;
  }
  return true;
}
