/** wheelhouse.yaml sections for metrics, agents, scrape targets, alerts and notifications. */
import { Type } from 'typebox';

const Duration = Type.Union([Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' }), Type.Integer({ minimum: 0 })], {
  description: 'A duration: "250ms", "10s", "5m", "1h", "1d", or milliseconds as a number.',
});
const Labels = Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String(), { description: 'Label names: letters, digits and "_".' });
const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' });

/** metrics: retention per resolution. */
export const MetricsSettings = Type.Object(
  {
    raw_retention: Type.Optional(Duration),
    minute_retention: Type.Optional(Duration),
    hour_retention: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

/** agents: the mutual-TLS listener agents report to, and how hosts are judged. */
export const AgentSettings = Type.Object(
  {
    listen_host: Type.Optional(Type.String({ description: 'Address of the TLS listener for agents (default 0.0.0.0).' })),
    listen_port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Port of the TLS listener; absent: no TLS listener (agents use API keys over the main API).' })),
    stale_after: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Missed intervals before a host is stale (default 2); offline after 3× that.' })),
    max_reports_per_minute: Type.Optional(Type.Integer({ minimum: 1, description: 'Per-host rate limit (default 120).' })),
  },
  { additionalProperties: false },
);

/** scrape: Prometheus text endpoints the hub reads (node_exporter and friends). */
export const ScrapeTarget = Type.Object(
  {
    name: Name,
    url: Type.String({ pattern: '^https?://', description: 'An http(s) URL serving the Prometheus text format.' }),
    interval: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
    labels: Type.Optional(Labels),
    /** Only series whose name matches one of these regexes are kept (default: all). */
    keep: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

const Comparator = Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<'), Type.Literal('<='), Type.Literal('=='), Type.Literal('!=')]);
const Severity = Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]);

/** One alert rule. `kind` says what it watches. */
export const AlertRule = Type.Object(
  {
    name: Name,
    kind: Type.Union(
      [Type.Literal('metric'), Type.Literal('service_down'), Type.Literal('health'), Type.Literal('crash_loop'), Type.Literal('agent_silent'), Type.Literal('log_pattern')],
      { description: 'metric: a threshold on a series; service_down / health / crash_loop: a service; agent_silent: a host that stopped reporting; log_pattern: matching log lines in a window.' },
    ),
    metric: Type.Optional(Type.String({ description: 'metric: the series name, e.g. cpu_percent.' })),
    match: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Label values the series (or service, host) must have; "*" or absent: any.' })),
    op: Type.Optional(Comparator),
    threshold: Type.Optional(Type.Number()),
    for: Type.Optional(Duration),
    service: Type.Optional(Type.String({ description: 'service_down / health / crash_loop / log_pattern: a service name or "*".' })),
    host: Type.Optional(Type.String({ description: 'agent_silent: a host id or "*".' })),
    intervals: Type.Optional(Type.Integer({ minimum: 1, description: 'agent_silent: missed report intervals (default 3).' })),
    query: Type.Optional(Type.String({ description: 'log_pattern: words that must occur (full-text).' })),
    level: Type.Optional(Type.String({ description: 'log_pattern: at least this level.' })),
    window: Type.Optional(Duration),
    severity: Type.Optional(Severity),
    labels: Type.Optional(Labels),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Templates: {{host}}, {{service}}, {{value}}, {{threshold}}, {{labels.x}}.' })),
  },
  { additionalProperties: false },
);

/** One notification channel. */
export const Channel = Type.Object(
  {
    name: Name,
    type: Type.Union([Type.Literal('webhook'), Type.Literal('slack'), Type.Literal('discord'), Type.Literal('email'), Type.Literal('telegram')]),
    url: Type.Optional(Type.String({ description: 'webhook, slack, discord: the URL to POST to (may be ${env:NAME}).' })),
    secret: Type.Optional(Type.String({ description: 'webhook: HMAC-SHA256 key for the X-Wheelhouse-Signature header.' })),
    smtp: Type.Optional(
      Type.Object(
        {
          host: Type.String(),
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          secure: Type.Optional(Type.Boolean()),
          user: Type.Optional(Type.String()),
          password: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    bot_token: Type.Optional(Type.String({ description: 'telegram: the bot token.' })),
    chat_id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    api_url: Type.Optional(Type.String({ description: 'telegram: API base (default https://api.telegram.org).' })),
    timeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

/** alerts: rules, grouping, channels, routes, maintenance windows. */
export const AlertSettings = Type.Object(
  {
    defaults: Type.Optional(Type.Boolean({ description: 'Include the built-in rules (CPU, memory, disk, service down, health, crash loop, agent silent). Default true.' })),
    rules: Type.Optional(Type.Array(AlertRule)),
    group_by: Type.Optional(Type.Array(Type.String())),
    group_wait: Type.Optional(Duration),
    group_interval: Type.Optional(Duration),
    repeat_interval: Type.Optional(Duration),
    channels: Type.Optional(Type.Array(Channel)),
    routes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            match: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Label values (severity included) an alert must have; absent: every alert.' })),
            channels: Type.Array(Name, { minItems: 1 }),
            continue: Type.Optional(Type.Boolean({ description: 'Keep looking at later routes after this one matched.' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    maintenance: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Name,
            starts_at: Type.String({ description: 'ISO 8601' }),
            ends_at: Type.String({ description: 'ISO 8601' }),
            match: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
