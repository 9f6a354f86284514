/**
 * `npm run bench -- supervisor`: Wheelhouse, PM2 and supervisord side by side, each managing
 * the same 10 small Node HTTP services, plus the floor (no manager at all). Measures
 * crash-to-healthy, cold and warm start, manager memory, stdout capture and crash-loop
 * handling; prints a table per measurement, checks the targets and writes
 * bench/results/supervisor.json. Everything it starts is stopped at the end, even on failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStamp } from './lib/build.js';
import { now } from './lib/clock.js';
import { writeResults } from './lib/results.js';
import { measureFloorCapture, measureFloorFleetStart, measureFloorRestarts } from './supervisor/floor.js';
import { emptyColumn, type ColumnName, type ColumnResult } from './supervisor/model.js';
import { measureCapture, measureColdStart, measureCrashLoop, measureRunning, type Log } from './supervisor/phases.js';
import { pm2 } from './supervisor/pm2.js';
import { checkTargets, printTables, printVerdicts } from './supervisor/report.js';
import { shutdownEverything } from './supervisor/sessions.js';
import { settings } from './supervisor/settings.js';
import { supervisord } from './supervisor/supervisord.js';
import type { ManagerKind, RunContext } from './supervisor/types.js';
import { wheelhouse } from './supervisor/wheelhouse.js';

const managers: ManagerKind[] = [wheelhouse, pm2, supervisord];

/** The measurement groups `--only` can pick. */
const phases = ['crash', 'cold', 'warm', 'memory', 'capture', 'crashloop'] as const;
type Phase = (typeof phases)[number];

/**
 * Options (for iterating on one measurement; the README's table comes from a full run):
 * `--only cold,warm,memory` runs those groups only (crash, warm and memory share one fleet
 * run), `--managers wheelhouse,pm2` limits the columns, `--tries N` sets the cold and warm tries.
 */
function parseArgs(args: string[]): { only: Set<Phase>; managers: Set<string> | null; tries: number | null } {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const list = (flag: string): string[] | undefined => value(flag)?.split(',').map((x) => x.trim()).filter(Boolean);
  const only = list('--only') ?? [...phases];
  const unknown = only.filter((p) => !(phases as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')}; choose from ${phases.join(', ')}`);
  const tries = value('--tries');
  if (tries !== undefined && !(Number(tries) >= 1)) throw new Error(`--tries: not a positive number: ${tries}`);
  const managers = list('--managers');
  return { only: new Set(only as Phase[]), managers: managers ? new Set(managers) : null, tries: tries === undefined ? null : Number(tries) };
}

/** Runs the benchmark; resolves to the exit code (1 when a target fails or a measurement errored). */
export default async function supervisorBench(args: string[] = []): Promise<number> {
  const opts = parseArgs(args);
  if (opts.tries !== null) Object.assign(settings, { coldTries: opts.tries, warmTries: opts.tries });
  const started = now();
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const root = mkdtempSync(join(tmpdir(), 'wh-bench-'));
  // Not WHEELHOUSE_*: the hub strips those from its services' environment.
  const marker = { key: 'BENCH_RUN_MARKER', value: randomBytes(8).toString('hex') };
  const ctx: RunContext = { repo, env: benchEnv(marker), marker };
  const results = Object.fromEntries((['wheelhouse', 'pm2', 'supervisord', 'floor'] as const).map((n) => [n, emptyColumn(n)])) as Record<ColumnName, ColumnResult>;
  const log = (col: string): Log => (m) => process.stderr.write(`[${((now() - started) / 1000).toFixed(1).padStart(5)}s] ${col.padEnd(11)} ${m}\n`);

  // Ctrl-C: stop what we started, then leave; the finally below may not get to run.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping every manager and service this benchmark started…\n`);
    void shutdownEverything(ctx).finally(() => {
      process.stderr.write(`work dir kept: ${root}\n`);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let failed = false;
  const loadAtStart = loadavg()[0]!;
  const buildAtStart = buildStamp(repo);
  try {
    process.stderr.write(`supervisor benchmark: ${settings.services} services per manager, wheelhouse ${buildAtStart.commit ?? '?'}${buildAtStart.dirty ? ' + uncommitted src/ changes' : ''} (dist/ built ${buildAtStart.distModified ?? 'never: run npm run build'}), work dir ${root}\n`);
    const usable = managers.filter((kind) => {
      const why = opts.managers && !opts.managers.has(kind.name) ? 'not in --managers' : kind.missing(ctx);
      if (why) {
        results[kind.name].skipped = why;
        process.stderr.write(`skipped: ${why}\n`);
      }
      return !why;
    });
    const floor = results.floor;
    const floorLog = log('floor');
    const fleet = opts.only.has('crash') || opts.only.has('warm') || opts.only.has('memory');
    if (opts.only.has('crash')) await step(floor, 'restarts', floorLog, () => measureFloorRestarts(ctx, floor, floorLog));
    // Cold starts go round-robin over the columns: on a shared machine, background load then
    // lands on every column alike instead of on whichever ran during the busy minute.
    for (let attempt = 1; opts.only.has('cold') && attempt <= settings.coldTries; attempt++) {
      await step(floor, 'cold start', floorLog, () => measureFloorFleetStart(ctx, floor.coldMs, `start ${settings.services} by hand (cold) ${attempt}/${settings.coldTries}`, floorLog));
      for (const kind of usable) {
        await step(results[kind.name], `cold start ${attempt}`, log(kind.name), (l) => measureColdStart(kind, ctx, root, results[kind.name], attempt, l));
      }
    }
    for (let attempt = 1; opts.only.has('warm') && attempt <= settings.warmTries; attempt++) {
      await step(floor, 'warm start', floorLog, () => measureFloorFleetStart(ctx, floor.warmMs, `start ${settings.services} by hand (warm) ${attempt}/${settings.warmTries}`, floorLog));
    }
    for (const kind of fleet ? usable : []) {
      await step(results[kind.name], 'fleet', log(kind.name), (l) => measureRunning(kind, ctx, root, results[kind.name], l, opts.only));
    }
    if (opts.only.has('capture')) await step(floor, 'capture', floorLog, () => measureFloorCapture(ctx, root, floor, floorLog));
    for (const kind of opts.only.has('capture') ? usable : []) {
      await step(results[kind.name], 'capture', log(kind.name), (l) => measureCapture(kind, ctx, root, results[kind.name], l));
    }
    for (const kind of opts.only.has('crashloop') ? usable : []) {
      await step(results[kind.name], 'crash loop', log(kind.name), (l) => measureCrashLoop(kind, ctx, root, results[kind.name], l));
    }
  } finally {
    const strays = await shutdownEverything(ctx);
    if (strays.length > 0) process.stderr.write(`killed ${strays.length} stray process(es): ${strays.join('; ')}\n`);
    failed = Object.values(results).some((c) => c.errors.length > 0);
    // Keep the work dir of a failed run: its manager logs explain the failure.
    if (!failed && !interrupted) rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`work dir kept for inspection: ${root}\n`);
  }

  const loadAtEnd = loadavg()[0]!;
  const buildAtEnd = buildStamp(repo);
  // A commit alone changes nothing that runs; a newer dist/ does.
  const rebuilt = buildAtStart.distModified !== buildAtEnd.distModified;
  printTables(results);
  const verdicts = checkTargets(results);
  printVerdicts(results, verdicts);
  const file = writeResults('supervisor', {
    at: new Date().toISOString(),
    durationS: (now() - started) / 1000,
    machine: { node: process.version, platform: process.platform, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, loadavg1mStart: loadAtStart, loadavg1mEnd: loadAtEnd },
    build: { atStart: buildAtStart, atEnd: buildAtEnd },
    settings,
    results,
    targets: verdicts,
  });
  // Each hub launch runs whatever dist/ holds at that moment: a rebuild mid-run mixes two builds.
  if (rebuilt) {
    process.stdout.write(`\nwarning: dist/ was rebuilt during the run (${buildAtStart.distModified} → ${buildAtEnd.distModified}; commit ${buildAtStart.commit} → ${buildAtEnd.commit}): numbers mix two builds.\n`);
  }
  // Other processes competing for the CPU move every number; say so rather than let it pass as a result.
  if (loadAtStart > cpus().length / 4) {
    process.stdout.write(`\nnote: the 1-minute load average was ${loadAtStart.toFixed(2)} at the start (${loadAtEnd.toFixed(2)} at the end) on ${cpus().length} CPUs: other work was competing for the CPU, so expect noise.\n`);
  }
  process.stdout.write(`\nraw results: ${file}  (${((now() - started) / 1000).toFixed(0)} s)\n`);
  return failed || verdicts.some((v) => v.result === 'FAIL') ? 1 : 0;
}

/** Runs one measurement; an error is recorded in the column and the run goes on with the next. */
async function step(col: ColumnResult, what: string, log: Log, fn: (log: Log) => Promise<void>): Promise<void> {
  try {
    await fn(log);
  } catch (err) {
    const message = `${what}: ${(err as Error).message}`;
    col.errors.push(message);
    log(`FAILED ${message}`);
  }
}

/**
 * The environment of everything the benchmark starts: ours, minus settings that would point
 * the tools elsewhere (a user's WHEELHOUSE_TOKEN or PM2_HOME), plus the run marker that lets
 * the final sweep find any process this run left behind.
 */
function benchEnv(marker: { key: string; value: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('WHEELHOUSE_') || k === 'PM2_HOME' || k.startsWith('npm_')) continue;
    env[k] = v;
  }
  env[marker.key] = marker.value;
  return env;
}
