/**
 * Alert identity and text: the labels of a metric source, an alert's fingerprint, its full
 * label set, and annotation templates ({{host}}, {{value}}, {{threshold}}, {{labels.x}}).
 */
import { createHash } from 'node:crypto';
import type { AlertRuleSpec } from '../core/config/index.js';

/** Label names of a source kind (`host:web-1` → host=web-1); scrape targets are Prometheus jobs. */
const sourceLabelName: Record<string, string> = { host: 'host', service: 'service', scrape: 'job' };

/** The labels a metric source stands for: `host:web-1` → { host: 'web-1' }. */
export function sourceLabels(source: string): Record<string, string> {
  const colon = source.indexOf(':');
  if (colon <= 0) return { source };
  const kind = source.slice(0, colon);
  const name = sourceLabelName[kind] ?? (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(kind) ? kind : 'source');
  return { [name]: name === 'source' ? source : source.slice(colon + 1) };
}

/**
 * Stable id of one alert: a hash of the rule name and the labels that tell its instances
 * apart (host, service, mount…). The rule's own labels and severity are left out, so
 * editing them keeps the alert's identity.
 */
export function fingerprint(rule: string, instance: Record<string, string>): string {
  const h = createHash('sha256').update(rule);
  for (const k of Object.keys(instance).sort()) h.update(`\u0000${k}\u0001${instance[k]}`);
  return h.digest('hex').slice(0, 16);
}

/** The full label set of an alert: its instance labels, the rule's labels, alertname and severity. */
export function alertLabels(rule: AlertRuleSpec, instance: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { alertname: rule.name, severity: rule.severity, ...instance, ...rule.labels };
  // Neither the data nor the rule's labels may rename the alert or change its severity.
  out.alertname = rule.name;
  out.severity = rule.severity;
  return out;
}

/** A value for text: at most two decimals. */
export function formatValue(v: number | null): string {
  if (v === null) return '';
  if (!Number.isFinite(v)) return String(v);
  return String(Math.round(v * 100) / 100);
}

/**
 * Fills `{{name}}` placeholders: value, threshold, op, metric, window, for, intervals, rule, labels.x, and any
 * label by its name (host, service, mount…). Unknown names become empty text.
 */
export function renderTemplate(template: string, rule: AlertRuleSpec, labels: Record<string, string>, value: number | null): string {
  return template.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (_m, name: string) => {
    switch (name) {
      case 'value':
        return formatValue(value);
      case 'threshold':
        return formatValue(rule.threshold);
      case 'op':
        return rule.op;
      case 'metric':
        return rule.metric ?? '';
      case 'window':
        return formatMs(rule.windowMs);
      case 'for':
        return formatMs(rule.forMs);
      case 'intervals':
        return String(rule.intervals);
      case 'rule':
        return rule.name;
    }
    const key = name.startsWith('labels.') ? name.slice(7) : name;
    return labels[key] ?? '';
  });
}

/** The annotations of an alert: the rule's templates filled in, with a summary when the rule has none. */
export function renderAnnotations(rule: AlertRuleSpec, labels: Record<string, string>, value: number | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(rule.annotations)) out[k] = renderTemplate(t, rule, labels, value);
  out.summary ??= defaultSummary(rule, labels, value);
  return out;
}

function defaultSummary(rule: AlertRuleSpec, labels: Record<string, string>, value: number | null): string {
  const where = Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity' && !(k in rule.labels))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const on = where ? ` (${where})` : '';
  switch (rule.kind) {
    case 'metric':
      return `${rule.metric} is ${formatValue(value)}, ${rule.op} ${formatValue(rule.threshold)}${on}`;
    case 'service_down':
      return `service ${labels.service ?? ''} is down`;
    case 'health':
      return `service ${labels.service ?? ''} is unhealthy`;
    case 'crash_loop':
      return `service ${labels.service ?? ''} is crash-looping and was given up on`;
    case 'agent_silent':
      return `host ${labels.host ?? ''} has not reported for ${formatValue(value)}s`;
    case 'log_pattern':
      return `${formatValue(value)} matching log lines in ${formatMs(rule.windowMs)}, ${rule.op} ${formatValue(rule.threshold)}${on}`;
  }
}

/** Milliseconds as the shortest exact duration text: 300000 → "5m", 1500 → "1500ms". */
export function formatMs(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
