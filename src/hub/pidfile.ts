/**
 * The hub's PID file, <data-dir>/hub.pid: "pid start-ticks". It keeps two hubs off one data
 * directory (they would fight over the same services) and lets `wheelhouse down` find the
 * daemon. A stale file (process gone, or PID reused) is ignored.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { isSameProcess, readProcStat } from '../system/proc.js';

/** Path of the PID file in a data directory. */
export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'hub.pid');
}

/** The live hub recorded in the PID file, if any. */
export function runningHub(dataDir: string): { pid: number; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(pidFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const [pid, startTicks] = text.trim().split(/\s+/).map(Number);
  if (!pid || startTicks === undefined || !isSameProcess(pid, startTicks)) return undefined;
  return { pid, startTicks };
}

/** Claims the data directory for this process; throws when another live hub holds it. */
export function claimPidFile(dataDir: string): void {
  const other = runningHub(dataDir);
  if (other && other.pid !== process.pid) {
    throw new AppError('hub/already_running', `another hub (pid ${other.pid}) is already using ${dataDir}; stop it with "wheelhouse down" or use another --data-dir`);
  }
  const me = readProcStat(process.pid);
  writeFileAtomic(pidFilePath(dataDir), `${process.pid} ${me?.startTicks ?? 0}\n`, 0o644);
}

/** Removes the PID file if it is ours. */
export function releasePidFile(dataDir: string): void {
  const holder = runningHub(dataDir);
  if (holder === undefined || holder.pid === process.pid) rmSync(pidFilePath(dataDir), { force: true });
}
