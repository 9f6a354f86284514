/**
 * The measurements, the same for every manager: cold start, idle memory, crash-to-healthy and
 * warm start on a fleet of web services, then stdout capture and a crash loop, each on a fresh
 * instance of the manager.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { now, sleep, waitFor } from '../lib/clock.js';
import { healthPid, waitAllDown, waitAllHealthy, waitHealthy, type Healthy } from '../lib/health.js';
import { freePorts } from '../lib/ports.js';
import { hasEnv, never, rssMb } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { collectCapture } from './capture.js';
import type { ColumnResult, CrashLoopResult } from './model.js';
import { crasherService, webServices, writerService } from './services.js';
import { release, track } from './sessions.js';
import { settings } from './settings.js';
import type { ManagerKind, RunContext, ServiceDef, Session } from './types.js';

/** Progress output (stderr, so the tables on stdout stay clean). */
export type Log = (message: string) => void;

/** Where one measurement of one manager keeps its files. */
function workDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Waits for `wait`, failing early if the manager fails first. */
function guarded<T>(session: Session, wait: Promise<T>): Promise<T> {
  return Promise.race([wait, session.failed]);
}

/** Latest of the answers: when the whole fleet was up. */
function lastAnswer(up: Map<number, Healthy>): number {
  return Math.max(...[...up.values()].map((h) => h.at));
}

/**
 * One cold start: a fresh instance with the web fleet, timed from launch until every service
 * answers /health from a new process; then shut down again.
 */
export async function measureColdStart(kind: ManagerKind, ctx: RunContext, root: string, col: ColumnResult, attempt: number, log: Log): Promise<void> {
  const ports = await freePorts(settings.services);
  const launcher = await kind.prepare(ctx, workDir(root, `${kind.name}-cold-${attempt}`), webServices(ctx, ports));
  const t0 = now();
  const session = track(launcher.start());
  try {
    const managerUp = waitFor('the manager to be up', settings.timeoutMs, 2, async () => ((await session.isUp()) ? now() - t0 : undefined));
    managerUp.catch(() => {}); // awaited below; a failed start must not also crash the run with an unhandled rejection
    const up = await guarded(session, waitAllHealthy(ports, { timeoutMs: settings.timeoutMs }));
    await session.launched;
    const upMs = await managerUp;
    col.coldMs.push(lastAnswer(up) - t0);
    col.coldManagerUpMs.push(upMs);
    log(`cold start ${attempt}/${settings.coldTries}: ${(lastAnswer(up) - t0).toFixed(0)} ms (manager up after ${upMs.toFixed(0)} ms)`);
  } finally {
    await shutDown(session, ports, ctx, col);
  }
}

/** With the web fleet running: idle memory, then the kill -9 tries, then the warm starts (`only` picks among them). */
export async function measureRunning(kind: ManagerKind, ctx: RunContext, root: string, col: ColumnResult, log: Log, only: ReadonlySet<string> = new Set(['memory', 'crash', 'warm'])): Promise<void> {
  const ports = await freePorts(settings.services);
  const services = webServices(ctx, ports);
  const launcher = await kind.prepare(ctx, workDir(root, `${kind.name}-fleet`), services);
  const session = track(launcher.start());
  try {
    const up = await guarded(session, waitAllHealthy(ports, { timeoutMs: settings.timeoutMs }));
    await session.launched;
    if (only.has('memory')) await measureMemory(session, col, log);
    const pids = only.has('crash') ? await measureCrashes(session, ctx, services, up, col, log) : new Map([...up].map(([port, h]) => [port, h.pid]));
    if (only.has('warm')) await measureWarm(session, ports, pids, col, log);
  } finally {
    await shutDown(session, ports, ctx, col);
  }
}

/** Stops a fleet session and waits for its ports to fall silent, so the next measurement starts on a quiet machine. */
async function shutDown(session: Session, ports: number[], ctx: RunContext, col: ColumnResult): Promise<void> {
  col.leftovers.push(...(await release(session, ctx)));
  // A failure here is already reported as leftovers; it must not hide the error that got us here.
  await waitAllDown(ports, 5000).catch(() => {});
}

async function measureMemory(session: Session, col: ColumnResult, log: Log): Promise<void> {
  await sleep(settings.idleMs);
  const pid = await session.managerPid();
  if (pid === null) throw new Error('manager pid unknown');
  const samples: number[] = [];
  for (let i = 0; i < settings.memorySamples; i++) {
    const mb = rssMb(pid);
    if (mb !== null) samples.push(mb);
    await sleep(200);
  }
  const mb = median(samples);
  if (mb === null) throw new Error(`manager process ${pid} is gone`);
  col.memory = { pid, samplesMb: samples, mb };
  log(`memory: ${mb.toFixed(1)} MB RSS (pid ${pid})`);
}

/** kill -9 each service in turn (each up ≥ upBeforeKillMs); returns the pids answering afterwards, by port. */
async function measureCrashes(session: Session, ctx: RunContext, services: ServiceDef[], up: Map<number, Healthy>, col: ColumnResult, log: Log): Promise<Map<number, number>> {
  const upSince = new Map([...up].map(([port, h]) => [port, h.at]));
  const pids = new Map([...up].map(([port, h]) => [port, h.pid]));
  for (let i = 0; i < settings.crashTries; i++) {
    const svc = services[i % services.length]!;
    const port = svc.port!;
    await sleep(upSince.get(port)! + settings.upBeforeKillMs - now());
    const killedPid = await session.pidOf(svc.name);
    if (killedPid === null) throw new Error(`${svc.name}: the manager reports no pid`);
    // Never kill -9 on a manager's word alone: the pid must be a process this run started.
    if (!hasEnv(killedPid, ctx.marker.key, ctx.marker.value)) throw new Error(`${svc.name}: pid ${killedPid} reported by the manager is not a process of this run`);
    const answeringPid = await healthPid(port);
    const t0 = now();
    process.kill(killedPid, 'SIGKILL');
    const h = await guarded(session, waitHealthy(port, { oldPid: killedPid, timeoutMs: settings.timeoutMs }));
    col.crash.push({ service: svc.name, killedPid, answeringPid, newPid: h.pid, ms: h.at - t0 });
    upSince.set(port, h.at);
    pids.set(port, h.pid);
  }
  const ms = col.crash.map((c) => c.ms);
  log(`crash-to-healthy x${ms.length}: median ${median(ms)!.toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`);
  return pids;
}

async function measureWarm(session: Session, ports: number[], pids: Map<number, number>, col: ColumnResult, log: Log): Promise<void> {
  for (let attempt = 1; attempt <= settings.warmTries; attempt++) {
    await session.stopAll();
    await waitAllDown(ports, settings.timeoutMs);
    await sleep(500); // let the manager finish its own bookkeeping of the stops
    const t0 = now();
    let cliMs = 0;
    const cli = session.startAll().then(() => {
      cliMs = now() - t0;
    });
    // A failing CLI must end the wait at once, not after the timeout.
    const up = await guarded(session, Promise.race([waitAllHealthy(ports, { oldPids: pids, timeoutMs: settings.timeoutMs }), cli.then(never)]));
    const ms = lastAnswer(up) - t0;
    await cli;
    col.warmMs.push(ms);
    col.warmCliMs.push(cliMs);
    for (const [port, h] of up) pids.set(port, h.pid);
    log(`warm start ${attempt}/${settings.warmTries}: ${ms.toFixed(0)} ms (CLI returned after ${cliMs.toFixed(0)} ms)`);
  }
}

/** Runs the stdout writer under a fresh instance and checks its log. */
export async function measureCapture(kind: ManagerKind, ctx: RunContext, root: string, col: ColumnResult, log: Log): Promise<void> {
  const dir = workDir(root, `${kind.name}-capture`);
  const side = join(dir, 'writer.json');
  const launcher = await kind.prepare(ctx, dir, [writerService(ctx, side)]);
  const session = track(launcher.start());
  try {
    await guarded(session, session.launched);
    // The API (Wheelhouse) or log file location (PM2's jlist) is only there once the manager is.
    await guarded(session, waitFor('the manager to be up', settings.timeoutMs, 5, async () => ((await session.isUp()) ? true : undefined)));
    const output = await session.output('writer');
    col.capture = await guarded(session, collectCapture(output, side, settings.captureLines, 120_000));
    const c = col.capture;
    log(`capture: ${c.linesPerSec?.toFixed(0) ?? 'incomplete'} lines/s, lost ${c.lost}, duplicated ${c.duplicated}, writer loop ${c.writerLoopMs?.toFixed(0)} ms`);
  } finally {
    col.leftovers.push(...(await release(session, ctx)));
  }
}

/** Runs the crash-looping service under a fresh instance for the window; counts its starts. */
export async function measureCrashLoop(kind: ManagerKind, ctx: RunContext, root: string, col: ColumnResult, log: Log): Promise<void> {
  const dir = workDir(root, `${kind.name}-crashloop`);
  const startsFile = join(dir, 'starts.txt');
  const launcher = await kind.prepare(ctx, dir, [crasherService(ctx, startsFile)]);
  const session = track(launcher.start());
  try {
    const first = await guarded(session, waitFor('the first start of the crash-looping service', settings.timeoutMs, 10, () => readStarts(startsFile)[0]));
    await guarded(session, sleep(first + settings.crashLoopWindowMs - Date.now()));
    const offsets = readStarts(startsFile)
      .map((t) => t - first)
      .filter((d) => d <= settings.crashLoopWindowMs);
    const endState = await session.status('crasher');
    col.crashLoop = { windowMs: settings.crashLoopWindowMs, starts: offsets.length, endState, startOffsetsMs: offsets } satisfies CrashLoopResult;
    log(`crash loop: ${offsets.length} starts in ${settings.crashLoopWindowMs / 1000} s, end state ${endState}`);
  } finally {
    col.leftovers.push(...(await release(session, ctx)));
  }
}

/** Start times (epoch ms) from the crasher's starts file. */
function readStarts(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split(' ')[0]));
}
