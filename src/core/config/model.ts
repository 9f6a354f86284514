/** The loaded configuration: defaults applied, units parsed, paths absolute. */

/** How a command is run: directly (argv) or through /bin/sh. */
export type CommandSpec = { kind: 'argv'; argv: string[] } | { kind: 'shell'; line: string };

/** One health probe: exactly one kind with its target. */
export type ProbeSpec =
  | { kind: 'http'; url: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'command'; command: CommandSpec };

/** Health probing of one service. */
export interface HealthSpec {
  probe: ProbeSpec;
  intervalMs: number;
  timeoutMs: number;
  failures: number;
}

/** When and how fast to restart a service that exited. */
export interface RestartSpec {
  policy: 'always' | 'on-failure' | 'never';
  backoffMs: number;
  maxBackoffMs: number;
  /** A run at least this long counts as stable: the next crash restarts at once and resets the backoff. */
  stableAfterMs: number;
  crashLoopExits: number;
  crashLoopWindowMs: number;
  /** Restart the service when its process family's resident memory passes this many bytes (PM2's max_memory_restart); null: no limit. */
  maxMemoryBytes: number | null;
  /** Restart on this cron schedule (local time) while running; null: never. */
  schedule: string | null;
}

/** Files whose changes restart a service. */
export interface WatchSpec {
  /** Absolute files or directories. */
  paths: string[];
  /** File or directory names skipped at any depth. */
  ignore: string[];
  /** Changes within this long of each other make one restart. */
  debounceMs: number;
}

/** One supervised service. */
export interface ServiceSpec {
  name: string;
  displayName: string;
  description: string;
  command: CommandSpec;
  prodCommand: CommandSpec | null;
  cwd: string;
  env: Record<string, string>;
  prodEnv: Record<string, string>;
  port: number | null;
  autostart: boolean;
  dependsOn: string[];
  health: HealthSpec | null;
  restart: RestartSpec;
  stop: { signal: NodeJS.Signals; graceMs: number };
  /** Globs (absolute) of log files to tail into the log store. */
  logFiles: string[];
  /** Restart on file changes; null: not watched. */
  watch: WatchSpec | null;
  visible: boolean;
  adminOnly: boolean;
  displayOrder: number;
}

/** The hub's own settings. */
export interface HubSettings {
  host: string;
  port: number;
  dataDir: string;
  bodyLimit: number;
  sampleIntervalMs: number;
}

/** The central log store. */
export interface LogStoreSettings {
  retentionMs: number;
  maxBytes: number;
  maxMessageBytes: number;
  maxQueued: number;
  ingestBodyLimit: number;
}

/** Which store backend to open. */
export type StoreSettings = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

/** Everything the hub is built from. */
export interface Config {
  /** Absolute path of the file it came from, or null when running without one. */
  file: string | null;
  hub: HubSettings;
  store: StoreSettings;
  system: { environment: string; logLevel: string; hostname: string };
  logs: LogStoreSettings;
  history: HistorySettings;
  metrics: MetricSettings;
  agents: AgentSettings;
  scrape: ScrapeTargetSpec[];
  alerts: AlertingSettings;
  auth: AuthConfig;
  services: ServiceSpec[];
}

/** Flags and environment that override the file. */
export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
}

/** How long the store keeps its records of what happened; 0 keeps them for good. */
export interface HistorySettings {
  /** Service events, alert history and notification deliveries. */
  retentionMs: number;
  /** The audit trail. */
  auditRetentionMs: number;
}

/** Retention of each metric resolution. */
export interface MetricSettings {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

/** The agents' listener and host judgement. */
export interface AgentSettings {
  /** The mutual-TLS listener for agents; null when not configured. */
  listen: { host: string; port: number } | null;
  /** Missed intervals before a host is stale; offline after three times that. */
  staleAfter: number;
  maxReportsPerMinute: number;
}

/** A Prometheus text endpoint the hub scrapes. */
export interface ScrapeTargetSpec {
  name: string;
  url: string;
  intervalMs: number;
  timeoutMs: number;
  labels: Record<string, string>;
  /** Series-name regexes to keep; empty keeps all. */
  keep: string[];
}

/** Alert severity. */
export type SeverityName = 'critical' | 'warning' | 'info';

/** One alert rule (see schema-monitoring.ts for the meaning of each field per kind). */
export interface AlertRuleSpec {
  name: string;
  kind: 'metric' | 'service_down' | 'health' | 'crash_loop' | 'agent_silent' | 'log_pattern';
  metric: string | null;
  match: Record<string, string>;
  op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  threshold: number;
  forMs: number;
  service: string;
  host: string;
  intervals: number;
  query: string | null;
  level: string | null;
  windowMs: number;
  severity: SeverityName;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One notification channel. */
export interface ChannelSpec {
  name: string;
  type: 'webhook' | 'slack' | 'discord' | 'email' | 'telegram';
  url: string | null;
  secret: string | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; password: string | null } | null;
  from: string | null;
  to: string[];
  botToken: string | null;
  chatId: string | null;
  apiUrl: string;
  timeoutMs: number;
}

/** Where alerts go: the first matching route (and later ones while `continue`). */
export interface RouteSpec {
  match: Record<string, string>;
  channels: string[];
  continue: boolean;
}

/** A window in which matching alerts are not notified. */
export interface MaintenanceSpec {
  name: string;
  startsAt: number;
  endsAt: number;
  match: Record<string, string>;
}

/** Alerting as configured. */
export interface AlertingSettings {
  defaults: boolean;
  rules: AlertRuleSpec[];
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  channels: ChannelSpec[];
  routes: RouteSpec[];
  maintenance: MaintenanceSpec[];
}

/** How people sign in (section `auth`). */
export interface AuthConfig {
  sessionTtlMs: number;
  sessionIdleMs: number;
  passwordMinLength: number;
  loginAttemptsPerMinute: number;
  /** null: decide from the request (Secure when it came over TLS). */
  cookieSecure: boolean | null;
  publicUrl: string | null;
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret: string | null;
    scopes: string[];
    groupsClaim: string;
    roleMap: Record<string, 'admin' | 'operator' | 'viewer'>;
    defaultRole: 'admin' | 'operator' | 'viewer' | null;
  } | null;
  keycloak: { url: string; realm: string; adminRealm: string; adminUser: string; adminPassword: string; clientId: string } | null;
}
