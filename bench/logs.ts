/**
 * `npm run bench -- logs`: the central log store on the same generated rows, stored directly
 * (the floor: SqliteLogRepo.append, and bare better-sqlite3 inserts) and through the real hub
 * (HTTP bulk ingest and OTLP/HTTP JSON from a separate load-generator process, a supervised
 * service's stdout); queries on 1M and 10M rows, directly and through the API; a streamed
 * export; the hub's memory during sustained ingest. Prints a table per part, checks the
 * targets and writes bench/results/logs.json. Everything it starts is stopped and its data
 * deleted at the end, even on failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildStamp } from './lib/build.js';
import { now } from './lib/clock.js';
import { writeResults } from './lib/results.js';
import { Children, childEnv } from './logs/children.js';
import { cpuMeter, bestUndisturbed, quietCores, quietWaitMs, waitQuiet } from './logs/cpu.js';
import { buildStore, measureFloor, type BuiltStore } from './logs/floor.js';
import { Hub } from './logs/hub.js';
import { measureBulk, measureSoak, measureStdout, soakMaxBytes } from './logs/ingest.js';
import { writeBatchFile, writeLineFile } from './logs/load.js';
import type { BulkResult, Log, LogsResults, RunContext } from './logs/model.js';
import { parseOptions, usage, type LogsOptions } from './logs/options.js';
import { summarizeProfiles } from './logs/profile.js';
import { measureQueries } from './logs/queries.js';
import { checkTargets, printTables, printVerdicts } from './logs/report.js';
import { ingestBody, otlpBody, stdoutLine, type RowSpec } from './logs/rows.js';
import { snapshotBuild } from './logs/snapshot.js';

const day = 86_400_000;
const gb = 1e9;
/** Free space the 10M-row store needs (rows, both indexes, full-text), and proportionally for other sizes. */
const bytesPer10M = 8 * gb;

/** Runs the benchmark; resolves to the exit code (1 when a target fails or a part errored, 2 for bad options). */
export default async function logsBench(args: string[]): Promise<number> {
  let opts: LogsOptions;
  try {
    opts = parseOptions(args);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const started = now();
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const root = mkdtempSync(join(tmpdir(), 'wh-bench-logs-'));
  const marker = { key: 'BENCH_RUN_MARKER', value: randomBytes(8).toString('hex') };
  const children = new Children(marker);
  const ctx: RunContext = {
    repo,
    app: join(root, 'app'),
    logDir: join(root, 'logs'),
    dataDir: join(root, 'data'),
    env: childEnv(marker),
    children,
    profileDir: (phase) => (opts.profile ? join(root, 'logs', 'profiles', phase) : undefined),
  };
  mkdirSync(ctx.logDir, { recursive: true });
  mkdirSync(ctx.dataDir, { recursive: true });
  const log = (part: string): Log => (m) => process.stderr.write(`[${((now() - started) / 1000).toFixed(1).padStart(6)}s] ${part.padEnd(8)} ${m}\n`);
  const results: LogsResults = { floor: null, http: null, otlp: null, stdout: null, soak: null, queries: [], background: {}, profiles: {}, skipped: [], errors: [] };

  // Ctrl-C: stop what we started, delete the data, then leave; the finally below may not get to run.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping every process this benchmark started and deleting its data…\n`);
    void children.stopAll().finally(() => {
      rmSync(ctx.dataDir, { recursive: true, force: true });
      rmSync(ctx.app, { recursive: true, force: true });
      process.stderr.write(`logs kept: ${ctx.logDir}\n`);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let build: BuildStamp | null = null;
  const step = async (part: string, fn: (log: Log) => Promise<void>, key = part): Promise<void> => {
    if (interrupted || !build) return;
    // Other sessions share this machine: give their work a moment to finish, and record what remains.
    const otherBefore = await waitQuiet(quietCores, quietWaitMs);
    if (otherBefore >= quietCores) log(part)(`other processes still use ${otherBefore.toFixed(2)} cores after waiting ${quietWaitMs / 1000} s; measuring anyway`);
    const meter = cpuMeter();
    try {
      await fn(log(part));
    } catch (err) {
      if (interrupted) return; // the hub was stopped under it: not a finding
      const message = `${part}: ${(err as Error).message}`;
      results.errors.push(message);
      log(part)(`FAILED ${(err as Error).stack ?? message}`);
    }
    results.background[key] = { ...meter(), otherBefore };
    if (opts.profile) {
      for (const phase of profiledPhases(part, opts)) {
        if (results.profiles[phase]) continue;
        const summary = summarizeProfiles(ctx.profileDir(phase)!);
        if (summary.length > 0) results.profiles[phase] = summary;
      }
    }
  };

  /** A bulk ingest path measured `opts.tries` times; the best undisturbed (else the least disturbed) try is the result. */
  const bulkTries = async (path: 'http' | 'otlp', file: string, bodyBytes: number, l: Log): Promise<BulkResult> => {
    const runs = await bestUndisturbed(opts.tries, quietWaitMs, () => measureBulk(ctx, path, file, { rows: opts.ingestRows, batch: opts.batch, conns: opts.conns, bodyBytes }, l), (r) => r.linesPerSec);
    return { ...runs.chosen.value, tries: runs.all.map((t) => ({ linesPerSec: t.value.linesPerSec, otherCores: t.otherCores })) };
  };

  const loadAtStart = loadavg()[0]!;
  const ingestSpec: RowSpec = { total: opts.ingestRows, seed: 42, endTs: Date.now(), spanMs: day };
  const stores = new Map<number, BuiltStore>();
  try {
    // Every hub and the floor run one private copy of the build: dist/ may be rebuilt by others meanwhile.
    try {
      build = await snapshotBuild(repo, ctx.app, (app) => smokeHub(ctx, app), log('build'));
    } catch (err) {
      results.errors.push(`copying the build: ${(err as Error).message}`);
      log('build')(`FAILED ${(err as Error).message}`);
    }
    process.stderr.write(
      `logs benchmark: ${opts.ingestRows.toLocaleString('en-US')} rows per ingest path, queries on ${opts.querySizes.map((n) => n.toLocaleString('en-US')).join(' and ')} rows, soak ${opts.soakS} s; ` +
        `wheelhouse ${build?.commit ?? '?'}${build?.dirty ? ' + uncommitted src/ changes' : ''} (dist/ built ${build?.distModified ?? '?'}, copied to ${ctx.app}); work dir ${root}\n${opts.profile ? 'profiling every hub (--cpu-prof): figures are a little lower than without\n' : ''}`,
    );
    const files = { ingest: join(ctx.dataDir, 'ingest.batches'), otlp: join(ctx.dataDir, 'otlp.batches'), stdout: join(ctx.dataDir, 'stdout.jsonl') };
    const bodyBytes = { ingest: 0, otlp: 0 };

    if (opts.only.has('floor')) {
      await step('floor', async (l) => {
        const { floor, store } = await measureFloor(ctx.app, ingestSpec, opts.floorBatch, join(ctx.dataDir, `store-${opts.ingestRows}`), join(ctx.dataDir, 'bare'), opts.tries, l);
        results.floor = floor;
        stores.set(opts.ingestRows, store);
      });
    }
    if (opts.only.has('http') || opts.only.has('soak')) {
      await step('http', async (l) => {
        bodyBytes.ingest = await writeBatchFile(files.ingest, ingestSpec, opts.batch, ingestBody);
        l(`ingest bodies written: ${(bodyBytes.ingest / 1e6).toFixed(0)} MB in ${Math.ceil(opts.ingestRows / opts.batch)} batches`);
        if (opts.only.has('http')) results.http = await bulkTries('http', files.ingest, bodyBytes.ingest, l);
      });
    }
    if (opts.only.has('otlp')) {
      await step('otlp', async (l) => {
        bodyBytes.otlp = await writeBatchFile(files.otlp, ingestSpec, opts.batch, otlpBody);
        l(`OTLP bodies written: ${(bodyBytes.otlp / 1e6).toFixed(0)} MB`);
        results.otlp = await bulkTries('otlp', files.otlp, bodyBytes.otlp, l);
        rmSync(files.otlp, { force: true });
      });
    }
    if (opts.only.has('stdout')) {
      await step('stdout', async (l) => {
        await writeLineFile(files.stdout, ingestSpec, stdoutLine);
        const runs = await bestUndisturbed(opts.tries, quietWaitMs, () => measureStdout(ctx, files.stdout, opts.ingestRows, l), (r) => r.linesPerSec ?? 0);
        results.stdout = { ...runs.chosen.value, tries: runs.all.map((t) => ({ linesPerSec: t.value.linesPerSec, lost: t.value.lost, duplicated: t.value.duplicated, otherCores: t.otherCores })) };
        rmSync(files.stdout, { force: true });
      });
    }
    if (opts.only.has('soak')) {
      await step('soak', async (l) => {
        // Retention holds the store near its limit; room for the overshoot, the WAL and freed pages.
        const needed = 1.5 * soakMaxBytes(opts.soakS);
        const free = freeBytes(ctx.dataDir);
        if (free < needed + 2 * gb) {
          results.skipped.push(`soak: ${(free / gb).toFixed(1)} GB free in ${tmpdir()}, ${((needed + 2 * gb) / gb).toFixed(1)} GB needed for ${opts.soakS} s`);
          l(results.skipped.at(-1)!);
          return;
        }
        results.soak = await measureSoak(ctx, files.ingest, { durationS: opts.soakS, conns: opts.conns, everyS: opts.soakEveryS }, l);
      });
    }
    rmSync(files.ingest, { force: true });

    if (opts.only.has('queries')) {
      for (const rows of opts.querySizes) {
        if (interrupted) break;
        await step('queries', async (l) => {
          let store = stores.get(rows);
          if (!store) {
            const needed = Math.max(gb, (bytesPer10M * rows) / 10_000_000);
            const free = freeBytes(ctx.dataDir);
            if (free < needed) {
              results.skipped.push(`queries on ${rows.toLocaleString('en-US')} rows: only ${(free / gb).toFixed(1)} GB free in ${tmpdir()}, ${(needed / gb).toFixed(1)} GB needed`);
              l(results.skipped.at(-1)!);
              return;
            }
            store = await buildStore(ctx.app, { total: rows, seed: 42, endTs: Date.now(), spanMs: day }, opts.floorBatch, join(ctx.dataDir, `store-${rows}`), l);
            stores.set(rows, store);
          }
          try {
            results.queries.push(await measureQueries(ctx, store, { repeats: opts.repeats, warmup: opts.warmup }, l));
          } finally {
            // Several GB each: gone before the next one is built.
            rmSync(store.dataDir, { recursive: true, force: true });
            stores.delete(rows);
          }
        }, `queries-${rows}`);
      }
    }
  } finally {
    const strays = await children.stopAll();
    if (strays.length > 0) process.stderr.write(`killed ${strays.length} stray process(es): ${strays.join('; ')}\n`);
    rmSync(ctx.dataDir, { recursive: true, force: true });
    rmSync(ctx.app, { recursive: true, force: true });
    // Hub and load-generator logs (and profiles) explain a failure; otherwise nothing is kept.
    if (results.errors.length === 0 && !opts.profile && !interrupted) rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`logs kept for inspection: ${ctx.logDir}\n`);
  }

  const loadAtEnd = loadavg()[0]!;
  printTables(results);
  const verdicts = checkTargets(results);
  printVerdicts(results, verdicts);
  for (const [phase, lines] of Object.entries(results.profiles)) {
    process.stdout.write(`\nCPU profile of the hub, ${phase} (self time, top functions per thread):\n${lines.join('\n')}\n`);
  }
  const file = writeResults('logs', {
    at: new Date().toISOString(),
    durationS: (now() - started) / 1000,
    machine: { node: process.version, platform: process.platform, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: totalmem() / gb, loadavg1mStart: loadAtStart, loadavg1mEnd: loadAtEnd },
    build,
    options: { ...opts, only: [...opts.only] },
    usage,
    results,
    targets: verdicts,
  });
  process.stdout.write(`\nraw results: ${file}  (${((now() - started) / 1000).toFixed(0)} s)\n`);
  return results.errors.length > 0 || verdicts.some((v) => v.result === 'FAIL') ? 1 : 0;
}

/** Starts a hub from `app` on an empty data directory and stops it: the copy of the build loads. */
async function smokeHub(ctx: RunContext, app: string): Promise<void> {
  const dir = join(ctx.logDir, 'smoke');
  mkdirSync(dir, { recursive: true });
  const hub = await Hub.start(ctx.children, { app, dir, dataDir: join(ctx.dataDir, 'smoke'), env: ctx.env, config: {} });
  await hub.stop();
  rmSync(join(ctx.dataDir, 'smoke'), { recursive: true, force: true });
}

/** Bytes free for an unprivileged user on the file system holding `path`. */
function freeBytes(path: string): number {
  const st = statfsSync(path);
  return st.bavail * st.bsize;
}

/** The hub phases whose profiles a part produces. */
function profiledPhases(part: string, opts: LogsOptions): string[] {
  if (part === 'http') return ['ingest-http'];
  if (part === 'otlp') return ['ingest-otlp'];
  if (part === 'queries') return opts.querySizes.map((n) => `queries-${n}`);
  return [part];
}
