/** Turns a Notification (alert records) into the channel-neutral RenderedNotification. */
import { randomUUID } from 'node:crypto';
import type { AlertRecord } from '../../store/index.js';
import type { AlertView, RenderedNotification } from './channel.js';

/** What the notifier hands to render (the `Notification` of index.ts without its channels). */
export interface NotificationInput {
  kind: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: AlertRecord[];
}

/** Labels that name the alert rather than tell one instance from another. */
const nameLabels = new Set(['alertname', 'rule', 'severity']);

/** The rendered form of a notification. */
export function render(n: NotificationInput, hubUrl: string): RenderedNotification {
  const alerts = n.alerts.map(view);
  return { id: randomUUID(), kind: n.kind, title: title(n.kind, alerts, n.groupLabels), groupLabels: { ...n.groupLabels }, alerts, hubUrl };
}

/** A clearly-marked test message for `channel`: one synthetic info alert, kind 'test'. */
export function renderTest(channel: string, hubUrl: string, now = new Date()): RenderedNotification {
  const alert: AlertView = {
    fingerprint: 'test',
    rule: 'WheelhouseTest',
    state: 'firing',
    severity: 'info',
    labels: { channel },
    annotations: { summary: `Test notification from Wheelhouse to channel "${channel}". No alert is firing; nothing needs doing.` },
    value: null,
    startsAt: now.toISOString(),
    endsAt: null,
  };
  return { id: randomUUID(), kind: 'test', title: `[TEST] Wheelhouse test notification for channel "${channel}"`, groupLabels: {}, alerts: [alert], hubUrl };
}

function view(a: AlertRecord): AlertView {
  return {
    fingerprint: a.fingerprint,
    rule: a.rule,
    state: a.state,
    severity: a.severity,
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    value: a.value,
    startsAt: a.fired_at ?? a.started_at,
    endsAt: a.resolved_at,
  };
}

/** "[FIRING:2] HighCPU host=web-1": status and count, the rule(s), the labels the group shares. */
export function title(kind: 'firing' | 'resolved', alerts: AlertView[], groupLabels: Record<string, string>): string {
  const rules = [...new Set(alerts.map((a) => a.rule))];
  const name = rules.length <= 2 ? rules.join(', ') : `${rules.slice(0, 2).join(', ')} +${rules.length - 2}`;
  // With no group labels, a single alert is named by its own labels.
  const source = Object.keys(groupLabels).length > 0 || alerts.length !== 1 ? groupLabels : alerts[0]!.labels;
  const labels = labelText(source);
  return [`[${kind.toUpperCase()}:${alerts.length}]`, name, labels].filter(Boolean).join(' ');
}

/** "host=web-1 mount=/" without the labels that only name the rule; `omit` drops more keys. */
export function labelText(labels: Record<string, string>, omit: Record<string, string> = {}): string {
  return Object.entries(labels)
    .filter(([k]) => !nameLabels.has(k) && !(k in omit))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
