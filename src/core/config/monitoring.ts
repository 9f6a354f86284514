/** Normalizing and cross-checking the metrics, agents, scrape and alerts sections. */
import { parseDuration } from '../units.js';
import type { AgentSettings, AlertingSettings, AlertRuleSpec, ChannelSpec, MetricSettings, ScrapeTargetSpec } from './model.js';
import type { RawConfig } from './schema.js';
import type { ConfigIssue } from './validate.js';

type Raw = NonNullable<RawConfig>;
const ms = (v: string | number | undefined, fallback: string): number => parseDuration(v ?? fallback)!;

/** Problems the schema cannot see: references between channels and routes, fields a rule kind needs. */
export function monitoringIssues(raw: Raw): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const alerts = raw.alerts;
  const channelNames = new Set<string>();
  (alerts?.channels ?? []).forEach((c, i) => {
    const at = ['alerts', 'channels', i];
    if (channelNames.has(c.name)) issues.push({ path: [...at, 'name'], message: `duplicate channel name "${c.name}"` });
    channelNames.add(c.name);
    const need = (field: keyof typeof c, why: string): void => {
      if (c[field] === undefined) issues.push({ path: at, message: `a ${c.type} channel needs "${String(field)}" (${why})` });
    };
    if (c.type === 'webhook' || c.type === 'slack' || c.type === 'discord') need('url', 'where to POST');
    if (c.type === 'email') {
      need('smtp', 'the SMTP server');
      need('from', 'the sender address');
      need('to', 'the recipients');
    }
    if (c.type === 'telegram') {
      need('bot_token', 'from @BotFather');
      need('chat_id', 'the chat to post to');
    }
  });
  (alerts?.routes ?? []).forEach((r, i) =>
    r.channels.forEach((name, j) => {
      if (!channelNames.has(name)) issues.push({ path: ['alerts', 'routes', i, 'channels', j], message: `unknown channel "${name}"` });
    }),
  );
  const ruleNames = new Set<string>();
  (alerts?.rules ?? []).forEach((r, i) => {
    const at = ['alerts', 'rules', i];
    if (ruleNames.has(r.name)) issues.push({ path: [...at, 'name'], message: `duplicate rule name "${r.name}"` });
    ruleNames.add(r.name);
    const need = (field: keyof typeof r): void => {
      if (r[field] === undefined) issues.push({ path: at, message: `a ${r.kind} rule needs "${String(field)}"` });
    };
    if (r.kind === 'metric') (need('metric'), need('op'), need('threshold'));
    if (r.kind === 'log_pattern') {
      if (r.query === undefined && r.level === undefined) issues.push({ path: at, message: 'a log_pattern rule needs "query" or "level"' });
      need('threshold');
    }
  });
  (alerts?.maintenance ?? []).forEach((m, i) => {
    const start = Date.parse(m.starts_at);
    const end = Date.parse(m.ends_at);
    if (Number.isNaN(start)) issues.push({ path: ['alerts', 'maintenance', i, 'starts_at'], message: 'not an ISO 8601 time' });
    if (Number.isNaN(end)) issues.push({ path: ['alerts', 'maintenance', i, 'ends_at'], message: 'not an ISO 8601 time' });
    if (start >= end) issues.push({ path: ['alerts', 'maintenance', i], message: 'ends_at must be after starts_at' });
  });
  const targets = new Set<string>();
  (raw.scrape ?? []).forEach((t, i) => {
    if (targets.has(t.name)) issues.push({ path: ['scrape', i, 'name'], message: `duplicate scrape target "${t.name}"` });
    targets.add(t.name);
    for (const [j, re] of (t.keep ?? []).entries()) {
      try {
        new RegExp(re);
      } catch {
        issues.push({ path: ['scrape', i, 'keep', j], message: 'not a valid regular expression' });
      }
    }
  });
  return issues;
}

/** The metrics section with defaults: raw 6 h, 1-minute rollups 7 d, 1-hour rollups 90 d. */
export function metricSettings(raw: Raw): MetricSettings {
  return {
    rawMs: ms(raw.metrics?.raw_retention, '6h'),
    minuteMs: ms(raw.metrics?.minute_retention, '7d'),
    hourMs: ms(raw.metrics?.hour_retention, '90d'),
  };
}

/** The agents section with defaults. */
export function agentSettings(raw: Raw): AgentSettings {
  const a = raw.agents ?? {};
  return {
    listen: a.listen_port === undefined ? null : { host: a.listen_host ?? '0.0.0.0', port: a.listen_port },
    staleAfter: a.stale_after ?? 2,
    maxReportsPerMinute: a.max_reports_per_minute ?? 120,
  };
}

/** Scrape targets with defaults (15 s interval, 5 s timeout). */
export function scrapeTargets(raw: Raw): ScrapeTargetSpec[] {
  return (raw.scrape ?? []).map((t) => ({
    name: t.name,
    url: t.url,
    intervalMs: ms(t.interval, '15s'),
    timeoutMs: ms(t.timeout, '5s'),
    labels: t.labels ?? {},
    keep: t.keep ?? [],
  }));
}

/** The alerts section with defaults (grouping like Alertmanager, but no initial wait: alerts go out at once). */
export function alertingSettings(raw: Raw): AlertingSettings {
  const a = raw.alerts ?? {};
  return {
    defaults: a.defaults ?? true,
    rules: (a.rules ?? []).map(ruleSpec),
    groupBy: a.group_by ?? ['alertname', 'host', 'service'],
    groupWaitMs: ms(a.group_wait, '0s'),
    groupIntervalMs: ms(a.group_interval, '30s'),
    repeatIntervalMs: ms(a.repeat_interval, '4h'),
    channels: (a.channels ?? []).map(channelSpec),
    routes: (a.routes ?? []).map((r) => ({ match: r.match ?? {}, channels: r.channels, continue: r.continue ?? false })),
    maintenance: (a.maintenance ?? []).map((m) => ({ name: m.name, startsAt: Date.parse(m.starts_at), endsAt: Date.parse(m.ends_at), match: m.match ?? {} })),
  };
}

type RawRule = NonNullable<NonNullable<Raw['alerts']>['rules']>[number];
type RawChannel = NonNullable<NonNullable<Raw['alerts']>['channels']>[number];

/** One rule with defaults. Exported for rules created through the API. */
export function ruleSpec(r: RawRule): AlertRuleSpec {
  return {
    name: r.name,
    kind: r.kind,
    metric: r.metric ?? null,
    match: r.match ?? {},
    op: r.op ?? '>',
    threshold: r.threshold ?? 0,
    forMs: ms(r.for, '0s'),
    service: r.service ?? '*',
    host: r.host ?? '*',
    intervals: r.intervals ?? 3,
    query: r.query ?? null,
    level: r.level ?? null,
    windowMs: ms(r.window, '5m'),
    severity: r.severity ?? 'warning',
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
  };
}

function channelSpec(c: RawChannel): ChannelSpec {
  return {
    name: c.name,
    type: c.type,
    url: c.url ?? null,
    secret: c.secret ?? null,
    smtp: c.smtp ? { host: c.smtp.host, port: c.smtp.port ?? 587, secure: c.smtp.secure ?? false, user: c.smtp.user ?? null, password: c.smtp.password ?? null } : null,
    from: c.from ?? null,
    to: c.to ?? [],
    botToken: c.bot_token ?? null,
    chatId: c.chat_id === undefined ? null : String(c.chat_id),
    apiUrl: c.api_url ?? 'https://api.telegram.org',
    timeoutMs: ms(c.timeout, '10s'),
  };
}
