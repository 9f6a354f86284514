/**
 * The floor: what no manager can beat on this machine. Services spawned by hand with
 * child_process, and the writer with its stdout going straight into a file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { now, sleep } from '../lib/clock.js';
import { waitAllHealthy, waitHealthy } from '../lib/health.js';
import { freePorts } from '../lib/ports.js';
import { exited, signal } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { collectCapture, fileOutput } from './capture.js';
import type { ColumnResult } from './model.js';
import type { Log } from './phases.js';
import { webServices, writerService } from './services.js';
import { settings } from './settings.js';
import type { RunContext, ServiceDef } from './types.js';

/** Spawns one service the way a manager would, minus the manager; output to `out` (an fd or "ignore"). */
function spawnService(ctx: RunContext, svc: ServiceDef, out: number | 'ignore'): ChildProcess {
  const env = { ...ctx.env, ...svc.env, ...(svc.port !== null ? { PORT: String(svc.port) } : {}) };
  return spawn(process.execPath, [svc.script], { env, stdio: ['ignore', out, 'ignore'] });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) if (c.pid !== undefined) signal(c.pid, 'SIGKILL');
  await Promise.all(children.map(exited));
}

/** Spawn → first healthy answer of one fresh process: the restart part of crash-to-healthy, minus the manager. */
export async function measureFloorRestarts(ctx: RunContext, col: ColumnResult, log: Log): Promise<void> {
  const [port] = await freePorts(1);
  const [svc] = webServices(ctx, [port!]);
  for (let i = 0; i < settings.crashTries; i++) {
    const t0 = now();
    const child = spawnService(ctx, svc!, 'ignore');
    try {
      const h = await waitHealthy(port!, { timeoutMs: settings.timeoutMs });
      col.crash.push({ service: svc!.name, killedPid: 0, answeringPid: null, newPid: h.pid, ms: h.at - t0 });
    } finally {
      await stopAll([child]);
    }
    await sleep(100); // let the exit settle so the next spawn starts from a quiet machine
  }
  log(`spawn-to-healthy x${col.crash.length}: median ${median(col.crash.map((c) => c.ms))!.toFixed(0)} ms`);
}

/** Spawn the whole fleet by hand → all healthy: the floor of both cold and warm start (`into` says which). */
export async function measureFloorFleetStart(ctx: RunContext, into: number[], label: string, log: Log): Promise<void> {
  const ports = await freePorts(settings.services);
  const t0 = now();
  const children = webServices(ctx, ports).map((s) => spawnService(ctx, s, 'ignore'));
  try {
    const up = await waitAllHealthy(ports, { timeoutMs: settings.timeoutMs });
    const ms = Math.max(...[...up.values()].map((h) => h.at)) - t0;
    into.push(ms);
    log(`${label}: ${ms.toFixed(0)} ms`);
  } finally {
    await stopAll(children);
  }
}

/** The writer with stdout redirected to a file: no manager in the way. */
export async function measureFloorCapture(ctx: RunContext, root: string, col: ColumnResult, log: Log): Promise<void> {
  const dir = join(root, 'floor-capture');
  mkdirSync(dir, { recursive: true });
  const side = join(dir, 'writer.json');
  const logPath = join(dir, 'writer.out.log');
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawnService(ctx, writerService(ctx, side), fd);
  } finally {
    closeSync(fd);
  }
  try {
    col.capture = await collectCapture(fileOutput(logPath), side, settings.captureLines, 120_000);
    log(`capture to a plain file: ${col.capture.linesPerSec?.toFixed(0)} lines/s, writer loop ${col.capture.writerLoopMs?.toFixed(0)} ms`);
  } finally {
    await stopAll([child]);
  }
}
