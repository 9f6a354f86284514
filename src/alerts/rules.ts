/**
 * Alert rules: the built-in defaults (seed 002 "Configured Alerts"), validation of rules
 * made through the API (the config's JSON schema plus the checks a rule kind needs), the
 * precedence of the three origins, and the rule as the API shows it.
 */
import type { AlertRuleSpec } from '../core/config/index.js';
import { ruleSpec } from '../core/config/monitoring.js';
import { AppError } from '../core/errors.js';
import { levelCode, parseLevel } from '../logs/index.js';
import { metricNamePattern } from '../metrics/series.js';
import { formatMs } from './labels.js';

/** Where a rule comes from; later origins replace earlier ones of the same name. */
export type RuleOrigin = 'default' | 'config' | 'api';

/** A rule in force. */
export type RuleEntry = AlertRuleSpec & { origin: RuleOrigin };

type RawRule = Parameters<typeof ruleSpec>[0];

/** The built-in rules: host CPU, memory, disk; service down, unhealthy, crash loop; agent silent. */
export const defaultRuleDefinitions: RawRule[] = [
  {
    name: 'HighCPU', kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 80, for: '5m', severity: 'warning',
    annotations: { summary: 'CPU usage on {{host}} is {{value}}% (above {{threshold}}% for {{for}})' },
  },
  {
    name: 'HighMemory', kind: 'metric', metric: 'memory_percent', match: { host: '*' }, op: '>', threshold: 90, for: '5m', severity: 'warning',
    annotations: { summary: 'Memory usage on {{host}} is {{value}}% (above {{threshold}}% for {{for}})' },
  },
  {
    name: 'HighDisk', kind: 'metric', metric: 'disk_used_percent', match: { host: '*' }, op: '>', threshold: 85, for: '1m', severity: 'warning',
    annotations: { summary: 'Disk {{mount}} on {{host}} is {{value}}% full (above {{threshold}}% for {{for}})' },
  },
  {
    name: 'ServiceDown', kind: 'service_down', service: '*', for: '1m', severity: 'critical',
    annotations: { summary: 'Service {{service}} should be running but is down (for {{for}})' },
  },
  {
    name: 'ServiceUnhealthy', kind: 'health', service: '*', for: '2m', severity: 'warning',
    annotations: { summary: 'Service {{service}} has failed its health check for {{for}}' },
  },
  {
    name: 'CrashLoop', kind: 'crash_loop', service: '*', severity: 'critical',
    annotations: { summary: 'Service {{service}} is crash-looping; the supervisor gave up restarting it' },
  },
  {
    name: 'AgentSilent', kind: 'agent_silent', host: '*', intervals: 3, severity: 'critical',
    annotations: { summary: 'Host {{host}} has not reported for {{value}}s ({{intervals}} report intervals)' },
  },
];

/** The built-in rules, normalized. */
export function defaultRules(): AlertRuleSpec[] {
  return defaultRuleDefinitions.map(ruleSpec);
}

/** Rules in force: defaults (when enabled), replaced by config rules of the same name, replaced by API rules. */
export function effectiveRules(defaults: boolean, config: readonly AlertRuleSpec[], api: ReadonlyMap<string, AlertRuleSpec>): RuleEntry[] {
  const byName = new Map<string, RuleEntry>();
  if (defaults) for (const r of defaultRules()) byName.set(r.name, { ...r, origin: 'default' });
  for (const r of config) byName.set(r.name, { ...r, origin: 'config' });
  for (const r of api.values()) byName.set(r.name, { ...r, origin: 'api' });
  return [...byName.values()];
}

/** The schema check, loaded by the first rule to check (see rule-schema.ts). */
let ruleSchema: Promise<typeof import('./rule-schema.js')> | undefined;

/**
 * Validates a rule as the config file would (schema, then what its kind needs) and
 * normalizes it. Throws request/invalid naming the field: `rule.threshold: a metric rule needs "threshold"`.
 */
export async function validateRule(raw: unknown): Promise<{ spec: AlertRuleSpec; definition: Record<string, unknown> }> {
  const { schemaProblems } = await (ruleSchema ??= import('./rule-schema.js'));
  const wrong = schemaProblems(raw);
  if (wrong !== undefined) throw invalid(wrong);
  const r = raw as RawRule;
  const problems = kindProblems(r);
  if (problems.length) throw invalid(problems.join('; '));
  const { name: _name, ...definition } = r as Record<string, unknown>;
  return { spec: ruleSpec(r), definition };
}

/** Problems with the fields a rule's kind needs (beyond the schema): for rules from the API and the config alike. */
export function kindProblems(r: RawRule): string[] {
  const out: string[] = [];
  const need = (field: keyof RawRule): void => {
    if (r[field] === undefined) out.push(`rule.${String(field)}: a ${r.kind} rule needs "${String(field)}"`);
  };
  if (r.kind === 'metric') {
    need('metric');
    need('op');
    need('threshold');
    if (r.metric !== undefined && !metricNamePattern.test(r.metric)) out.push(`rule.metric: "${r.metric}" is not a metric name (letters, digits, "_" and ":")`);
  }
  if (r.kind === 'log_pattern') {
    if (r.query === undefined && r.level === undefined) out.push('rule.query: a log_pattern rule needs "query" or "level"');
    need('threshold');
    if (r.query !== undefined && !/[\p{L}\p{N}]/u.test(r.query)) out.push('rule.query: must contain at least one word');
    if (r.level !== undefined && !parseLevel(r.level)) out.push(`rule.level: unknown level "${r.level}"; use ${Object.keys(levelCode).join(', ')}`);
  }
  if (r.window !== undefined && (r.window === 0 || r.window === '0s' || /^0+(\.0+)?(ms|s|m|h|d)$/.test(String(r.window)))) out.push('rule.window: must be longer than 0');
  return out;
}

/** A rule as the API shows it. */
export interface RuleView {
  name: string;
  kind: AlertRuleSpec['kind'];
  origin: RuleOrigin;
  severity: string;
  for: string;
  metric?: string | null;
  match?: Record<string, string>;
  op?: string;
  threshold?: number;
  service?: string;
  host?: string;
  intervals?: number;
  query?: string | null;
  level?: string | null;
  window?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A rule as the API shows it: the config file's field names, durations as text, only the fields its kind uses. */
export function ruleView(r: RuleEntry): RuleView {
  const base: Omit<RuleView, 'labels' | 'annotations'> = { name: r.name, kind: r.kind, origin: r.origin, severity: r.severity, for: formatMs(r.forMs) };
  switch (r.kind) {
    case 'metric':
      Object.assign(base, { metric: r.metric, match: r.match, op: r.op, threshold: r.threshold });
      break;
    case 'service_down':
    case 'health':
    case 'crash_loop':
      Object.assign(base, { service: r.service, match: r.match });
      break;
    case 'agent_silent':
      Object.assign(base, { host: r.host, intervals: r.intervals, match: r.match });
      break;
    case 'log_pattern':
      Object.assign(base, { query: r.query, level: r.level, service: r.service, window: formatMs(r.windowMs), op: r.op, threshold: r.threshold });
      break;
  }
  return { ...base, labels: r.labels, annotations: r.annotations };
}

function invalid(message: string): AppError {
  return new AppError('request/invalid', `invalid rule: ${message}`);
}
