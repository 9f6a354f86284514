/** The raw results of a run: one column per manager plus the floor, as written to the JSON file. */

/** Column names, in table order. */
export const columns = ['wheelhouse', 'pm2', 'supervisord', 'floor'] as const;
/** A column of the tables. */
export type ColumnName = (typeof columns)[number];

/** One kill -9 and the restart that followed. */
export interface CrashTry {
  service: string;
  /** The pid the manager reported and the benchmark killed. */
  killedPid: number;
  /** The pid /health answered with just before the kill (should equal killedPid). */
  answeringPid: number | null;
  newPid: number;
  ms: number;
}

/** Outcome of the stdout capture measurement. */
export interface CaptureResult {
  lines: number;
  /** Where the lines were read back from (log file or API). */
  where: string;
  /** Lines read back (all of them, "line <n>" or not). */
  storedLines: number;
  /** Lines per second from the writer's first write until every line was in the log; null if that never happened. */
  linesPerSec: number | null;
  /** Ms from the writer's first write until the log was complete. */
  completeMs: number | null;
  lost: number;
  duplicated: number;
  /** Log lines that are not "line <n>" (prefixes, banners). */
  otherLines: number;
  /** Wall time of the writer's own write loop, ms: how long the manager held it up. */
  writerLoopMs: number | null;
}

/** Outcome of the crash-loop measurement. */
export interface CrashLoopResult {
  windowMs: number;
  starts: number;
  /** The manager's own word for the service's state at the end of the window. */
  endState: string;
  /** Start times, ms after the first start. */
  startOffsetsMs: number[];
}

/** Everything measured for one column. */
export interface ColumnResult {
  name: ColumnName;
  /** Why the column was not measured, or null. */
  skipped: string | null;
  /** Measurements that failed, with their error. */
  errors: string[];
  /** Processes left running after the manager was shut down (found by the run marker and killed). */
  leftovers: string[];
  crash: CrashTry[];
  coldMs: number[];
  /** In each cold start, when the manager itself was up (API port / control socket), ms after launch. */
  coldManagerUpMs: number[];
  warmMs: number[];
  /** When each warm "start all" CLI returned, ms after it was issued. */
  warmCliMs: number[];
  memory: { pid: number; samplesMb: number[]; mb: number } | null;
  capture: CaptureResult | null;
  crashLoop: CrashLoopResult | null;
}

/** An empty column. */
export function emptyColumn(name: ColumnName, skipped: string | null = null): ColumnResult {
  return { name, skipped, errors: [], leftovers: [], crash: [], coldMs: [], coldManagerUpMs: [], warmMs: [], warmCliMs: [], memory: null, capture: null, crashLoop: null };
}
