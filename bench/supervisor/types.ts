/** The contract each process manager under test (Wheelhouse, PM2, supervisord) implements for the benchmark. */

/** One service to manage: a Node script, its port (web services) and extra environment. */
export interface ServiceDef {
  name: string;
  /** Absolute path of the .mjs script run with this Node. */
  script: string;
  /** Port it listens on (given as PORT), or null for a service without one. */
  port: number | null;
  env: Record<string, string>;
  /** Health-probe it (web services) where the manager supports probes. */
  probe: boolean;
  /** Its output must not be rotated during the run (the stdout capture writer). */
  bigLog: boolean;
}

/** Shared settings of one benchmark run. */
export interface RunContext {
  /** Repository root. */
  repo: string;
  /** Environment for everything the benchmark starts; carries the run marker. */
  env: NodeJS.ProcessEnv;
  /** Marker variable name and value, for the final sweep of stray processes. */
  marker: { key: string; value: string };
}

/** A running instance of a manager, launched with a set of services. */
export interface Session {
  /** Resolves when the launch command has finished (PM2's CLI); at once for foreground managers. */
  readonly launched: Promise<void>;
  /** Rejects if the manager fails (launch command fails, manager process exits) before `shutdown`; never resolves. */
  readonly failed: Promise<never>;
  /** Whether the manager itself is up, i.e. its API port or control socket exists (for the cold-start split). */
  isUp(): Promise<boolean>;
  /** Pid of the service's process as the manager reports it, or null when it has none. */
  pidOf(name: string): Promise<number | null>;
  /** Pid of the manager process itself (hub, PM2 God daemon, supervisord). */
  managerPid(): Promise<number | null>;
  /** "stop all" through the tool's CLI; resolves when the CLI returns. */
  stopAll(): Promise<void>;
  /** "start all" through the tool's CLI; resolves when the CLI returns. */
  startAll(): Promise<void>;
  /** The service's state in the manager's own words (errored, FATAL, …). */
  status(name: string): Promise<string>;
  /** Where the manager keeps the service's captured stdout. */
  output(name: string): Promise<CapturedOutput>;
  /** Stops the manager and every service it runs; safe to call twice. */
  shutdown(): Promise<void>;
}

/** A service's captured stdout as the manager stored it: a log file, or a log store behind an API. */
export interface CapturedOutput {
  /** File path or URL, for the report. */
  readonly where: string;
  /** What `stored` counts: bytes of a log file, or entries in a log store. */
  readonly unit: 'bytes' | 'lines';
  /** Cheap, polled: how much is stored so far. */
  stored(): Promise<number>;
  /** Every stored stdout line, in stored order. */
  lines(): AsyncIterable<string> | Iterable<string>;
}

/** A manager under test. */
export interface ManagerKind {
  readonly name: 'wheelhouse' | 'pm2' | 'supervisord';
  /** Null when it can run here, else why not. */
  missing(ctx: RunContext): string | null;
  /** Writes a fresh instance's config into `dir` (untimed), ready to cold-start with `services` autostarted. */
  prepare(ctx: RunContext, dir: string, services: ServiceDef[]): Promise<Launcher>;
}

/** A prepared instance: `start` is the timed part of a cold start. */
export interface Launcher {
  /** Launches the manager (hub process, `pm2 start ecosystem`, `supervisord -c`) and returns at once. */
  start(): Session;
}
