/**
 * The lifecycle of alerts: a rule's condition holding for one instance (a host, a series, a
 * service) raises a pending alert, which fires once the condition has held for the rule's
 * `for`, and resolves when the condition stops holding. Identity is the fingerprint, so a
 * condition seen again only updates the alert it already has. Every state change is
 * persisted (in order, off the evaluation path), published on the bus and handed to
 * `onChange` (the dispatcher).
 */
import type { Logger } from 'pino';
import type { EventBus } from '../core/events.js';
import type { AlertRecord, AlertRepo } from '../store/index.js';
import { alertLabels, fingerprint, renderAnnotations } from './labels.js';
import type { RuleEntry } from './rules.js';

/** One alert held in memory (pending or firing; resolved ones only until the dispatcher lets go). */
export interface LiveAlert {
  record: AlertRecord;
  /** The labels that tell this instance apart (without the rule's labels, alertname, severity). */
  instance: Record<string, string>;
  /** When its condition was last seen holding (ms). */
  lastSeen: number;
  forTimer?: NodeJS.Timeout;
}

/** An instance of a rule: its fingerprint and instance labels (evaluators may keep these to skip hashing). */
export interface AlertKey {
  fp: string;
  instance: Record<string, string>;
}

/** What the tracker needs. */
export interface TrackerDeps {
  repo: AlertRepo;
  bus: EventBus;
  logger: Logger;
  /** Called after an alert fires or resolves (or its labels change): never blocks, never throws. */
  onChange: (alert: LiveAlert) => void;
}

/** Saves waiting beyond this are dropped (oldest first): a store that stopped answering must not grow the heap without bound. */
const maxQueued = 100_000;
/** A pending alert restored at start waits at least this long for fresh evidence before it fires. */
const restoreGraceMs = 10_000;

/** Holds the active alerts and moves them through their states. */
export class AlertTracker {
  private rules = new Map<string, RuleEntry>();
  private readonly alerts = new Map<string, LiveAlert>();
  private readonly byRule = new Map<string, Set<LiveAlert>>();
  private queue: AlertRecord[] = [];
  private pumping: Promise<void> | undefined;
  private pumpScheduled = false;
  private dropped = 0;

  constructor(private readonly deps: TrackerDeps) {}

  /** The key of one instance of `rule`. */
  key(rule: string, instance: Record<string, string>): AlertKey {
    return { fp: fingerprint(rule, instance), instance };
  }

  /** How many alerts of `rule` are active (lets evaluators skip work when none is). */
  activeCount(rule: string): number {
    return this.byRule.get(rule)?.size ?? 0;
  }

  /** Active alerts (pending and firing). */
  active(): LiveAlert[] {
    return [...this.alerts.values()];
  }

  /** Active alerts of one rule. */
  ofRule(rule: string): LiveAlert[] {
    return [...(this.byRule.get(rule) ?? [])];
  }

  /** The rule's condition holds for this instance, with `value`. */
  raise(rule: RuleEntry, key: AlertKey, value: number | null, now = Date.now()): void {
    const v = value !== null && Number.isFinite(value) ? value : null;
    const existing = this.alerts.get(key.fp);
    if (existing) {
      existing.lastSeen = now;
      existing.record.value = v;
      if (existing.record.state === 'pending' && now - Date.parse(existing.record.started_at) >= rule.forMs) this.fire(existing, now);
      return;
    }
    const at = new Date(now).toISOString();
    const labels = alertLabels(rule, key.instance);
    const alert: LiveAlert = {
      instance: key.instance,
      lastSeen: now,
      record: {
        fingerprint: key.fp,
        rule: rule.name,
        state: 'pending',
        severity: rule.severity,
        labels,
        annotations: renderAnnotations(rule, labels, v),
        value: v,
        started_at: at,
        fired_at: null,
        resolved_at: null,
        last_notified_at: null,
        updated_at: at,
      },
    };
    this.add(alert);
    if (rule.forMs <= 0) {
      this.fire(alert, now);
      return;
    }
    this.persist(alert);
    this.deps.bus.publish('alert.pending', { fingerprint: key.fp, rule: rule.name, severity: rule.severity, labels, value: v, at });
    this.armFor(alert, rule.forMs);
  }

  /** The rule's condition no longer holds for this instance: a firing alert resolves, a pending one is dropped. */
  clear(key: AlertKey, now = Date.now()): void {
    const alert = this.alerts.get(key.fp);
    if (alert) this.resolve(alert, now);
  }

  /** Ends an alert (condition gone, rule removed, series stale). */
  resolve(alert: LiveAlert, now = Date.now()): void {
    if (this.alerts.get(alert.record.fingerprint) !== alert) return;
    this.remove(alert);
    const r = alert.record;
    const wasFiring = r.state === 'firing';
    r.state = 'resolved';
    r.resolved_at = r.updated_at = new Date(now).toISOString();
    if (wasFiring) {
      this.deps.bus.publish('alert.resolved', { fingerprint: r.fingerprint, rule: r.rule, severity: r.severity, labels: r.labels, at: r.resolved_at });
      this.deps.onChange(alert);
    } else {
      this.deps.bus.publish('alert.cleared', { fingerprint: r.fingerprint, rule: r.rule, severity: r.severity, labels: r.labels, at: r.resolved_at });
    }
    this.persist(alert);
  }

  /**
   * Alerts saved by an earlier run, back in memory without notifying again: firing ones keep
   * firing (their last notification time tells the dispatcher when to repeat), pending ones
   * wait out the rest of their `for`. Alerts of rules that no longer exist are resolved.
   */
  restore(records: readonly AlertRecord[], now = Date.now()): LiveAlert[] {
    const restored: LiveAlert[] = [];
    for (const record of records) {
      if (this.alerts.has(record.fingerprint)) continue;
      const rule = this.rules.get(record.rule);
      const instance: Record<string, string> = {};
      for (const [k, v] of Object.entries(record.labels)) {
        if (k !== 'alertname' && k !== 'severity' && !(rule && rule.labels[k] === v)) instance[k] = v;
      }
      const alert: LiveAlert = { record: { ...record }, instance, lastSeen: now };
      this.add(alert);
      restored.push(alert);
      if (rule && record.state === 'pending') {
        const remaining = Date.parse(record.started_at) + rule.forMs - now;
        this.armFor(alert, Math.max(remaining, Math.min(rule.forMs, restoreGraceMs)));
      }
    }
    return restored;
  }

  /**
   * Puts a new rule set in force. Alerts of removed rules resolve; so do those of rules whose
   * kind or metric changed (their instances mean something else now). Others take the
   * rule's new severity and labels.
   */
  setRules(rules: readonly RuleEntry[], now = Date.now()): void {
    const old = this.rules;
    this.rules = new Map(rules.map((r) => [r.name, r]));
    for (const [name, set] of this.byRule) {
      const rule = this.rules.get(name);
      const before = old.get(name);
      if (!rule || (before && (before.kind !== rule.kind || before.metric !== rule.metric))) {
        for (const a of [...set]) this.resolve(a, now);
        continue;
      }
      for (const a of set) {
        const labels = alertLabels(rule, a.instance);
        if (a.record.severity === rule.severity && sameLabels(labels, a.record.labels)) continue;
        a.record.severity = rule.severity;
        a.record.labels = labels;
        a.record.annotations = renderAnnotations(rule, labels, a.record.value);
        this.persist(a);
        if (a.record.state === 'firing') this.deps.onChange(a);
      }
    }
  }

  /** The rule of an alert, if it still exists. */
  ruleOf(alert: LiveAlert): RuleEntry | undefined {
    return this.rules.get(alert.record.rule);
  }

  /** Queues a save of the alert's current record; saves run one at a time, in order, after the current event. */
  persist(alert: LiveAlert): void {
    const r = alert.record;
    if (this.queue.length >= maxQueued) {
      this.queue.shift();
      if (this.dropped++ % 1000 === 0) this.deps.logger.error({ dropped: this.dropped }, 'alert store is not keeping up: dropping the oldest alert saves');
    }
    this.queue.push({ ...r, labels: { ...r.labels }, annotations: { ...r.annotations } });
    if (this.pumping || this.pumpScheduled) return;
    this.pumpScheduled = true;
    // After the current event: notifications are handed out before the store is written.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    });
  }

  /** Resolves when every queued save has been attempted. */
  async drained(): Promise<void> {
    while (this.pumping || this.pumpScheduled || this.queue.length) {
      if (this.pumping) await this.pumping;
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Cancels every timer (the alerts stay as saved). */
  stop(): void {
    for (const a of this.alerts.values()) clearTimeout(a.forTimer);
  }

  private fire(alert: LiveAlert, now: number): void {
    clearTimeout(alert.forTimer);
    alert.forTimer = undefined;
    const r = alert.record;
    const rule = this.rules.get(r.rule);
    r.state = 'firing';
    r.fired_at = r.updated_at = new Date(now).toISOString();
    if (rule) r.annotations = renderAnnotations(rule, r.labels, r.value);
    this.deps.bus.publish('alert.triggered', { fingerprint: r.fingerprint, rule: r.rule, severity: r.severity, labels: r.labels, value: r.value, at: r.fired_at });
    this.deps.onChange(alert);
    this.persist(alert);
  }

  private armFor(alert: LiveAlert, delayMs: number): void {
    clearTimeout(alert.forTimer);
    alert.forTimer = setTimeout(() => {
      alert.forTimer = undefined;
      if (this.alerts.get(alert.record.fingerprint) === alert && alert.record.state === 'pending') this.fire(alert, Date.now());
    }, Math.min(delayMs, 2 ** 31 - 1));
    alert.forTimer.unref();
  }

  private add(alert: LiveAlert): void {
    this.alerts.set(alert.record.fingerprint, alert);
    let set = this.byRule.get(alert.record.rule);
    if (!set) this.byRule.set(alert.record.rule, (set = new Set()));
    set.add(alert);
  }

  private remove(alert: LiveAlert): void {
    clearTimeout(alert.forTimer);
    alert.forTimer = undefined;
    this.alerts.delete(alert.record.fingerprint);
    const set = this.byRule.get(alert.record.rule);
    set?.delete(alert);
    if (set?.size === 0) this.byRule.delete(alert.record.rule);
  }

  private async pump(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      for (const record of batch) {
        try {
          await this.deps.repo.saveAlert(record);
        } catch (err) {
          this.deps.logger.error({ err, fingerprint: record.fingerprint }, 'saving an alert failed');
        }
      }
    }
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
