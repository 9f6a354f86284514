/**
 * The shape of wheelhouse.yaml, as a JSON Schema built with TypeBox. The same schema
 * validates the file, types the loaded config and is published as
 * schema/wheelhouse.schema.json for editors.
 */
import { Type, type Static } from 'typebox';
import { AuthSettings } from './schema-auth.js';
import { AgentSettings, AlertSettings, MetricsSettings, ScrapeTarget } from './schema-monitoring.js';

/** "250ms", "10s", "5m", "1h" or a number of milliseconds. */
export const Duration = Type.Union(
  [Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' }), Type.Integer({ minimum: 0 })],
  { description: 'A duration: "250ms", "10s", "5m", "1h", "1d", or milliseconds as a number.' },
);

/** "512KB", "10MB", "1GB" or a number of bytes. */
export const Size = Type.Union(
  [Type.String({ pattern: '^\\d+(\\.\\d+)?(B|KB|MB|GB)$' }), Type.Integer({ minimum: 0 })],
  { description: 'A size: "512KB", "10MB", "1GB", or bytes as a number.' },
);

const ServiceName = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'Lower-case letters, digits, "-" and "_"; "all" is reserved.',
});

const Command = Type.Union(
  [Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })],
  { description: 'A shell command line, or an argv array run without a shell.' },
);

const HealthCheck = Type.Object(
  {
    http: Type.Optional(Type.String({ pattern: '^https?://', description: 'An http:// or https:// URL that answers 2xx (and, when JSON, a healthy "status").' })),
    tcp: Type.Optional(Type.String({ pattern: '^[^:]+:\\d+$', description: 'A host:port that accepts a TCP connection.' })),
    command: Type.Optional(Command),
    interval: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
    failures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Consecutive failures before unhealthy.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const RestartPolicy = Type.Object(
  {
    policy: Type.Optional(Type.Union([Type.Literal('always'), Type.Literal('on-failure'), Type.Literal('never')])),
    backoff: Type.Optional(Duration),
    max_backoff: Type.Optional(Duration),
    stable_after: Type.Optional(Duration),
    crash_loop_exits: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    crash_loop_window: Type.Optional(Duration),
    max_memory: Type.Optional(Size),
    schedule: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Restart on this cron schedule, local time (5 fields, or 6 with seconds first), like PM2\'s cron_restart: "0 4 * * *".' }),
    ),
  },
  { additionalProperties: false },
);

const StopPolicy = Type.Object(
  {
    signal: Type.Optional(
      Type.Union(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'].map((s) => Type.Literal(s))),
    ),
    grace: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

const LogFiles = Type.Object(
  {
    files: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Log files to tail into the log store: globs relative to the service cwd, e.g. logs/*.log.' }),
    ),
  },
  { additionalProperties: false },
);

const LogSettings = Type.Object(
  {
    retention: Type.Optional(Duration),
    max_size: Type.Optional(Size),
    max_message: Type.Optional(Size),
    max_queue: Type.Optional(Type.Integer({ minimum: 100, description: 'Entries waiting for a commit before ingest answers 429.' })),
    ingest_body_limit: Type.Optional(Size),
  },
  { additionalProperties: false },
);

const HistorySettings = Type.Object(
  {
    retention: Type.Optional(Duration),
    audit_retention: Type.Optional(Duration),
  },
  {
    additionalProperties: false,
    description: 'How long service events, alert history and notification deliveries (retention, default 90d) and the audit trail (audit_retention, default 365d) are kept; 0 keeps them for good.',
  },
);

/** Restart on file changes (PM2's watch): `true` watches the cwd; or the paths and what to leave out. */
const Watch = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        paths: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Files or directories to watch, relative to the cwd; default the cwd.' })),
        ignore: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), { description: 'Names of files or directories never to watch, at any depth, or "*.ext" for an extension; default node_modules, .git, logs and *.log.' }),
        ),
        debounce: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Restart the service when a watched file changes (for development).' },
);

const EnvMap = Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.Union([Type.String(), Type.Number(), Type.Boolean()]));

/** One supervised service. */
export const ServiceSchema = Type.Object(
  {
    display_name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    command: Command,
    prod_command: Type.Optional(Command),
    cwd: Type.Optional(Type.String({ description: 'Working directory, relative to the config file.' })),
    env: Type.Optional(EnvMap),
    prod_env: Type.Optional(EnvMap),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    autostart: Type.Optional(Type.Boolean()),
    depends_on: Type.Optional(Type.Array(ServiceName, { uniqueItems: true })),
    health: Type.Optional(HealthCheck),
    restart: Type.Optional(RestartPolicy),
    stop: Type.Optional(StopPolicy),
    logs: Type.Optional(LogFiles),
    watch: Type.Optional(Watch),
    visible: Type.Optional(Type.Boolean()),
    admin_only: Type.Optional(Type.Boolean()),
    display_order: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

/** The whole file. */
export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    hub: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          data_dir: Type.Optional(Type.String({ minLength: 1 })),
          body_limit: Type.Optional(Size),
          sample_interval: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    store: Type.Optional(
      Type.Object(
        {
          kind: Type.Optional(Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')])),
          url: Type.Optional(Type.String({ description: 'postgres://… (for kind: postgres). May be ${env:NAME}.' })),
        },
        { additionalProperties: false },
      ),
    ),
    system: Type.Optional(
      Type.Object(
        {
          environment: Type.Optional(Type.String()),
          log_level: Type.Optional(
            Type.Union(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => Type.Literal(l))),
          ),
          hostname: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    logs: Type.Optional(LogSettings),
    history: Type.Optional(HistorySettings),
    metrics: Type.Optional(MetricsSettings),
    agents: Type.Optional(AgentSettings),
    scrape: Type.Optional(Type.Array(ScrapeTarget)),
    alerts: Type.Optional(AlertSettings),
    auth: Type.Optional(AuthSettings),
    services: Type.Optional(Type.Record(ServiceName, ServiceSchema, { additionalProperties: false })),
  },
  { additionalProperties: false, title: 'Wheelhouse configuration' },
);

/** The schema as published in schema/wheelhouse.schema.json, with its identity for editors. */
export function publishedSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://wheelhouse.dev/schema/wheelhouse.schema.json',
    ...(JSON.parse(JSON.stringify(ConfigSchema)) as object),
  };
}

/** The file as written (before defaults). */
export type RawConfig = Static<typeof ConfigSchema>;
/** One service as written. */
export type RawService = Static<typeof ServiceSchema>;
