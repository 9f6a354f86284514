/**
 * From alert changes to notifications, as Alertmanager does it: each firing alert is routed
 * to channels (routes: first match wins unless `continue`; no routes: every channel), then
 * grouped by the group_by labels. A new group is notified after group_wait (default 0: at
 * once); later changes to a group are batched and sent group_interval after its previous
 * notification; a group still firing is re-sent every repeat_interval. Muted alerts
 * (silences, maintenance) are left out. A resolved notification goes only for alerts whose
 * firing was notified. `notifier.dispatch` returns at once; nothing here waits on a channel.
 */
import type { Logger } from 'pino';
import type { AlertingSettings } from '../core/config/index.js';
import type { AlertRecord } from '../store/index.js';
import type { Notification, Notifier } from './notifiers/index.js';
import { matchesMap } from './matchers.js';
import type { Muting } from './muting.js';
import type { LiveAlert } from './tracker.js';

interface Group {
  key: string;
  channels: string[];
  groupLabels: Record<string, string>;
  createdAt: number;
  /** Alerts in the group: firing ones, and resolved ones awaiting their resolved notification. */
  members: Map<string, LiveAlert>;
  /** Fingerprints whose firing was notified (and whose resolution was not yet). */
  notified: Set<string>;
  lastFlushAt: number | null;
  lastFiringAt: number | null;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
}

/** What the dispatcher needs. */
export interface DispatcherDeps {
  settings: Pick<AlertingSettings, 'groupBy' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs' | 'routes' | 'channels'>;
  notifier: Notifier;
  muting: Muting;
  /** Saves an alert whose last_notified_at changed. */
  persist: (alert: LiveAlert) => void;
  logger: Logger;
}

/** Groups, routes and hands out notifications. */
export class Dispatcher {
  private readonly groups = new Map<string, Group>();
  private readonly groupOf = new Map<string, string>();
  private readonly allChannels: string[];
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.allChannels = deps.settings.channels.map((c) => c.name);
  }

  /** An alert fired, resolved, or changed labels. Pending alerts are not notified. */
  changed(alert: LiveAlert, now = Date.now()): void {
    const r = alert.record;
    if (r.state === 'pending' || this.stopped) return;
    const fp = r.fingerprint;
    const channels = this.route(r.labels);
    const key = channels.length ? this.groupKey(channels, r.labels) : null;
    const previous = this.groupOf.get(fp);
    if (previous !== undefined && previous !== key) this.leave(previous, fp);
    if (key === null) return;
    let g = this.groups.get(key);
    if (!g) {
      if (r.state === 'resolved') return;
      g = this.newGroup(key, channels, r.labels, now);
    }
    const before = g.members.get(fp);
    // Firing again before its resolution went out: to the channels it never stopped firing.
    if (before && before !== alert && g.notified.has(fp) && r.last_notified_at === null) r.last_notified_at = before.record.last_notified_at;
    if (r.state === 'resolved' && !g.notified.has(fp)) {
      this.leave(key, fp);
      return;
    }
    g.members.set(fp, alert);
    this.groupOf.set(fp, key);
    this.schedule(g, g.lastFlushAt === null ? g.createdAt + this.deps.settings.groupWaitMs : g.lastFlushAt + this.deps.settings.groupIntervalMs);
  }

  /** A firing alert loaded at start: notified before if it has a last_notified_at (then it repeats from there). */
  restore(alert: LiveAlert, now = Date.now()): void {
    const r = alert.record;
    if (r.state !== 'firing') return;
    const channels = this.route(r.labels);
    if (!channels.length) return;
    const key = this.groupKey(channels, r.labels);
    const g = this.groups.get(key) ?? this.newGroup(key, channels, r.labels, now);
    g.members.set(r.fingerprint, alert);
    this.groupOf.set(r.fingerprint, key);
    if (r.last_notified_at !== null) {
      const at = Date.parse(r.last_notified_at);
      g.notified.add(r.fingerprint);
      g.lastFlushAt = Math.max(g.lastFlushAt ?? 0, at);
      g.lastFiringAt = Math.max(g.lastFiringAt ?? 0, at);
      this.schedule(g, g.lastFiringAt + this.deps.settings.repeatIntervalMs);
    } else {
      this.schedule(g, now + this.deps.settings.groupWaitMs);
    }
  }

  /** Something muted or unmuted alerts: every group is looked at again (batched as usual). */
  reconsider(now = Date.now()): void {
    for (const g of this.groups.values()) this.schedule(g, g.lastFlushAt === null ? now : g.lastFlushAt + this.deps.settings.groupIntervalMs);
  }

  /** Cancels every timer; nothing more is handed out. */
  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) clearTimeout(g.timer);
  }

  /** Channels for an alert's labels: every matching route's until one without `continue`; no routes: all channels. */
  route(labels: Record<string, string>): string[] {
    const { routes } = this.deps.settings;
    if (routes.length === 0) return this.allChannels;
    const out = new Set<string>();
    for (const r of routes) {
      if (!matchesMap(r.match, labels)) continue;
      for (const c of r.channels) out.add(c);
      if (!r.continue) break;
    }
    return [...out].sort();
  }

  private groupKey(channels: string[], labels: Record<string, string>): string {
    const by = this.deps.settings.groupBy;
    // "..." groups by every label: each alert is its own group.
    const values = by.includes('...') ? Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`) : by.map((k) => labels[k] ?? '');
    return JSON.stringify([channels, values]);
  }

  private newGroup(key: string, channels: string[], labels: Record<string, string>, now: number): Group {
    const by = this.deps.settings.groupBy;
    const groupLabels: Record<string, string> = {};
    for (const k of by.includes('...') ? Object.keys(labels) : by) if (labels[k] !== undefined) groupLabels[k] = labels[k]!;
    const g: Group = { key, channels, groupLabels, createdAt: now, members: new Map(), notified: new Set(), lastFlushAt: null, lastFiringAt: null, timer: undefined, timerAt: Infinity };
    this.groups.set(key, g);
    return g;
  }

  private leave(key: string, fp: string): void {
    const g = this.groups.get(key);
    this.groupOf.delete(fp);
    if (!g) return;
    g.members.delete(fp);
    g.notified.delete(fp);
    if (g.members.size === 0) this.drop(g);
  }

  private drop(g: Group): void {
    clearTimeout(g.timer);
    this.groups.delete(g.key);
  }

  /** Makes sure the group is flushed no later than `at`. */
  private schedule(g: Group, at: number): void {
    if (this.stopped) return;
    if (g.timer !== undefined && g.timerAt <= at) return;
    clearTimeout(g.timer);
    g.timerAt = at;
    g.timer = setTimeout(() => {
      g.timer = undefined;
      g.timerAt = Infinity;
      this.flush(g);
    }, Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
    g.timer.unref();
  }

  private flush(g: Group, now = Date.now()): void {
    if (this.stopped || this.groups.get(g.key) !== g) return;
    const { repeatIntervalMs } = this.deps.settings;
    const firing: LiveAlert[] = [];
    const resolved: LiveAlert[] = [];
    let fresh = false;
    for (const a of g.members.values()) {
      if (a.record.state === 'resolved') {
        resolved.push(a);
      } else if (!this.deps.muting.muted(a.record.labels, now)) {
        firing.push(a);
        if (!g.notified.has(a.record.fingerprint)) fresh = true;
      }
    }
    const at = new Date(now).toISOString();
    const repeatDue = g.lastFiringAt !== null && now - g.lastFiringAt >= repeatIntervalMs;
    if (firing.length > 0 && (fresh || repeatDue)) {
      for (const a of firing) {
        g.notified.add(a.record.fingerprint);
        a.record.last_notified_at = at;
      }
      this.send(g, 'firing', firing);
      for (const a of firing) this.deps.persist(a);
      g.lastFiringAt = g.lastFlushAt = now;
    }
    // Resolutions of muted alerts are not announced, as their firing may not have been.
    const announce = resolved.filter((a) => !this.deps.muting.muted(a.record.labels, now));
    if (announce.length > 0) {
      for (const a of announce) a.record.last_notified_at = at;
      this.send(g, 'resolved', announce);
      for (const a of announce) this.deps.persist(a);
      g.lastFlushAt = now;
    }
    for (const a of resolved) {
      g.members.delete(a.record.fingerprint);
      g.notified.delete(a.record.fingerprint);
      this.groupOf.delete(a.record.fingerprint);
    }
    if (g.members.size === 0) return this.drop(g);
    if (g.lastFiringAt !== null && [...g.members.values()].some((a) => g.notified.has(a.record.fingerprint))) {
      this.schedule(g, g.lastFiringAt + repeatIntervalMs);
    }
  }

  private send(g: Group, kind: Notification['kind'], alerts: LiveAlert[]): void {
    const n: Notification = { kind, groupLabels: { ...g.groupLabels }, alerts: alerts.map((a) => snapshot(a.record)), channels: [...g.channels] };
    try {
      this.deps.notifier.dispatch(n);
    } catch (err) {
      this.deps.logger.error({ err, kind, group: g.groupLabels }, 'the notifier refused a notification');
    }
  }
}

function snapshot(r: AlertRecord): AlertRecord {
  return { ...r, labels: { ...r.labels }, annotations: { ...r.annotations } };
}
