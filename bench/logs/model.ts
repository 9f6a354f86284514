/** What the logs benchmark measures, as written to bench/results/logs.json. */
import type { Children } from './children.js';
import type { Background } from './cpu.js';
import type { BuiltStore, FloorResult } from './floor.js';

/** Progress output (stderr, so the tables on stdout stay clean). */
export type Log = (message: string) => void;

/** One bulk ingest run through the hub (HTTP or OTLP). */
export interface BulkResult {
  path: 'http' | 'otlp';
  rows: number;
  batch: number;
  conns: number;
  /** Body bytes sent per run through the rows once. */
  bodyBytes: number;
  acked: number;
  rejected: number;
  requests: number;
  statuses: Record<string, number>;
  /** First send to last acknowledgement. */
  elapsedMs: number;
  linesPerSec: number;
  /** From the last acknowledgement until full-text search covers every stored entry. */
  ftsLagMs: number | null;
  /** CPU of the hub during the run (ms; all threads, and the main thread alone), and of the load generator. */
  hubCpuMs: number | null;
  hubMainCpuMs: number | null;
  loadgenCpuMs: number;
  /** Every try (the figures above are the chosen one's: the best undisturbed try, else the least disturbed), with the cores other processes used meanwhile. */
  tries?: { linesPerSec: number; otherCores: number }[];
}

/** The stdout capture path: a supervised service printing the rows as JSON lines. */
export interface StdoutResult {
  lines: number;
  /** The writer's own write loop. */
  writerLoopMs: number | null;
  /** From the writer's first line until the store holds all of them. */
  storedMs: number | null;
  /** … and until full-text search covers them. */
  searchableMs: number | null;
  linesPerSec: number | null;
  stored: number;
  lost: number;
  duplicated: number;
  /** Every try (the figures above are the chosen one's: the best undisturbed try, else the least disturbed). */
  tries?: { linesPerSec: number | null; lost: number; duplicated: number; otherCores: number }[];
}

/** One RSS sample of the hub during the soak. */
export interface RssSample {
  /** Seconds since the load started. */
  t: number;
  rssMb: number;
  acked: number;
  lastId: number;
  searchableUpTo: number;
  /** Entries in the store and their bytes (retention deletes the oldest beyond the soak's logs.max_size, see soakMaxBytes). */
  rows: number;
  bytes: number;
}

/** The memory soak. */
export interface SoakResult {
  durationS: number;
  /** The store's size limit (logs.max_size) during the soak, its largest sampled size, and when it first came within 10% of the limit (null: never). */
  maxBytes: number;
  maxStoreBytes: number;
  limitReachedAtS: number | null;
  idleMb: number;
  /** When the reference RSS is taken: 20 s into the load (a third of it for soaks under a minute). */
  refS: number;
  refMb: number | null;
  maxMb: number;
  endMb: number;
  /** end ≤ 1.2 × the reference RSS. */
  flat: boolean;
  linesPerSec: number;
  /** Entries not yet searchable at the end of the load. */
  ftsBacklogAtEnd: number;
  statuses: Record<string, number>;
  samples: RssSample[];
}

/** Latencies of one query, directly on the store and through the API. */
export interface QueryResult {
  name: string;
  kind: 'filtered' | 'full-text';
  /** Rows the first run returned (a check that the query finds what it should). */
  found: number;
  repoP50: number | null;
  repoP95: number | null;
  /** The total the API counts alongside every page (capped at 10,000): LogRepo.count. */
  repoCountP95: number | null;
  httpP50: number | null;
  httpP95: number | null;
}

/** A streamed export. */
export interface ExportResult {
  what: string;
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSec: number;
}

/** The queries on one store size. */
export interface QuerySuiteResult {
  store: BuiltStore;
  repeats: number;
  queries: QueryResult[];
  repoExport: ExportResult | null;
  httpExport: ExportResult | null;
  /** Checks that failed (a query that found the wrong thing), in words. */
  problems: string[];
}

/** Everything one run measured. */
export interface LogsResults {
  floor: FloorResult | null;
  http: BulkResult | null;
  otlp: BulkResult | null;
  stdout: StdoutResult | null;
  soak: SoakResult | null;
  queries: QuerySuiteResult[];
  /** What this run and the rest of the machine used during each part (cores), and others just before it. */
  background: Record<string, Background & { otherBefore: number }>;
  /** Per-phase top functions of the hub's CPU profiles (with --profile). */
  profiles: Record<string, string[]>;
  skipped: string[];
  errors: string[];
}

/** Shared settings of one run. */
export interface RunContext {
  /** Repository root (the bench's own scripts: load generator, stdout writer). */
  repo: string;
  /** The run's copy of the build (dist/, schema/, package.json): every hub and the floor run it. */
  app: string;
  /** Hub configs and logs, load generator logs, profiles: kept when the run fails. */
  logDir: string;
  /** Stores and batch files: always deleted at the end. */
  dataDir: string;
  /** Environment for everything the run starts (carries the run marker). */
  env: NodeJS.ProcessEnv;
  children: Children;
  /** Where the hub of `phase` writes its CPU profile, or undefined when not profiling. */
  profileDir(phase: string): string | undefined;
}
