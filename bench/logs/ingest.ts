/**
 * Wheelhouse end to end: a fresh hub per measurement, fed by a separate load-generator process
 * (HTTP bulk ingest, OTLP/HTTP JSON, the memory soak) or by a supervised service printing to
 * stdout. Each hub's data directory is deleted as soon as its measurement is done.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { epochMs, now, sleep, waitFor } from '../lib/clock.js';
import { rssMb } from '../lib/proc.js';
import { cpuMs, Hub } from './hub.js';
import { runLoad, type LoadProgress } from './load.js';
import type { BulkResult, Log, RssSample, RunContext, SoakResult, StdoutResult } from './model.js';

/** The hub's config for ingest runs: the log store's defaults (or `logs`), the hub's own log at warn (every request would otherwise cost a log line). */
function hubConfig(services: Record<string, unknown> = {}, logs?: Record<string, unknown>): Record<string, unknown> {
  return { system: { log_level: 'warn' }, services, ...(logs ? { logs } : {}) };
}

/**
 * The store size limit (logs.max_size) of the soak: reached about a third of the way through
 * at ~100k lines/s, so retention has to keep pace with ingest for the rest of it.
 */
export function soakMaxBytes(durationS: number): number {
  return Math.max(256, durationS * 10) * 1024 ** 2;
}

function phaseDirs(ctx: RunContext, phase: string): { dir: string; dataDir: string } {
  const dir = join(ctx.logDir, phase);
  mkdirSync(dir, { recursive: true });
  return { dir, dataDir: join(ctx.dataDir, phase) };
}

/** Polls the hub's stats until full-text search covers every stored entry; resolves with the epoch time it did. */
async function waitSearchable(hub: Hub, timeoutMs: number): Promise<number> {
  return waitFor('full-text search to catch up', timeoutMs, 20, async () => {
    const s = await hub.stats();
    return s.searchable_up_to >= s.last_id ? epochMs() : undefined;
  });
}

/**
 * Bulk ingest of the rows in `batchFile` (HTTP /api/logs/ingest or OTLP /v1/logs) on a fresh
 * hub, until every entry is acknowledged; then the time until they are all searchable.
 */
export async function measureBulk(ctx: RunContext, path: 'http' | 'otlp', batchFile: string, meta: { rows: number; batch: number; conns: number; bodyBytes: number }, log: Log): Promise<BulkResult> {
  const { dir, dataDir } = phaseDirs(ctx, `ingest-${path}`);
  const hub = await Hub.start(ctx.children, { app: ctx.app, dir, dataDir, env: ctx.env, config: hubConfig(), profileDir: ctx.profileDir(`ingest-${path}`) });
  try {
    const cpu0 = cpuMs(hub.pid);
    const report = await runLoad(
      ctx.children,
      { repo: ctx.repo, env: ctx.env, logDir: dir, name: path },
      { url: hub.url, path: path === 'http' ? '/api/logs/ingest' : '/v1/logs', token: hub.token, file: batchFile, conns: meta.conns, kind: path === 'http' ? 'ingest' : 'otlp' },
      hub.failed,
    );
    const cpu1 = cpuMs(hub.pid);
    const searchableAt = await Promise.race([waitSearchable(hub, 30 * 60_000), hub.failed]);
    const stats = await hub.stats();
    if (stats.last_id !== report.acked) log(`warning: the store holds ${stats.last_id} entries, ${report.acked} were acknowledged`);
    const result: BulkResult = {
      path,
      ...meta,
      acked: report.acked,
      rejected: report.rejected,
      requests: report.requests,
      statuses: report.statuses,
      elapsedMs: report.elapsedMs,
      linesPerSec: report.acked / (report.elapsedMs / 1000),
      ftsLagMs: searchableAt - report.lastAckEpochMs,
      hubCpuMs: cpu0 && cpu1 ? cpu1.total - cpu0.total : null,
      hubMainCpuMs: cpu0 && cpu1 ? cpu1.main - cpu0.main : null,
      loadgenCpuMs: report.cpuMs,
    };
    log(`${path}: ${report.acked.toLocaleString('en-US')} acknowledged in ${(report.elapsedMs / 1000).toFixed(2)} s = ${Math.round(result.linesPerSec).toLocaleString('en-US')} lines/s; searchable ${((result.ftsLagMs ?? 0) / 1000).toFixed(2)} s later; statuses ${JSON.stringify(report.statuses)}`);
    return result;
  } finally {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A supervised service prints `lines` JSON lines (the rows) to stdout: time from its first line
 * until the store holds them all and until they are searchable; then every `seq` is counted in
 * logs.db (read-only, beside the running hub) for losses and duplicates.
 */
export async function measureStdout(ctx: RunContext, linesFile: string, lines: number, log: Log): Promise<StdoutResult> {
  const { dir, dataDir } = phaseDirs(ctx, 'stdout');
  const side = join(dir, 'writer.json');
  const writer = {
    command: [process.execPath, join(ctx.repo, 'bench', 'logs', 'stdout-writer.mjs')],
    env: { LINES_FILE: linesFile, SIDE_FILE: side },
    restart: { policy: 'never' },
  };
  const hub = await Hub.start(ctx.children, { app: ctx.app, dir, dataDir, env: ctx.env, config: hubConfig({ writer }), profileDir: ctx.profileDir('stdout') });
  try {
    let storedAt: number | null = null;
    let searchableAt: number | null = null;
    let last = -1;
    let lastGrowth = now();
    const deadline = now() + 30 * 60_000;
    // Until all are searchable, or nothing new arrives for 30 s after the writer finished.
    while (searchableAt === null && now() < deadline) {
      const s = await Promise.race([hub.stats(), hub.failed]);
      const at = epochMs();
      if (s.last_id !== last) {
        last = s.last_id;
        lastGrowth = now();
      }
      if (storedAt === null && s.last_id >= lines) storedAt = at;
      if (storedAt !== null && s.searchable_up_to >= s.last_id) searchableAt = at;
      if (existsSync(side) && now() - lastGrowth > 30_000) break;
      await sleep(20);
    }
    const w = existsSync(side) ? (JSON.parse(readFileSync(side, 'utf8')) as { startEpochMs: number; loopMs: number }) : null;
    const counted = countSeqs(join(dataDir, 'logs.db'), 'writer');
    const storedMs = storedAt !== null && w ? storedAt - w.startEpochMs : null;
    const result: StdoutResult = {
      lines,
      writerLoopMs: w?.loopMs ?? null,
      storedMs,
      searchableMs: searchableAt !== null && w ? searchableAt - w.startEpochMs : null,
      linesPerSec: storedMs !== null ? lines / (storedMs / 1000) : null,
      stored: counted.rows,
      lost: lines - counted.distinctInRange,
      duplicated: counted.rows - counted.distinct,
    };
    log(`stdout: ${counted.rows.toLocaleString('en-US')} stored in ${((storedMs ?? NaN) / 1000).toFixed(2)} s, searchable at ${(((result.searchableMs ?? NaN)) / 1000).toFixed(2)} s, lost ${result.lost}, duplicated ${result.duplicated}, writer loop ${w?.loopMs.toFixed(0)} ms`);
    return result;
  } finally {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Rows of `service` in a log database, and how many distinct context.seq values (in 1…) they carry. */
function countSeqs(file: string, service: string): { rows: number; distinct: number; distinctInRange: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const r = db
      .prepare("SELECT COUNT(*) AS rows, COUNT(DISTINCT seq) AS d, COUNT(DISTINCT CASE WHEN seq >= 1 THEN seq END) AS dr FROM (SELECT json_extract(context, '$.seq') AS seq FROM logs WHERE service = ?)")
      .get(service) as { rows: number; d: number; dr: number };
    return { rows: r.rows, distinct: r.d, distinctInRange: r.dr };
  } finally {
    db.close();
  }
}

/** Sustained HTTP bulk ingest for `durationS` on a fresh hub, its RSS sampled every `everyS` seconds. */
export async function measureSoak(ctx: RunContext, batchFile: string, opts: { durationS: number; conns: number; everyS: number }, log: Log): Promise<SoakResult> {
  const { dir, dataDir } = phaseDirs(ctx, 'soak');
  const maxBytes = soakMaxBytes(opts.durationS);
  const hub = await Hub.start(ctx.children, { app: ctx.app, dir, dataDir, env: ctx.env, config: hubConfig({}, { max_size: `${maxBytes / 1024 ** 2}MB` }), profileDir: ctx.profileDir('soak') });
  try {
    await sleep(2000); // settle after start
    const idleMb = rssMb(hub.pid) ?? NaN;
    const samples: RssSample[] = [];
    let progress: LoadProgress = { acked: 0, epochMs: 0 };
    let sending = false;
    const started = { at: 0 };
    const load = runLoad(
      ctx.children,
      { repo: ctx.repo, env: ctx.env, logDir: dir, name: 'soak' },
      { url: hub.url, path: '/api/logs/ingest', token: hub.token, file: batchFile, conns: opts.conns, kind: 'ingest', durationS: opts.durationS },
      hub.failed,
      (p) => {
        // The clock starts with the first progress line (the generator has read its batches by then).
        if (!sending) {
          sending = true;
          started.at = now() - 1000;
        }
        progress = p;
      },
    );
    let done = false;
    void load.then(() => (done = true), () => (done = true));
    let nextSample = 0;
    while (!done) {
      if (sending && now() - started.at >= nextSample * 1000) {
        const s = await hub.stats();
        const mb = rssMb(hub.pid);
        if (mb !== null) samples.push({ t: (now() - started.at) / 1000, rssMb: mb, acked: progress.acked, lastId: s.last_id, searchableUpTo: s.searchable_up_to, rows: s.rows, bytes: s.bytes });
        const sample = samples.at(-1);
        if (sample && Math.round(sample.t) % 20 === 0) log(`soak: ${sample.t.toFixed(0)} s, RSS ${sample.rssMb.toFixed(0)} MB, ${sample.acked.toLocaleString('en-US')} acknowledged, full-text ${(sample.lastId - sample.searchableUpTo).toLocaleString('en-US')} behind, store ${(sample.bytes / 1e9).toFixed(2)} GB`);
        nextSample += opts.everyS;
      }
      await sleep(100);
    }
    const report = await load;
    const end = samples.at(-1);
    // The reference: after the first 20 s, when the caches have filled (a third of a short soak).
    const refS = Math.min(20, opts.durationS / 3);
    const ref = samples.find((s) => s.t >= refS) ?? null;
    const maxMb = Math.max(...samples.map((s) => s.rssMb));
    const endMb = end?.rssMb ?? NaN;
    const maxStoreBytes = Math.max(0, ...samples.map((s) => s.bytes));
    return {
      durationS: opts.durationS,
      maxBytes,
      maxStoreBytes,
      limitReachedAtS: samples.find((s) => s.bytes >= 0.9 * maxBytes)?.t ?? null,
      idleMb,
      refS,
      refMb: ref?.rssMb ?? null,
      maxMb,
      endMb,
      flat: ref !== null && endMb <= 1.2 * ref.rssMb,
      linesPerSec: report.acked / (report.elapsedMs / 1000),
      ftsBacklogAtEnd: end ? end.lastId - end.searchableUpTo : 0,
      statuses: report.statuses,
      samples,
    };
  } finally {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
