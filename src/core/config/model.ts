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
  services: ServiceSpec[];
}

/** Flags and environment that override the file. */
export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
}
