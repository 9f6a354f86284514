/**
 * Message text shared by the chat and email channels: one summary per alert, built once,
 * then wrapped in each channel's markup (Slack mrkdwn, Discord markdown, Telegram and email
 * HTML, plain text) by the helpers here. Limits keep messages inside every service's caps.
 */
import type { AlertView, RenderedNotification } from './channel.js';
import { labelText } from './render.js';

/** At most this many alerts are listed; the rest are counted. */
export const maxListed = 10;

/** One alert, as the parts a message shows. */
export interface AlertLine {
  severity: string;
  rule: string;
  /** Labels not already in the title. */
  labels: string;
  /** The summary (or description) annotation. */
  summary: string | null;
  value: string | null;
  /** "firing since 2024-05-01 10:00:00 UTC", "resolved at …". */
  when: string;
}

/** The parts of a message: listed alerts, how many were left out, the link to the hub. */
export interface Digest {
  lines: AlertLine[];
  more: number;
  link: string | null;
}

/** The digest of a rendered notification. */
export function digest(n: RenderedNotification): Digest {
  const lines = n.alerts.slice(0, maxListed).map((a) => line(a, n.groupLabels));
  return { lines, more: Math.max(0, n.alerts.length - maxListed), link: n.hubUrl ? `${n.hubUrl.replace(/\/+$/, '')}/` : null };
}

function line(a: AlertView, groupLabels: Record<string, string>): AlertLine {
  return {
    severity: a.severity.toUpperCase(),
    rule: a.rule,
    labels: labelText(a.labels, groupLabels),
    summary: a.annotations.summary ?? a.annotations.description ?? null,
    value: a.value === null ? null : formatValue(a.value),
    when: a.state === 'resolved' && a.endsAt ? `resolved at ${clock(a.endsAt)}` : `${a.state} since ${clock(a.startsAt)}`,
  };
}

/** A sample value, short: 93.25, 0.0012, 1.2e+9. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e9 || (v !== 0 && Math.abs(v) < 1e-3)) return v.toPrecision(3);
  return String(Math.round(v * 100) / 100);
}

/** ISO → "2024-05-01 10:00:00 UTC". */
export function clock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A marker for the kind of message. */
export function emoji(kind: RenderedNotification['kind']): string {
  return { firing: '🔥', resolved: '✅', test: '🧪' }[kind];
}

/** An RGB colour for the kind and worst severity (Discord embeds, email accents). */
export function colour(n: RenderedNotification): number {
  if (n.kind === 'resolved') return 0x2eb67d;
  if (n.kind === 'test') return 0x3b82f6;
  return n.alerts.some((a) => a.severity === 'critical') ? 0xe01e5a : n.alerts.some((a) => a.severity === 'warning') ? 0xecb22e : 0x3b82f6;
}

/** A line as plain text: "[CRITICAL] HighCPU host=web-1 = 93.2 — CPU is hot (firing since …)". */
export function plainLine(l: AlertLine): string {
  return `[${l.severity}] ${l.rule}${l.labels ? ` ${l.labels}` : ''}${l.value !== null ? ` = ${l.value}` : ''}${l.summary ? ` — ${l.summary}` : ''} (${l.when})`;
}

/** The whole message as plain text (email text part, fallbacks). */
export function plainText(n: RenderedNotification): string {
  const d = digest(n);
  const out = [n.title, '', ...d.lines.map((l) => `• ${plainLine(l)}`)];
  if (d.more > 0) out.push(`… and ${d.more} more`);
  if (d.link) out.push('', `Wheelhouse: ${d.link}`);
  return out.join('\n');
}

/** Escapes text for HTML (email, Telegram's HTML parse mode). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A line in the HTML subset Telegram accepts (b, i, code, a) and email uses. */
export function htmlLine(l: AlertLine): string {
  const labels = l.labels ? ` <code>${escapeHtml(l.labels)}</code>` : '';
  const value = l.value !== null ? ` = ${escapeHtml(l.value)}` : '';
  const summary = l.summary ? ` — ${escapeHtml(l.summary)}` : '';
  return `<b>[${escapeHtml(l.severity)}]</b> ${escapeHtml(l.rule)}${labels}${value}${summary} <i>(${escapeHtml(l.when)})</i>`;
}

/** Escapes text for Slack mrkdwn (only &, <, > are special). */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes Discord markdown and defuses mentions. */
export function escapeDiscord(s: string): string {
  return s.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/@/g, '@\u200b');
}

/** Cuts `s` to at most `max` characters, marking the cut. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
