/**
 * CPU accounting on a shared machine: how much CPU this run used (this process, plus every
 * child it started and reaped, which the kernel adds to our cutime/cstime) and how much the
 * rest of the machine used meanwhile. Other work competing for the 2 cores moves every figure,
 * so each part reports it, and waits a little for a quiet machine before it starts.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { now, sleep } from '../lib/clock.js';

/** Linux clock ticks are 10 ms (CLK_TCK 100). */
const tickMs = 10;

/** Busy CPU time of the whole machine (all cores), ms. */
function machineBusyMs(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * tickMs;
}

/** CPU time of this process and of its reaped children (utime, stime, cutime, cstime), ms. */
function oursMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (f[11]! + f[12]! + f[13]! + f[14]!) * tickMs;
}

/** What the rest of the machine did during a part: cores busy on average. */
export interface Background {
  wallMs: number;
  /** Cores used by processes this run did not start (or has not yet reaped). */
  otherCores: number;
  /** Cores used by this run (the bench, its hubs, load generators and services). */
  ourCores: number;
}

/** Starts measuring; the returned function ends the measurement. Call it after the part's processes have exited. */
export function cpuMeter(): () => Background {
  const t0 = now();
  const busy0 = machineBusyMs();
  const ours0 = oursMs();
  return () => {
    const wallMs = now() - t0;
    const ours = oursMs() - ours0;
    const busy = machineBusyMs() - busy0;
    return { wallMs, otherCores: Math.max(0, busy - ours) / wallMs, ourCores: ours / wallMs };
  };
}

/**
 * Waits (at most `maxMs`) until, over one second, other processes use less than `cores` cores;
 * resolves with the cores they used in the last second measured.
 */
export async function waitQuiet(cores: number, maxMs: number): Promise<number> {
  const deadline = now() + maxMs;
  for (;;) {
    const meter = cpuMeter();
    await sleep(1000);
    const { otherCores } = meter();
    if (otherCores < cores || now() >= deadline) return otherCores;
  }
}

/** How long a part or a try waits for other processes to use less than `quietCores` before measuring anyway. */
export const quietWaitMs = 60_000;
export const quietCores = 0.25;

/** Cores of this machine. */
export const coreCount = cpus().length;

/** One try of a repeated measurement and how busy the rest of the machine was during it. */
export interface Try<T> {
  value: T;
  otherCores: number;
}

/**
 * Runs `measure` `tries` times, each after waiting (up to `waitMs`) for a quiet machine, and
 * returns every try with the one to report: the best (by `score`, higher is better) of the
 * tries other processes left alone (under `quietCores`), else the least disturbed one. On a
 * shared machine that is the closest to what the code does alone. A try that throws ends the series.
 */
export async function bestUndisturbed<T>(tries: number, waitMs: number, measure: (attempt: number) => Promise<T>, score: (value: T) => number): Promise<{ chosen: Try<T>; all: Try<T>[] }> {
  const all: Try<T>[] = [];
  for (let attempt = 1; attempt <= tries; attempt++) {
    await waitQuiet(quietCores, waitMs);
    const meter = cpuMeter();
    const value = await measure(attempt);
    all.push({ value, otherCores: meter().otherCores });
  }
  const quiet = all.filter((t) => t.otherCores < quietCores);
  const chosen =
    quiet.length > 0 ? quiet.reduce((best, t) => (score(t.value) > score(best.value) ? t : best)) : all.reduce((best, t) => (t.otherCores < best.otherCores ? t : best));
  return { chosen, all };
}
