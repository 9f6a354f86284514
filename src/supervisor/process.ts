/**
 * A service's running process, spawned by this hub or adopted from an earlier one, and the
 * way it is stopped: signal to the whole family, grace period, then SIGKILL.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../core/errors.js';
import { isSameProcess, listProcesses, processFamily, readProcStat } from '../system/proc.js';

/** How a process ended; code is null when it was not our child (adopted) or died by a signal. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** A live service process. */
export interface ProcessHandle {
  readonly pid: number;
  /** Start time in clock ticks since boot, the other half of the process's identity. */
  readonly startTicks: number;
  readonly adopted: boolean;
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<ExitInfo>;
}

/** What to run and where its output goes. */
export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdoutPath: string;
  stderrPath: string;
}

/**
 * Spawns a service in its own session and process group, with stdout and stderr appended to
 * its spool files, so it outlives a hub that dies and never blocks on the hub.
 */
export async function spawnService(req: SpawnRequest): Promise<ProcessHandle> {
  const out = openSync(req.stdoutPath, 'a', 0o600);
  const err = openSync(req.stderrPath, 'a', 0o600);
  try {
    const child = spawn(req.file, req.args, { cwd: req.cwd, env: req.env, detached: true, stdio: ['ignore', out, err] });
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (e) => reject(new AppError('service/spawn_failed', `cannot spawn ${req.file}: ${e.message}`)));
    });
    const stat = readProcStat(spawned);
    return { pid: spawned, startTicks: stat?.startTicks ?? 0, adopted: false, exited };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/**
 * Takes over a process an earlier hub started, if `pid` is still that process (same start
 * time; a reused PID is someone else's). Its exit is noticed by polling /proc.
 */
export function adoptProcess(pid: number, startTicks: number, pollMs = 250): ProcessHandle | undefined {
  if (!isSameProcess(pid, startTicks)) return undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    const timer = setInterval(() => {
      if (!isSameProcess(pid, startTicks)) {
        clearInterval(timer);
        resolve({ code: null, signal: null });
      }
    }, pollMs);
  });
  return { pid, startTicks, adopted: true, exited };
}

/** Whether the handle's process has exited, without waiting. */
export async function hasExited(handle: ProcessHandle): Promise<boolean> {
  return Promise.race([handle.exited.then(() => true), sleep(0).then(() => false)]);
}

/** Outcome of a stop. */
export interface StopOutcome {
  exit: ExitInfo;
  /** True when the grace period ran out and SIGKILL was needed. */
  escalated: boolean;
}

/**
 * Stops a service and everything it started: `signal` to its process group and to any
 * descendant that left the group, up to `graceMs` for all of them to exit, then SIGKILL to
 * whatever is left. Resolves when the leader and its family are gone.
 */
export async function terminate(handle: ProcessHandle, signal: NodeJS.Signals, graceMs: number): Promise<StopOutcome> {
  const pgid = handle.pid;
  sendToFamily(handle, signal);
  const deadline = Date.now() + graceMs;
  let escalated = false;
  let exit: ExitInfo | undefined;
  void handle.exited.then((e) => (exit = e));
  while (true) {
    await sleep(exit ? 10 : 20);
    const left = familyOf(handle, pgid);
    if (exit && left.length === 0) return { exit, escalated };
    if (Date.now() >= deadline) break;
  }
  escalated = true;
  sendToFamily(handle, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline) {
    await sleep(10);
    if (exit && familyOf(handle, pgid).length === 0) return { exit, escalated };
    sendToFamily(handle, 'SIGKILL');
  }
  // Unkillable (uninterruptible sleep): report what we know rather than hang the caller.
  return { exit: exit ?? { code: null, signal: 'SIGKILL' }, escalated };
}

/** Sends SIGKILL to whatever is left of a service whose leader already exited (a crash). */
export function killLeftovers(pid: number): number {
  // Fast path (the usual crash): no process left in the group, no /proc scan needed.
  try {
    process.kill(-pid, 0);
  } catch {
    return 0;
  }
  const left = familyOf(undefined, pid);
  for (const p of left) safeKill(p.pid, 'SIGKILL');
  return left.length;
}

function familyOf(handle: ProcessHandle | undefined, pgid: number): { pid: number; pgrp: number }[] {
  const all = listProcesses();
  // The leader counts only while it is still the same process (not a reused PID).
  const rootAlive = handle !== undefined && all.some((p) => p.pid === handle.pid && p.startTicks === handle.startTicks && p.state !== 'Z');
  return processFamily(rootAlive ? handle.pid : -1, pgid, all);
}

function sendToFamily(handle: ProcessHandle, signal: NodeJS.Signals): void {
  const members = familyOf(handle, handle.pid);
  // The group signal reaches members forked since the snapshot; sent only while the group
  // still exists, so a recycled group id is never hit.
  if (members.some((p) => p.pgrp === handle.pid)) safeKill(-handle.pid, signal);
  for (const p of members) safeKill(p.pid, signal);
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone already, or not ours to signal */
  }
}
