/**
 * Bookkeeping of what the benchmark started, so that everything is stopped on success,
 * failure or Ctrl-C: live manager sessions, and a final sweep of processes carrying the run marker.
 */
import { readFileSync } from 'node:fs';
import { sleep } from '../lib/clock.js';
import { pidsWithEnv, signal } from '../lib/proc.js';
import type { RunContext, Session } from './types.js';

const live = new Set<Session>();

/** Registers a session for emergency shutdown; returns it. */
export function track(session: Session): Session {
  live.add(session);
  return session;
}

/**
 * Shuts a session down and checks that the manager took its services with it. Processes with
 * the run marker still alive afterwards are described (returned) and killed.
 */
export async function release(session: Session, ctx: RunContext): Promise<string[]> {
  try {
    await session.shutdown();
  } finally {
    live.delete(session);
  }
  // Only one session runs at a time, so a marked process now is one this manager left behind;
  // give exiting services a moment first.
  for (let i = 0; i < 20; i++) {
    if (strays(ctx).length === 0) return [];
    await sleep(100);
  }
  return killStrays(ctx);
}

/** Shuts down every live session (in parallel), then kills whatever still carries the marker. */
export async function shutdownEverything(ctx: RunContext): Promise<string[]> {
  await Promise.allSettled([...live].map((s) => s.shutdown()));
  live.clear();
  return killStrays(ctx);
}

/** SIGKILLs every process with the run marker; returns "pid cmdline" of each. */
export async function killStrays(ctx: RunContext): Promise<string[]> {
  const killed: string[] = [];
  for (let round = 0; round < 5; round++) {
    const pids = strays(ctx);
    if (pids.length === 0) break;
    for (const pid of pids) {
      killed.push(`${pid} ${cmdline(pid)}`);
      signal(pid, 'SIGKILL');
    }
    await sleep(100);
  }
  return [...new Set(killed)];
}

function strays(ctx: RunContext): number[] {
  return pidsWithEnv(ctx.marker.key, ctx.marker.value);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}
