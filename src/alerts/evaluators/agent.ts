/**
 * agent_silent rules: a timer per host and rule, pushed back by every 'host.report'; when a
 * host misses `intervals` report intervals the timer fires the alert, and its next report
 * resolves it. A host is watched from its first report after the hub starts (an alert
 * already firing from before a restart stays until the host reports).
 */
import type { EventBus } from '../../core/events.js';
import { matchesMap } from '../matchers.js';
import type { RuleEntry } from '../rules.js';
import type { AlertTracker } from '../tracker.js';
import type { Evaluator } from './index.js';

/** Interval assumed for a host whose interval is unknown (the agent's default). */
const defaultIntervalS = 10;

interface HostWatch {
  lastReport: number;
  intervalS: number;
  timers: Map<string, { timer: NodeJS.Timeout; delay: number }>;
}

/** Evaluates agent_silent rules on host reports. */
export class AgentEvaluator implements Evaluator {
  private rules: RuleEntry[] = [];
  private readonly hosts = new Map<string, HostWatch>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly tracker: AlertTracker,
    private readonly bus: EventBus,
    private readonly hostInterval: (host: string) => number | undefined,
  ) {}

  setRules(rules: readonly RuleEntry[]): void {
    this.rules = rules.filter((r) => r.kind === 'agent_silent');
    for (const [host, h] of this.hosts) {
      for (const t of h.timers.values()) clearTimeout(t.timer);
      h.timers.clear();
      this.arm(host, h, Date.now());
    }
  }

  start(): void {
    this.unsubscribe = this.bus.subscribe('host.report', (e) => this.onReport(e.host, e.interval_s));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const h of this.hosts.values()) for (const t of h.timers.values()) clearTimeout(t.timer);
    this.hosts.clear();
  }

  /** A host reported: its silence (if any) is over, and its timers start again. */
  onReport(host: string, intervalS: number | undefined, now = Date.now()): void {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { lastReport: now, intervalS: defaultIntervalS, timers: new Map() }));
    h.lastReport = now;
    h.intervalS = intervalS && intervalS > 0 ? intervalS : (this.hostInterval(host) ?? defaultIntervalS);
    for (const rule of this.rules) {
      if (!this.applies(rule, host)) continue;
      if (this.tracker.activeCount(rule.name) > 0) this.tracker.clear(this.tracker.key(rule.name, { host }), now);
    }
    this.arm(host, h, now);
  }

  private applies(rule: RuleEntry, host: string): boolean {
    return (rule.host === '*' || rule.host === host) && matchesMap(rule.match, { host });
  }

  private arm(host: string, h: HostWatch, now: number): void {
    for (const rule of this.rules) {
      if (!this.applies(rule, host)) continue;
      const delay = Math.max(0, rule.intervals * h.intervalS * 1000);
      const existing = h.timers.get(rule.name);
      const due = Math.max(0, h.lastReport + delay - now);
      if (existing && existing.delay === due) {
        // The common case, a report on time: re-use the timer.
        existing.timer.refresh();
        continue;
      }
      if (existing) clearTimeout(existing.timer);
      const timer = setTimeout(() => {
        h.timers.delete(rule.name);
        const silentS = Math.round((Date.now() - h.lastReport) / 1000);
        this.tracker.raise(rule, this.tracker.key(rule.name, { host }), silentS);
      }, due);
      timer.unref();
      h.timers.set(rule.name, { timer, delay: due });
    }
  }
}
